// The local console's HTTP side on a running local stack: the page, the JSON control API (what the page and
// `crm-sync local` use), the event log as server-sent events — and a binary-mode CloudEvent from the official
// SDK through the real webhook bundle.
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CloudEvent, HTTP } from 'cloudevents';
import type { LogEntry } from '../../../lib/local/console/eventLog.ts';
import { exampleEvent } from '../../../lib/local/exampleEvent.ts';
import { type LocalStack, startLocalStack } from '../../../lib/local/startLocalStack.ts';
import { svixSignWebhook } from '../../helpers/signWebhook.ts';
import { buildBundles } from './buildBundles.ts';
import { lastSeq, waitForLog } from './waitForLog.ts';

const LOCAL_DIR = resolve('.local/test-control-api');

describe('local console: page, control API, event stream', () => {
  let stack: LocalStack;
  let api: string;

  beforeAll(async () => {
    const distDir = await buildBundles('test-control-api');
    stack = await startLocalStack({ port: 0, localDir: LOCAL_DIR, distDir });
    api = `${stack.consoleUrl}api`;
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await rm(LOCAL_DIR, { recursive: true, force: true });
  });

  const patch = (path: string, body: unknown, contentType = 'application/json') =>
    fetch(`${api}/${path}`, {
      method: 'PATCH',
      headers: { 'content-type': contentType },
      body: JSON.stringify(body),
    });

  it('serves the page, its script and stylesheet under /_console/', async () => {
    const [page, script, style] = await Promise.all([
      fetch(stack.consoleUrl),
      fetch(`${stack.consoleUrl}console.js`),
      fetch(`${stack.consoleUrl}console.css`),
    ]);

    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script type="module" src="console.js">');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(style.status).toBe(200);
    expect(stack.consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_console\/$/);
  });

  it('lists the CRO customers and, once synced, the Invisible Collector customers with their attributes', async () => {
    const since = lastSeq(stack.log);
    const changed = await patch('cro/customers/1', { name: 'Acme Lda' });
    const { eventId } = (await changed.json()) as { eventId: string };
    await waitForLog(stack.log, (e) => e.kind === 'applied' && e.text.includes(eventId), { since });

    const cro = (await (await fetch(`${api}/cro/customers`)).json()) as Array<{ id: number; name: string }>;
    const ic = (await (await fetch(`${api}/ic/customers`)).json()) as Array<Record<string, unknown>>;

    expect(cro.map((c) => [c.id, c.name])).toEqual([
      [1, 'Acme Lda'],
      [2, 'Local Customer 2'],
      [3, 'Local Customer 3'],
    ]);
    expect(ic).toEqual([
      expect.objectContaining({
        externalId: 'cro-42-1',
        name: 'Acme Lda',
        attributes: expect.objectContaining({ cro_customer_id: '1', cro_tenant_id: '42' }),
      }),
    ]);
  });

  it("bumps last_updated_on to now in CRO's format and announces the change with a signed webhook", async () => {
    const before = stack.cro!.getCustomer(2)!.last_updated_on!;

    const answer = (await (await patch('cro/customers/2', { city: 'Braga' })).json()) as {
      customer: { last_updated_on: string };
      webhook: { status: number; body: unknown };
      eventId: string;
    };

    expect(answer.customer.last_updated_on).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    expect(answer.customer.last_updated_on > before).toBe(true);
    expect(answer.webhook).toEqual({ status: 202, body: { accepted: [answer.eventId] } });
  });

  it('streams the event log: kept lines first, then new ones as they happen', async () => {
    const controller = new AbortController();
    const response = await fetch(`${api}/events`, { signal: controller.signal });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const entries: LogEntry[] = [];
    const next = async (matches: (e: LogEntry) => boolean) => {
      for (;;) {
        const found = entries.find(matches);
        if (found) return found;
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        for (const [, data] of value.matchAll(/^data: (.*)$/gm)) entries.push(JSON.parse(data!) as LogEntry);
      }
    };

    const kept = await next((e) => e.kind === 'control');
    await patch('faults/cro', { latencyMs: 5 });
    const live = await next((e) => e.text === 'CRO faults: 503 0%, 429 0%, latency 5 ms, token ok');
    controller.abort();

    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(kept.text).toMatch(/^CRO customer 1 changed: webhook 202/);
    expect(live.seq).toBeGreaterThan(kept.seq);
  });

  it('refuses changes without a JSON content type, unknown fields, and unknown routes or methods', async () => {
    const text = await patch('faults/ic', { serverErrorRate: 1 }, 'text/plain');
    const unknownField = await patch('faults/ic', { serverErrors: 1 });
    const outOfRange = await patch('faults/ic', { serverErrorRate: 2 });
    const route = await fetch(`${api}/nothing`);
    const method = await fetch(`${api}/dlq`, { method: 'DELETE' });

    expect([text.status, unknownField.status, outOfRange.status, route.status, method.status]).toEqual([
      415, 400, 400, 404, 405,
    ]);
    expect(((await outOfRange.json()) as { issues: unknown[] }).issues).toEqual([
      expect.objectContaining({ path: 'serverErrorRate' }),
    ]);
    expect(stack.control.faults('ic').serverErrorRate).toBe(0);
  });

  it('runs the reconciliation on POST /reconcile (JSON only) and answers its summary; the page has the button', async () => {
    const since = lastSeq(stack.log);
    const plain = await fetch(`${api}/reconcile`, { method: 'POST' });
    const get = await fetch(`${api}/reconcile`);

    const run = await fetch(`${api}/reconcile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });

    expect([plain.status, get.status, run.status]).toEqual([415, 405, 200]);
    const summary = (await run.json()) as {
      tenantId: number;
      locations: Array<{ locationId: number; status: string }>;
      inactiveSkipped: number[];
    };
    expect(summary).toMatchObject({ tenantId: 42, inactiveSkipped: [3] });
    expect(summary.locations.map((l) => [l.locationId, l.status])).toEqual([
      [1, 'complete'],
      [2, 'complete'],
    ]);
    await waitForLog(stack.log, (e) => e.kind === 'control' && /^reconciled 2 location\(s\)/.test(e.text), {
      since,
    });
    const page = await (await fetch(stack.consoleUrl)).text();
    expect(page).toMatch(/<button\s+id="reconcile-now"[^>]*>\s*Reconcile now\s*<\/button>/);
  });

  it('shows DLQ messages without receiving them, and replays one by event id', async () => {
    const since = lastSeq(stack.log);
    const event = exampleEvent(stack.tenantId, 404);
    await postBinary(event);
    await waitForLog(stack.log, (e) => e.kind === 'dead-lettered' && e.text.includes(event.id), { since });

    const first = (await (await fetch(`${api}/dlq`)).json()) as Array<Record<string, unknown>>;
    const second = (await (await fetch(`${api}/dlq`)).json()) as Array<Record<string, unknown>>;
    const beforeReplay = lastSeq(stack.log);
    const replay = await fetch(`${api}/dlq/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventId: event.id }),
    });

    expect(first).toEqual([
      expect.objectContaining({
        eventId: event.id,
        customerId: '404',
        reason: 'crm-not-found',
        receiveCount: 0,
      }),
    ]);
    expect(second).toEqual(first.map((row) => ({ ...row, ageMs: expect.any(Number) })));
    const again = await waitForLog(stack.log, (e) => e.activity !== undefined && e.text.includes(event.id), {
      since: beforeReplay,
    });

    expect(await replay.json()).toMatchObject({ replayed: 1, failed: 0 });
    expect(again.kind).toBe('dead-lettered'); // CRO still has no customer 404
  });

  it('accepts a binary-mode CloudEvent (HTTP.binary, signed with svix) through the bundled webhook', async () => {
    const since = lastSeq(stack.log);
    const event = exampleEvent(stack.tenantId, 3);

    const response = await postBinary(event);
    await waitForLog(stack.log, (e) => e.kind === 'applied' && e.text.includes(event.id), { since });

    expect(response.status).toBe(202);
    expect(stack.ic!.customerByExternalId('cro-42-3')).toMatchObject({ vatNumber: event.data.vatNumber });
  });

  /** Posts `event` as an SDK producer does by default: binary mode, signed by svix's own implementation. */
  async function postBinary(event: ReturnType<typeof exampleEvent>): Promise<Response> {
    const { data, ...attributes } = event;
    const message = HTTP.binary(new CloudEvent({ ...attributes, data }));
    const body = String(message.body);
    return fetch(stack.webhookUrl, {
      method: 'POST',
      headers: {
        ...(message.headers as Record<string, string>),
        ...svixSignWebhook(body, stack.webhookSecret),
      },
      body,
    });
  }
});

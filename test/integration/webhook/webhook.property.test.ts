import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { newWebhookSecret, signWebhook } from '../../helpers/signWebhook.ts';
import { webhookEvent } from '../../unit/lib/webhook/events.ts';
import { startWebhookBench, type WebhookBench } from './webhookBench.ts';

const headerValue = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('v1,', 'v1,AAAA', '0', '-1', ''));
const maybeHeaders = fc.record(
  {
    'webhook-id': headerValue,
    'webhook-timestamp': fc.oneof(headerValue, fc.integer().map(String)),
    'webhook-signature': headerValue,
    'x-cro-signature': headerValue,
    'x-cro-delivery-id': headerValue,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.json({ maxDepth: 3 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.constant(JSON.stringify(webhookEvent(1))),
);

describe('webhook under fuzzed requests (fast-check)', () => {
  let bench: WebhookBench;
  beforeAll(async () => {
    bench = await startWebhookBench();
  });
  afterAll(async () => {
    await bench?.stop();
  });

  it('never answers 5xx or 2xx, and never enqueues, without a valid signature', async () => {
    await fc.assert(
      fc.asyncProperty(
        body,
        maybeHeaders,
        fc.constantFrom('POST', 'GET', 'PUT'),
        async (payload, headers, method) => {
          const response = await bench.post(payload, headers as Record<string, string>, { method });
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
    expect(await bench.messageCount()).toBe(0);
  });

  it('with a valid signature on any body, answers 202 (every event enqueued) or a 4xx (nothing enqueued)', async () => {
    const before = await bench.messageCount();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const response = await bench.post(payload, signWebhook(payload, bench.secret));
        expect([202, 400]).toContain(response.status);
        if (response.status === 202) accepted += (response.body.accepted as string[]).length;
      }),
      { numRuns: 200 },
    );
    expect(await bench.messageCount()).toBe(before + accepted);
  });

  it('rejects a valid event signed with any other secret or for any other webhook id', async () => {
    const payload = JSON.stringify(webhookEvent(2));
    const signed = signWebhook(payload, bench.secret, { id: 'msg_fixed' });
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), async (otherId) => {
        fc.pre(otherId !== 'msg_fixed');
        const forged = await bench.post(payload, { ...signed, 'webhook-id': otherId });
        const foreign = await bench.post(payload, signWebhook(payload, newWebhookSecret(), { id: otherId }));
        expect([forged.status, foreign.status]).toEqual([401, 401]);
      }),
      { numRuns: 50 },
    );
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { croSign, newWebhookSecret, signWebhook } from '../../helpers/signWebhook.ts';
import { TENANT, webhookEvent } from '../../unit/lib/webhook/events.ts';
import { pathStyleUrl, startWebhookBench, type WebhookBench } from './webhookBench.ts';

describe('webhook → SQS (fauxqs)', () => {
  let bench: WebhookBench;
  beforeAll(async () => {
    bench = await startWebhookBench();
  });
  afterAll(async () => {
    await bench?.stop();
  });
  beforeEach(async () => {
    bench.setSecrets([bench.secret]);
    await bench.local.sqs.send(new PurgeQueueCommand({ QueueUrl: bench.local.queue.url }));
  });

  it('answers 202 with the event id once a signed event is on the queue', async () => {
    const event = webhookEvent(1);
    const body = JSON.stringify(event);

    const response = await bench.post(body, signWebhook(body, bench.secret));

    expect(response).toMatchObject({ status: 202, body: { accepted: [event.id] } });
    const messages = await bench.receiveAll();
    expect(messages.map((m) => JSON.parse(m.Body!))).toEqual([event]);
  });

  it('enqueues every event of an array, in one request', async () => {
    const events = [webhookEvent(1), webhookEvent(2), webhookEvent(3)];
    const body = JSON.stringify(events);

    const response = await bench.post(body, signWebhook(body, bench.secret));

    expect(response.body.accepted).toEqual(events.map((e) => e.id));
    expect((await bench.receiveAll()).map((m) => JSON.parse(m.Body!).id).sort()).toEqual(
      events.map((e) => e.id).sort(),
    );
  });

  it('verifies the raw bytes of a body API Gateway delivered base64-encoded', async () => {
    const event = webhookEvent(4, { data: { attributes: { note: 'Ação ✓' } } });
    const body = Buffer.from(JSON.stringify(event));

    const response = await bench.post(body, signWebhook(body, bench.secret), {
      contentType: 'application/octet-stream',
    });

    expect(response.status).toBe(202);
    expect(JSON.parse((await bench.receiveAll())[0]!.Body!).data.attributes.note).toBe('Ação ✓');
  });

  it('answers 401 without detail and enqueues nothing when the signature is wrong', async () => {
    const body = JSON.stringify(webhookEvent(1));

    const response = await bench.post(body, signWebhook(body, newWebhookSecret()));

    expect(response).toEqual({ status: 401, headers: expect.anything(), body: { error: 'unauthorized' } });
    expect(await bench.messageCount()).toBe(0);
  });

  it('accepts a delivery signed with a secret added to the secret file (rotation)', async () => {
    const next = newWebhookSecret();
    bench.setSecrets([next, bench.secret]);
    const body = JSON.stringify(webhookEvent(5));

    const withNew = await bench.post(body, signWebhook(body, next));
    const withOld = await bench.post(body, signWebhook(body, bench.secret));

    expect([withNew.status, withOld.status]).toEqual([202, 202]);
  });

  it('answers 405 with Allow: POST to other methods', async () => {
    const response = await bench.post('', {}, { method: 'GET' });

    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });

  it('accepts a signed event of about 250 KiB, just under the limit, and enqueues it whole', async () => {
    const event = webhookEvent(2, { data: { attributes: { notes: 'x'.repeat(250 * 1024) } } });
    const body = JSON.stringify(event);
    expect(Buffer.byteLength(body)).toBeGreaterThan(250 * 1024);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(256 * 1024);

    const response = await bench.post(body, signWebhook(body, bench.secret));

    expect(response).toMatchObject({ status: 202, body: { accepted: [event.id] } });
    const [message] = await bench.receiveAll();
    expect(message!.Body).toBe(body);
  });

  it('answers 413 to a body over 256 KiB, before looking at the signature', async () => {
    const body = JSON.stringify({ ...webhookEvent(1), padding: 'x'.repeat(256 * 1024) });

    const response = await bench.post(body, signWebhook(body, bench.secret));

    expect(response.status).toBe(413);
    expect(await bench.messageCount()).toBe(0);
  });

  it('answers 400 with the zod issues when one event of the array is invalid, and enqueues none', async () => {
    const body = JSON.stringify([webhookEvent(1), { ...webhookEvent(2), specversion: '0.3' }]);

    const response = await bench.post(body, signWebhook(body, bench.secret));

    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([{ path: '[1].specversion', message: expect.any(String) }]);
    expect(await bench.messageCount()).toBe(0);
  });

  it('answers 400 to an event for another tenant', async () => {
    const body = JSON.stringify(webhookEvent(1, { data: { tenantId: TENANT + 1 } }));

    const response = await bench.post(body, signWebhook(body, bench.secret));

    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([
      { path: 'data.tenantId', message: expect.stringMatching(/tenant/) },
    ]);
  });

  it('answers 503 with Retry-After when the queue cannot be reached', async () => {
    const body = JSON.stringify(webhookEvent(1));
    const missing = pathStyleUrl(bench.local, 'gone');

    const response = await bench.post(body, signWebhook(body, bench.secret), { queueUrl: missing });

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
  });

  it('answers 503 (not 401) when the webhook secret cannot be read, so the sender retries', async () => {
    bench.setSecrets(['not-a-standard-webhooks-secret']);
    const body = JSON.stringify(webhookEvent(1));

    const response = await bench.post(body, signWebhook(body, bench.secret));

    expect(response.status).toBe(503);
    expect(JSON.stringify(response.body)).not.toContain('not-a-standard');
    expect(await bench.messageCount()).toBe(0);
  });

  it('on a FIFO queue, a replayed delivery (same webhook-id) yields the same ids and no second message', async () => {
    const { queue } = await bench.local.createQueuePair({ name: 'webhook-replay', fifo: true });
    const event = webhookEvent(9);
    const body = JSON.stringify(event);

    const queueUrl = pathStyleUrl(bench.local, queue.name);

    const first = await bench.post(body, signWebhook(body, bench.secret, { id: 'msg_replayed' }), {
      queueUrl,
    });
    const again = await bench.post(body, signWebhook(body, bench.secret, { id: 'msg_replayed' }), {
      queueUrl,
    });

    expect(again.body).toEqual(first.body);
    const messages = await bench.receiveAll(queue.url);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.Attributes).toMatchObject({
      MessageGroupId: `${TENANT}-9`,
      MessageDeduplicationId: event.id,
    });
  });

  it('turns a CRO-native delivery into a crm.customer.updated event with a deterministic id', async () => {
    const body = JSON.stringify({ id: 77, name: 'Acme', email: 'a@example.com' });
    const headers = { 'x-cro-signature': croSign(body, bench.secret), 'x-cro-delivery-id': 'd-1' };

    const first = await bench.post(body, headers);
    const replay = await bench.post(body, headers);

    expect(first.status).toBe(202);
    expect(replay.body).toEqual(first.body);
    const [message] = await bench.receiveAll();
    expect(JSON.parse(message!.Body!)).toMatchObject({
      type: 'crm.customer.updated',
      data: { tenantId: TENANT, customerId: 77 },
    });
  });

  it('enqueues two CRO-native deliveries without a delivery id as two events, even with identical bodies', async () => {
    const body = JSON.stringify({ customer_id: 78 });
    const headers = { 'x-cro-signature': croSign(body, bench.secret) };

    const first = await bench.post(body, headers);
    const later = await bench.post(body, headers);

    expect([first.status, later.status]).toEqual([202, 202]);
    expect(later.body.accepted).not.toEqual(first.body.accepted);
    const ids = (await bench.receiveAll()).map((m) => (JSON.parse(m.Body!) as { id: string }).id);
    expect(ids.sort()).toEqual(
      [...(first.body.accepted as string[]), ...(later.body.accepted as string[])].sort(),
    );
  });

  it('logs the webhook id and never the body', async () => {
    bench.logs.length = 0;
    const event = webhookEvent(3, {
      data: { vatNumber: 'PT999999990', customer: { email: 'jo@example.com' } },
    });
    const body = JSON.stringify(event);

    await bench.post(body, signWebhook(body, bench.secret, { id: 'msg_logged' }));
    await bench.post('{"broken', signWebhook('{"broken', bench.secret, { id: 'msg_bad' }));

    expect(bench.logs.map((l) => [l.message, l.webhookId])).toEqual([
      ['accepted', 'msg_logged'],
      ['rejected', 'msg_bad'],
    ]);
    const text = JSON.stringify(bench.logs);
    expect(text).not.toContain('PT999999990');
    expect(text).not.toContain('jo@example.com');
    expect(text).not.toContain('broken');
  });
});

// The webhook in every content mode of the CloudEvents HTTP binding, as producers built on the official
// `cloudevents` SDK send them, signed by an independent Standard Webhooks implementation (svix 1.82, its own
// HMAC code) and by ours: what reaches the queue is always the structured JSON event.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { CloudEvent, HTTP } from 'cloudevents';
import { signWebhook, svixSignWebhook as svixSign } from '../../helpers/signWebhook.ts';
import { TENANT, webhookEvent } from '../../unit/lib/webhook/events.ts';
import { startWebhookBench, type WebhookBench } from './webhookBench.ts';

function sdkEvent(customerId: number, extra: Record<string, string> = {}) {
  const { data, ...attributes } = webhookEvent(customerId);
  return new CloudEvent({ ...attributes, data, ...extra });
}

/** The SDK's message as plain string headers and body. */
function message(binding: { headers: Record<string, unknown>; body: unknown }) {
  return {
    headers: Object.fromEntries(Object.entries(binding.headers).map(([k, v]) => [k, String(v)])),
    body: String(binding.body),
  };
}

describe('webhook content modes (CloudEvents HTTP binding)', () => {
  let bench: WebhookBench;
  beforeAll(async () => {
    bench = await startWebhookBench();
  });
  afterAll(async () => {
    await bench?.stop();
  });
  beforeEach(async () => {
    await bench.local.sqs.send(new PurgeQueueCommand({ QueueUrl: bench.local.queue.url }));
  });

  const queued = async () => (await bench.receiveAll()).map((m) => JSON.parse(m.Body!) as unknown);

  it('binary mode (HTTP.binary, the SDK default) enqueues the structured event, signed by svix', async () => {
    const event = sdkEvent(1, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    const { headers, body } = message(HTTP.binary(event));

    const response = await bench.post(
      body,
      { ...headers, ...svixSign(body, bench.secret) },
      {
        contentType: headers['content-type'],
      },
    );

    expect(response).toMatchObject({ status: 202, body: { accepted: [event.id] } });
    expect(await queued()).toEqual([
      {
        specversion: '1.0',
        id: event.id,
        source: `cro-software/tenants/${TENANT}`,
        type: 'crm.customer.updated',
        time: event.time,
        subject: 'customers/1',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        datacontenttype: 'application/json; charset=utf-8',
        data: { tenantId: TENANT, customerId: 1 },
      },
    ]);
  });

  it('structured mode (HTTP.structured) enqueues the event as sent, signed by our signer', async () => {
    const event = sdkEvent(2);
    const { headers, body } = message(HTTP.structured(event));

    const response = await bench.post(body, signWebhook(body, bench.secret), {
      contentType: headers['content-type'],
    });

    expect(response.status).toBe(202);
    expect(await queued()).toEqual([JSON.parse(body)]);
  });

  it('batched mode enqueues every event of the array', async () => {
    const events = [sdkEvent(3), sdkEvent(4)];
    const body = JSON.stringify(events);

    const response = await bench.post(body, svixSign(body, bench.secret), {
      contentType: 'application/cloudevents-batch+json',
    });

    expect(response.body.accepted).toEqual(events.map((e) => e.id));
    expect(((await queued()) as Array<{ id: string }>).map((e) => e.id).sort()).toEqual(
      events.map((e) => e.id).sort(),
    );
  });

  it('answers 401 to a binary-mode request whose body was changed after signing (the signature covers the body)', async () => {
    const { headers, body } = message(HTTP.binary(sdkEvent(5)));
    const signed = svixSign(body, bench.secret);

    const response = await bench.post(body.replace('"customerId":5', '"customerId":6'), {
      ...headers,
      ...signed,
    });

    expect(response.status).toBe(401);
    expect(await bench.messageCount()).toBe(0);
  });

  it('answers 400 with the issue when a binary-mode event lacks a required attribute, and enqueues nothing', async () => {
    const { headers, body } = message(HTTP.binary(sdkEvent(6)));
    const { 'ce-source': _source, ...withoutSource } = headers;

    const response = await bench.post(
      body,
      { ...withoutSource, ...svixSign(body, bench.secret) },
      {
        contentType: headers['content-type'],
      },
    );

    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([expect.objectContaining({ path: 'source' })]);
    expect(await bench.messageCount()).toBe(0);
  });
});

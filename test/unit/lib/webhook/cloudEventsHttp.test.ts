// The CloudEvents HTTP binding's content modes, with the official `cloudevents` SDK as the producer.
import { describe, expect, it } from '@jest/globals';
import { CloudEvent, HTTP } from 'cloudevents';
import { decodeCloudEvents } from '../../../../lib/webhook/cloudEventsHttp.ts';
import { WebhookPayloadError } from '../../../../lib/webhook/errors.ts';
import { TENANT, webhookEvent } from './events.ts';

/** An SDK CloudEvent with crm-sync's attributes and data, plus a tracing extension. */
function sdkEvent(customerId: number) {
  const { data, ...attributes } = webhookEvent(customerId);
  return new CloudEvent({ ...attributes, data, traceparent: '00-4bf92f3577b34da6-00f067aa0ba902b7-01' });
}

/** What the SDK's message looks like to the webhook: lower-case headers, the body as bytes. */
function request(message: { headers: Record<string, unknown>; body: unknown }) {
  const headers = Object.fromEntries(
    Object.entries(message.headers).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  return { headers, body: Buffer.from(String(message.body)) };
}

function payloadError(run: () => unknown): WebhookPayloadError {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookPayloadError) return error;
    throw error;
  }
  throw new Error('expected a WebhookPayloadError');
}

describe('decodeCloudEvents', () => {
  it('turns a binary-mode request (HTTP.binary) into the structured event, extensions kept', () => {
    const event = sdkEvent(1);

    const decoded = decodeCloudEvents(request(HTTP.binary(event)));

    expect(decoded.mode).toBe('binary');
    expect(decoded.value).toEqual({
      specversion: '1.0',
      id: event.id,
      source: event.source,
      type: event.type,
      time: event.time,
      subject: event.subject,
      traceparent: '00-4bf92f3577b34da6-00f067aa0ba902b7-01',
      datacontenttype: 'application/json; charset=utf-8',
      data: { tenantId: TENANT, customerId: 1 },
    });
  });

  it('reads a structured-mode request (HTTP.structured) as the one event it carries', () => {
    const event = sdkEvent(2);

    const decoded = decodeCloudEvents(request(HTTP.structured(event)));

    expect(decoded.mode).toBe('structured');
    expect(decoded.value).toMatchObject({ id: event.id, data: { customerId: 2 } });
  });

  it('reads a batched request as its array, and plain JSON as one event or an array', () => {
    const events = [webhookEvent(1), webhookEvent(2)];
    const body = Buffer.from(JSON.stringify(events));

    const batched = decodeCloudEvents({
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body,
    });
    const json = decodeCloudEvents({ headers: { 'content-type': 'application/json' }, body });

    expect(batched).toEqual({ mode: 'batched', value: events });
    expect(json).toEqual({ mode: 'json', value: events });
  });

  it('percent-decodes binary header values and keeps a % that starts no valid sequence', () => {
    const decoded = decodeCloudEvents({
      headers: {
        'ce-specversion': '1.0',
        'ce-id': 'e-1',
        'ce-source': 'cro-software/tenants/42',
        'ce-type': 'crm.customer.updated',
        'ce-subject': 'Customer%20A%C3%A7%C3%A3o 100%',
        'content-type': 'application/json',
      },
      body: Buffer.from('{"tenantId":42,"customerId":1}'),
    });

    expect(decoded.value).toMatchObject({ subject: 'Customer Ação 100%' });
  });

  it('rejects a binary-mode body that is not JSON, naming the content type', () => {
    const error = payloadError(() =>
      decodeCloudEvents({
        headers: { 'ce-specversion': '1.0', 'ce-id': 'e-1', 'content-type': 'text/plain' },
        body: Buffer.from('customer 1 changed'),
      }),
    );

    expect(error.status).toBe(400);
    expect(error.issues).toEqual([{ path: 'datacontenttype', message: expect.stringMatching(/json/) }]);
  });

  it('rejects an array in structured mode and an object in batched mode', () => {
    const one = Buffer.from(JSON.stringify(webhookEvent(1)));
    const many = Buffer.from(JSON.stringify([webhookEvent(1)]));

    const structured = payloadError(() =>
      decodeCloudEvents({ headers: { 'content-type': 'application/cloudevents+json' }, body: many }),
    );
    const batched = payloadError(() =>
      decodeCloudEvents({ headers: { 'content-type': 'application/cloudevents-batch+json' }, body: one }),
    );

    expect(structured.message).toMatch(/carries one event/);
    expect(batched.message).toMatch(/JSON array/);
  });

  it('rejects a body that is not JSON without quoting it', () => {
    const error = payloadError(() =>
      decodeCloudEvents({
        headers: { 'content-type': 'application/cloudevents+json' },
        body: Buffer.from('{"email": "x@example.com"'),
      }),
    );

    expect(JSON.stringify(error.issues)).not.toContain('example.com');
  });
});

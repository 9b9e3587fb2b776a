import { describe, expect, it } from '@jest/globals';
import { WebhookPayloadError } from '../../../../lib/webhook/errors.ts';
import { MAX_EVENTS_PER_REQUEST, parseWebhookEvents } from '../../../../lib/webhook/parseWebhookEvents.ts';
import { TENANT, webhookEvent } from './events.ts';

/** A plain JSON request (no CloudEvents content type, no `ce-*` headers). */
const json = (text: string) => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(text) });

function payloadError(text: string): WebhookPayloadError {
  try {
    parseWebhookEvents(json(text), TENANT);
  } catch (error) {
    if (error instanceof WebhookPayloadError) return error;
    throw error;
  }
  throw new Error('expected a WebhookPayloadError');
}

describe('parseWebhookEvents', () => {
  it('accepts one CloudEvent and keeps its JSON, unknown fields included, as the queue body', () => {
    const event = { ...webhookEvent(1), traceparent: '00-abc' };

    const [accepted] = parseWebhookEvents(json(JSON.stringify(event)), TENANT);

    expect(accepted!.event.id).toBe(event.id);
    expect(JSON.parse(accepted!.body)).toEqual(event);
  });

  it('accepts an array of events in order', () => {
    const events = [webhookEvent(1), webhookEvent(2), webhookEvent(3)];

    const accepted = parseWebhookEvents(json(JSON.stringify(events)), TENANT);

    expect(accepted.map((a) => a.event.data.customerId)).toEqual([1, 2, 3]);
  });

  it(`rejects more than ${MAX_EVENTS_PER_REQUEST} events in one request`, () => {
    const events = Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, (_, i) => webhookEvent(i + 1));

    expect(payloadError(JSON.stringify(events)).message).toMatch(/at most 10/);
  });

  it('rejects an empty array and a body that is not JSON', () => {
    expect(payloadError('[]').status).toBe(400);
    expect(payloadError('{"id": ').issues).toEqual([{ path: '(root)', message: 'not valid JSON' }]);
  });

  it('reports every problem of every element with its index, and no values', () => {
    const bad = {
      ...webhookEvent(2),
      type: 'crm.customer.deleted',
      data: { tenantId: TENANT, customerId: 'x9@example.com' },
    };

    const error = payloadError(JSON.stringify([webhookEvent(1), bad]));

    expect(error.issues.map((i) => i.path)).toEqual(['[1].type', '[1].data.customerId']);
    expect(JSON.stringify(error.issues)).not.toContain('example.com');
  });

  it('rejects an event for another tenant', () => {
    const error = payloadError(JSON.stringify(webhookEvent(1, { data: { tenantId: TENANT + 1 } })));

    expect(error.issues).toEqual([
      { path: 'data.tenantId', message: 'is not the tenant this endpoint serves' },
    ]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { CustomerEventSchema } from '../../../../lib/events/schemas.ts';
import { croDeliveryToEvent } from '../../../../lib/webhook/croDelivery.ts';
import { WebhookPayloadError } from '../../../../lib/webhook/errors.ts';

const TENANT = 42;
const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('croDeliveryToEvent', () => {
  it.each([
    [{ id: 7, name: 'Acme' }],
    [{ customer_id: 7 }],
    [{ customerId: '7' }],
    [{ event: 'Customer', data: { id: 7 } }],
    [{ customer: { id: 7, name: 'Acme' } }],
    [{ resource: { customer_id: 7 } }],
  ])('finds the customer id in %j and builds a valid crm.customer.updated CloudEvent', (payload) => {
    const { event, body: queued } = croDeliveryToEvent(body(payload), 'd-1', TENANT);

    expect(CustomerEventSchema.parse(JSON.parse(queued))).toEqual(event);
    expect(event).toMatchObject({
      type: 'crm.customer.updated',
      source: `cro-software/tenants/${TENANT}`,
      data: { tenantId: TENANT, customerId: 7 },
    });
  });

  it('gives the same delivery id the same event id, and another delivery another one', () => {
    const first = croDeliveryToEvent(body({ id: 7 }), 'd-1', TENANT).event.id;

    expect(croDeliveryToEvent(body({ id: 7 }), 'd-1', TENANT).event.id).toBe(first);
    expect(croDeliveryToEvent(body({ id: 7 }), 'd-2', TENANT).event.id).not.toBe(first);
  });

  it('derives the event id from the body when CRO sends no delivery id', () => {
    const a = croDeliveryToEvent(
      body({ id: 7, last_updated_on: '2026-11-22T10:00:00.000000' }),
      undefined,
      TENANT,
    );
    const b = croDeliveryToEvent(
      body({ id: 7, last_updated_on: '2026-11-22T10:00:00.000000' }),
      undefined,
      TENANT,
    );
    const c = croDeliveryToEvent(
      body({ id: 7, last_updated_on: '2026-11-22T10:05:00.000000' }),
      undefined,
      TENANT,
    );

    expect(a.event.id).toBe(b.event.id);
    expect(c.event.id).not.toBe(a.event.id);
    expect(c.event.time).toBe('2026-11-22T10:05:00.000000Z');
  });

  it('rejects a payload without a customer id, and one for another tenant', () => {
    expect(() => croDeliveryToEvent(body({ name: 'Acme' }), 'd', TENANT)).toThrow(WebhookPayloadError);
    expect(() => croDeliveryToEvent(body({ id: 7, tenant_id: 43 }), 'd', TENANT)).toThrow(
      /invalid CRO payload/,
    );
    expect(() => croDeliveryToEvent(Buffer.from('<xml/>'), 'd', TENANT)).toThrow(/not valid JSON/);
    expect(() => croDeliveryToEvent(body([{ id: 7 }]), 'd', TENANT)).toThrow(WebhookPayloadError);
  });
});

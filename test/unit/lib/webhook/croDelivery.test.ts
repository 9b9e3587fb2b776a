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
    const { event, body: queued } = croDeliveryToEvent(
      body(payload),
      { deliveryId: 'd-1', requestId: 'r-1' },
      TENANT,
    );

    expect(CustomerEventSchema.parse(JSON.parse(queued))).toEqual(event);
    expect(event).toMatchObject({
      type: 'crm.customer.updated',
      source: `cro-software/tenants/${TENANT}`,
      data: { tenantId: TENANT, customerId: 7 },
    });
  });

  it('gives the same delivery id the same event id, and another delivery another one', () => {
    const first = croDeliveryToEvent(body({ id: 7 }), { deliveryId: 'd-1', requestId: 'r-1' }, TENANT).event
      .id;

    expect(
      croDeliveryToEvent(body({ id: 7 }), { deliveryId: 'd-1', requestId: 'r-2' }, TENANT).event.id,
    ).toBe(first);
    expect(
      croDeliveryToEvent(body({ id: 7 }), { deliveryId: 'd-2', requestId: 'r-1' }, TENANT).event.id,
    ).not.toBe(first);
  });

  it('gives deliveries without a delivery id the id of their request, never a shared one', () => {
    const change = body({ customer_id: 7 });
    const a = croDeliveryToEvent(change, { requestId: 'r-1' }, TENANT);
    const b = croDeliveryToEvent(change, { deliveryId: '', requestId: 'r-2' }, TENANT);
    const again = croDeliveryToEvent(change, { requestId: 'r-1' }, TENANT);

    expect(b.event.id).not.toBe(a.event.id);
    expect(again.event.id).toBe(a.event.id);
    expect(a.event.id).toMatch(/^cro-[0-9a-f]{64}$/);
  });

  it('takes the change time from the payload when it has one', () => {
    const { event } = croDeliveryToEvent(
      body({ id: 7, last_updated_on: '2026-11-22T10:05:00.000000' }),
      { requestId: 'r-1' },
      TENANT,
    );

    expect(event.time).toBe('2026-11-22T10:05:00.000000Z');
  });

  it('takes customer_id over a top-level id (the id of the notification itself)', () => {
    const { event } = croDeliveryToEvent(body({ id: 991, customer_id: 7 }), { requestId: 'r-1' }, TENANT);

    expect(event.data.customerId).toBe(7);
  });

  it('rejects a payload without a customer id, and one for another tenant', () => {
    expect(() =>
      croDeliveryToEvent(body({ name: 'Acme' }), { deliveryId: 'd', requestId: 'r' }, TENANT),
    ).toThrow(WebhookPayloadError);
    expect(() =>
      croDeliveryToEvent(body({ id: 7, tenant_id: 43 }), { deliveryId: 'd', requestId: 'r' }, TENANT),
    ).toThrow(/invalid CRO payload/);
    expect(() => croDeliveryToEvent(Buffer.from('<xml/>'), { requestId: 'r' }, TENANT)).toThrow(
      /not valid JSON/,
    );
    expect(() => croDeliveryToEvent(body([{ id: 7 }]), { requestId: 'r' }, TENANT)).toThrow(
      WebhookPayloadError,
    );
  });
});

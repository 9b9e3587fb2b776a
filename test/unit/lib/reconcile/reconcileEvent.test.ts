import { describe, expect, it } from '@jest/globals';
import { parseEventBody } from '../../../../lib/events/parseEventBody.ts';
import { croCustomer } from '../../../../lib/local/simulators/croCustomer.ts';
import { readVat, reconcileEvent, reconcileEventId } from '../../../../lib/reconcile/reconcileEvent.ts';

const startedAt = '2026-11-29T10:00:00.000000Z';
const listed = (overrides: Record<string, unknown> = {}) =>
  ({
    ...croCustomer({ id: 7 }),
    created_on: '2026-11-29T09:00:00.000000',
    last_updated_on: '2026-11-29T09:30:00.123456',
    tax_id: ' PT501234567 ',
    ...overrides,
  }) as ReturnType<typeof croCustomer> & { created_on: string | null; last_updated_on: string | null };

describe('reconcileEventId', () => {
  it('is the same for the same customer version, whatever the timestamp form', () => {
    expect(reconcileEventId(42, 7, '2020-04-22T17:23:17.363000')).toBe(
      reconcileEventId(42, 7, '2020-04-22T17:23:17.363Z'),
    );
    expect(reconcileEventId(42, 7, '2020-04-22T17:23:17.363000')).toMatch(/^reconcile-[0-9a-f]{32}$/);
  });

  it('differs by tenant, customer and version', () => {
    const id = reconcileEventId(42, 7, '2020-04-22T17:23:17.363000');
    expect(reconcileEventId(43, 7, '2020-04-22T17:23:17.363000')).not.toBe(id);
    expect(reconcileEventId(42, 8, '2020-04-22T17:23:17.363000')).not.toBe(id);
    expect(reconcileEventId(42, 7, '2020-04-22T17:23:17.364000')).not.toBe(id);
  });
});

describe('reconcileEvent', () => {
  it('is a valid §1 event carrying the listed model as its snapshot, timed by its last_updated_on', () => {
    const customer = listed();

    const outgoing = reconcileEvent(customer, { tenantId: 42, startedAt });
    const event = parseEventBody(outgoing.body);

    expect(outgoing).toMatchObject({ id: event.id, tenantId: 42, customerId: 7 });
    expect(event).toMatchObject({
      id: reconcileEventId(42, 7, customer.last_updated_on!),
      type: 'crm.customer.updated',
      source: 'cro-software/tenants/42',
      subject: 'customers/7',
      time: '2026-11-29T09:30:00.123456Z',
      data: { tenantId: 42, customerId: 7, customer: JSON.parse(JSON.stringify(customer)) },
    });
    expect(event.data).not.toHaveProperty('vatNumber');
  });

  it('is a created event with the VAT number when the customer was created inside the window', () => {
    const context = { tenantId: 42, startedAt, vatField: ['tax_id'] };

    const everything = parseEventBody(reconcileEvent(listed(), context).body);
    const window = parseEventBody(
      reconcileEvent(listed(), { ...context, since: '2026-11-29T08:00:00.000000Z' }).body,
    );
    const older = parseEventBody(
      reconcileEvent(listed(), { ...context, since: '2026-11-29T09:10:00.000000Z' }).body,
    );

    expect(everything).toMatchObject({ type: 'crm.customer.created', data: { vatNumber: 'PT501234567' } });
    expect(window.type).toBe('crm.customer.created');
    expect(older).toMatchObject({ type: 'crm.customer.updated', data: { vatNumber: 'PT501234567' } });
  });

  it('stays an updated event without a VAT number (the sync then updates by externalId first)', () => {
    const event = parseEventBody(
      reconcileEvent(listed({ tax_id: '' }), { tenantId: 42, startedAt, vatField: ['tax_id'] }).body,
    );

    expect(event.type).toBe('crm.customer.updated');
  });

  it('leaves out a snapshot whose age is unknown, versioning the id by the listing instead', () => {
    const outgoing = reconcileEvent(listed({ last_updated_on: null }), { tenantId: 42, startedAt });
    const event = parseEventBody(outgoing.body);

    expect(event.data).not.toHaveProperty('customer');
    expect(event.time).toBe(startedAt);
    expect(outgoing.id).toBe(reconcileEventId(42, 7, `unversioned:${startedAt}`));
  });

  it('leaves out a snapshot too large for a queue message', () => {
    const event = parseEventBody(
      reconcileEvent(listed({ note: 'x'.repeat(210_000) }), { tenantId: 42, startedAt }).body,
    );

    expect(event.data).not.toHaveProperty('customer');
  });
});

describe('readVat', () => {
  const model = { tax_id: 'PT1', locations: [{ reference_number: ' PT2 ' }, { reference_number: null }] };

  it('follows object keys and array indexes', () => {
    expect(readVat(model, ['tax_id'])).toBe('PT1');
    expect(readVat(model, ['locations', '0', 'reference_number'])).toBe('PT2');
  });

  it('finds nothing where the path leads nowhere or to something that is not a VAT number', () => {
    expect(readVat(model, ['locations', '1', 'reference_number'])).toBeUndefined();
    expect(readVat(model, ['locations', '5', 'reference_number'])).toBeUndefined();
    expect(readVat(model, ['tax_id', 'x'])).toBeUndefined();
    expect(readVat(model, ['locations'])).toBeUndefined();
    expect(readVat({ tax_id: 'P'.repeat(65) }, ['tax_id'])).toBeUndefined();
  });
});

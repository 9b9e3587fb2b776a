import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import { CapturingFormatter } from '../../helpers/CapturingFormatter.ts';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import { attribute, customerEvent, type Harness, startHarness } from './harness.ts';

const VAT = 'PT543219876';

/** `METHOD route` of every call, sorted (parallel calls have no fixed order). */
const callsOf = (calls: Array<{ method: string; route: string; status: number }>) =>
  calls.map((c) => `${c.method} ${c.route} ${c.status}`).sort();

describe('customer-sync through SQS: the happy paths', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('registers a new customer with one CRO read, one POST and its attributes', async () => {
    h.cro.upsertCustomer(croCustomer({ id: 1, name: 'Acme Lda' }));
    await h.send([
      customerEvent(1, { type: 'crm.customer.created', data: { vatNumber: VAT, locale: 'pt-PT' } }),
    ]);

    const outcomes = await h.poller().drain();

    expect(outcomes.flatMap((o) => o.failed)).toEqual([]);
    expect(h.cro.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /customers/1']);
    expect(h.ic.calls.map((c) => `${c.method} ${c.route} ${c.status}`)).toEqual([
      'POST /customers 201',
      'POST /customers/:id/attributes 200',
    ]);
    const stored = h.ic.customerByExternalId('cro-42-1');
    expect(stored).toMatchObject({ name: 'Acme Lda', vatNumber: VAT, country: 'PT', locale: 'pt' });
    expect(h.ic.attributes(stored!.gid)).toMatchObject({ cro_customer_id: '1', cro_tenant_id: '42' });
    expect(h.metrics.counts).toMatchObject({ Applied: 1 });
    expect(await h.dlqMessages()).toEqual([]);
  });

  it('finds an existing customer by externalId alongside the CRO read, updates it by gid, then by the stored gid', async () => {
    const [existing] = h.ic.seed([
      { name: 'Old name', vatNumber: VAT, country: 'PT', externalId: 'cro-42-1' },
    ]);
    h.cro.upsertCustomer(croCustomer({ id: 1, name: 'New name' }));
    await h.send([customerEvent(1)]);
    await h.poller().drain();

    const described = h.ic.calls.map((c) => `${c.method} ${c.path} ${c.status}`);
    expect(described[0]).toBe('GET /customers/cro-42-1 200');
    expect(described.slice(1).sort()).toEqual([
      `POST /customers/${existing!.gid}/attributes 200`,
      `PUT /customers/${existing!.gid} 200`,
    ]);
    expect(h.ic.customerByExternalId('cro-42-1')).toMatchObject({ gid: existing!.gid, name: 'New name' });

    h.ic.clearCalls();
    h.cro.touch(1, { name: 'Newer name' });
    await h.send([customerEvent(1)]);
    await h.poller().drain();

    expect(h.ic.calls.map((c) => c.path).sort()).toEqual([
      `/customers/${existing!.gid}`,
      `/customers/${existing!.gid}/attributes`,
    ]);
    expect(h.ic.customerByExternalId('cro-42-1')).toMatchObject({ name: 'Newer name' });
  });

  it('makes no API call for a duplicate event (same CloudEvent id, new SQS message)', async () => {
    h.cro.upsertCustomer(croCustomer({ id: 1 }));
    const event = customerEvent(1, { type: 'crm.customer.created', data: { vatNumber: VAT } });
    await h.send([event]);
    await h.poller().drain();
    h.ic.clearCalls();
    h.cro.clearCalls();

    await h.send([event]);
    const outcomes = await h.poller().drain();

    expect(outcomes.flatMap((o) => o.deleted)).toHaveLength(1);
    expect(h.ic.calls).toEqual([]);
    expect(h.cro.calls).toEqual([]);
    expect(h.metrics.counts['Skipped:duplicate']).toBe(1);
  });

  it('writes nothing when the CRO customer did not change', async () => {
    h.cro.upsertCustomer(croCustomer({ id: 1 }));
    await h.send([customerEvent(1, { type: 'crm.customer.created', data: { vatNumber: VAT } })]);
    await h.poller().drain();
    h.ic.clearCalls();
    h.cro.clearCalls();

    await h.send([customerEvent(1, { data: { vatNumber: VAT } })]);
    await h.poller().drain();

    expect(h.cro.calls).toHaveLength(1);
    expect(h.ic.calls).toEqual([]);
    expect(h.metrics.counts['Skipped:unchanged']).toBe(1);
  });

  it('applies the latest state when updates of one customer arrive out of order, without a CRO read', async () => {
    h.ic.seed([{ name: 'v0', vatNumber: VAT, country: 'PT', externalId: 'cro-42-1' }]);
    const older = croCustomer({ id: 1, name: 'Older', last_updated_on: '2026-11-22T10:00:00.000000' });
    const newer = croCustomer({ id: 1, name: 'Newer', last_updated_on: '2026-11-22T11:00:00.000000' });
    await h.send([customerEvent(1, { data: { customer: { ...newer } } })]);
    await h.poller().drain();
    h.ic.clearCalls();

    await h.send([customerEvent(1, { data: { customer: { ...older } } })]);
    await h.poller().drain();

    expect(h.ic.calls).toEqual([]);
    expect(h.cro.calls).toEqual([]);
    expect(h.metrics.counts['Skipped:stale']).toBe(1);
    expect(h.ic.customerByExternalId('cro-42-1')).toMatchObject({ name: 'Newer' });
    expect(h.ic.attributes('cro-42-1')).toMatchObject({ cro_last_updated_on: '2026-11-22T11:00:00.000000' });
  });

  it('syncs a customer once for several of its records in one batch: one CRO read, one write', async () => {
    h.ic.seed([{ name: 'v0', vatNumber: VAT, country: 'PT', externalId: 'cro-42-1' }]);
    h.cro.upsertCustomer(croCustomer({ id: 1, name: 'Latest' }));
    await h.send([customerEvent(1), customerEvent(1)]);

    const outcomes = await h.poller().drain();

    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.event.Records).toHaveLength(2);
    expect(h.cro.calls).toHaveLength(1);
    // The state has no gid yet: the lookup by externalId, then the two writes by gid.
    expect(callsOf(h.ic.calls)).toEqual([
      'GET /customers/:id 200',
      'POST /customers/:id/attributes 200',
      'PUT /customers/:id 200',
    ]);
    expect(h.metrics.counts).toMatchObject({ Applied: 1, 'Skipped:coalesced': 1 });
  });

  it('dead-letters the one bad record of a mixed batch with its reason and applies the others', async () => {
    for (const id of [1, 2, 3]) h.cro.upsertCustomer(croCustomer({ id }));
    const bad = '{"specversion":"1.0","type":"crm.customer.updated","data":{"customerId":"x"}}';
    const [badId] = await h.send([
      bad,
      ...[1, 2, 3].map((id) =>
        customerEvent(id, { type: 'crm.customer.created', data: { vatNumber: `PT50000000${id}` } }),
      ),
    ]);

    const outcomes = await h.poller().drain();

    expect(outcomes.flatMap((o) => o.failed)).toEqual([]);
    expect(
      h.ic
        .customers()
        .map((c) => c.externalId)
        .sort(),
    ).toEqual(['cro-42-1', 'cro-42-2', 'cro-42-3']);
    const [dead, ...more] = await h.dlqMessages();
    expect(more).toEqual([]);
    expect(dead!.Body).toBe(bad);
    expect(attribute(dead!, 'failure-reason')).toBe('invalid-event');
    expect(attribute(dead!, 'failure-detail')).toMatch(/data\.tenantId|data\.customerId|id/);
    expect(attribute(dead!, 'source-message-id')).toBe(badId);
    expect(Date.parse(attribute(dead!, 'failed-at')!)).not.toBeNaN();
    expect(h.metrics.counts).toMatchObject({ Applied: 3, 'DeadLettered:invalid-event': 1 });
  });

  it('dead-letters an event for another tenant as wrong-tenant without any API call', async () => {
    await h.send([customerEvent(1, { data: { tenantId: 7 } })]);
    await h.poller().drain();

    const [dead] = await h.dlqMessages();
    expect(attribute(dead!, 'failure-reason')).toBe('wrong-tenant');
    expect(h.cro.calls).toEqual([]);
    expect(h.ic.calls).toEqual([]);
  });

  it('dead-letters a customer CRO does not know as crm-not-found after one attempt', async () => {
    await h.send([customerEvent(404)]);
    await h.poller().drain();

    const [dead] = await h.dlqMessages();
    expect(attribute(dead!, 'failure-reason')).toBe('crm-not-found');
    expect(h.cro.calls).toHaveLength(1);
    // Only the lookup that ran alongside the CRO read: nothing is written.
    expect(callsOf(h.ic.calls)).toEqual(['GET /customers/:id 404']);
  });
});

describe('customer-sync logs', () => {
  let h: Harness;
  const formatter = new CapturingFormatter();
  beforeEach(async () => {
    formatter.lines.length = 0;
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    h = await startHarness({
      logger: new Logger({ serviceName: 'customer-sync', logLevel: 'DEBUG', logFormatter: formatter }),
    });
  });
  afterEach(async () => {
    await h.stop();
    jest.restoreAllMocks();
  });

  it('logs one INFO line per record outcome with its ids, and the coalesced group at DEBUG', async () => {
    h.ic.seed([{ name: 'v0', vatNumber: VAT, country: 'PT', externalId: 'cro-42-1' }]);
    h.cro.upsertCustomer(croCustomer({ id: 1, name: 'Latest' }));
    const [older, newer] = [customerEvent(1), customerEvent(1)];
    const [olderId, newerId] = await h.send([older!, newer!]);

    await h.poller().drain();

    const lines = formatter.lines.map(({ level, message, messageId, eventId, customerId, ...rest }) => ({
      level,
      message,
      messageId,
      eventId,
      customerId,
      ...(rest.why !== undefined && { why: rest.why }),
      ...(rest.messageIds !== undefined && { messageIds: rest.messageIds, eventIds: rest.eventIds }),
    }));
    const ids = (messageId: string | undefined, eventId: string) => ({ messageId, eventId, customerId: 1 });
    expect(lines).toEqual([
      {
        level: 'DEBUG',
        message: 'customer synced',
        ...ids(newerId, newer!.id),
        messageIds: [olderId, newerId],
        eventIds: [older!.id, newer!.id],
      },
      { level: 'INFO', message: 'skipped', ...ids(olderId, older!.id), why: 'coalesced' },
      { level: 'INFO', message: 'applied', ...ids(newerId, newer!.id) },
    ]);
  });
});

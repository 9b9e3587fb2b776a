// Issue 12 items 2 and 5: an Invisible Collector write whose outcome the sync cannot know (a 504, no answer) may
// still be applied later; and a registration may succeed while its commit is lost (the holder died). Neither
// may leave IC behind CRO nor create a second IC customer for one CRO customer. Against the IC simulator's
// late writes (answered 504, applied later), fauxqs and the DynamoDB state table (dynalite); the harness's
// settle window (IC_WRITE_SETTLE_MS) is 2 s.
import { describe, expect, it } from '@jest/globals';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import { customerEvent, dynamoHarnesses } from './harness.ts';

const gatewayTimeout = { status: 504, body: { code: 504, message: 'Gateway timeout' } };

describe('customer-sync: writes of unknown outcome and lost commits', () => {
  const dynamo = dynamoHarnesses();

  it('leaves IC at the newest state when an older PUT answered 504 lands after a newer one', async () => {
    const h = await dynamo.start();
    const externalId = 'cro-42-21';
    h.ic.seed([{ name: 'v1', vatNumber: 'PT500000021', country: 'PT', externalId }]);
    h.cro.upsertCustomer(croCustomer({ id: 21, name: 'v1' }));
    await h.send([customerEvent(21)]);
    await h.poller().drain();
    // v2's PUT is held by IC: answered 504 at once, applied 1.5 s later (the client's retry is answered 200).
    h.cro.touch(21, { name: 'v2' });
    h.ic.failNext(1, { ...gatewayTimeout, applyAfterMs: 1_500 }, '/customers/:id');
    const v2 = customerEvent(21);
    await h.send([v2]);
    const first = await h.poller().pollOnce(1);
    // Meanwhile v3 happens, and v2's event is delivered again.
    const v3 = h.cro.touch(21, { name: 'v3' });
    await h.send([customerEvent(21), v2]);

    await h.poller().drain({ untilEmpty: true });
    await h.ic.lateWritesSettled();

    expect(h.ic.lateWrites()).toEqual({ applied: 1, pending: 0 });
    // v2's PUT succeeded on the client's retry: applied, and the customer held while the 504'd attempt may land.
    expect(first!.deleted).toEqual(first!.event.Records.map((r) => r.messageId));
    expect(h.ic.customerByExternalId(externalId)).toMatchObject({ name: 'v3' });
    expect(h.ic.attributes(externalId)).toMatchObject({ cro_last_updated_on: v3.last_updated_on });
    // Nothing was written while the late PUT could still land; then v3, once.
    const puts = h.ic.callsFor('/customers/:id').filter((c) => c.method === 'PUT');
    expect(puts.map((c) => [c.status, (c.body as { name: string }).name])).toEqual([
      [200, 'v1'],
      [504, 'v2'],
      [200, 'v2'],
      [200, 'v3'],
    ]);
    expect(h.metrics.counts['Deferred:write-settling']).toBeGreaterThanOrEqual(1);
    expect(h.metrics.counts['Skipped:duplicate']).toBe(1); // v2's redelivery
    expect(await h.dlqMessages()).toEqual([]);
  });

  it('created event, customer already in IC, VAT changed → one customer', async () => {
    const h = await dynamo.start();
    // An earlier attempt registered the customer (with its old VAT number) and died before its commit: IC has
    // the customer, the state only the dead holder's expired lease.
    h.ic.seed([{ name: 'Acme', vatNumber: 'PT500000022', country: 'PT', externalId: 'cro-42-22' }]);
    await dynamo.store().acquire({ tenantId: 42, customerId: 22 }, 'dead-holder', 1, []);
    h.cro.upsertCustomer(croCustomer({ id: 22, name: 'Acme Lda' }));

    await h.send([customerEvent(22, { type: 'crm.customer.created', data: { vatNumber: 'PT500000099' } })]);
    await h.poller().drain({ untilEmpty: true });

    expect(h.ic.customers().filter((c) => c.externalId === 'cro-42-22')).toEqual([
      expect.objectContaining({ name: 'Acme Lda', vatNumber: 'PT500000099' }),
    ]);
    // The customer was looked up by externalId instead of registered again.
    expect(h.ic.calls.filter((c) => c.method === 'POST' && c.route === '/customers')).toEqual([]);
    expect(h.metrics.counts['Deferred:write-settling']).toBe(1);
    expect(await h.dlqMessages()).toEqual([]);
  });

  it('registers once when every POST answered 504 but landed, even after the VAT number was corrected', async () => {
    const h = await dynamo.start();
    h.cro.upsertCustomer(croCustomer({ id: 23, name: 'Acme' }));
    h.ic.failNext(3, { ...gatewayTimeout, applyAfterMs: 200 }, '/customers');
    await h.send([customerEvent(23, { type: 'crm.customer.created', data: { vatNumber: 'PT500000023' } })]);
    const first = await h.poller().pollOnce(1);
    // The CRM corrects the VAT number while the first registration's outcome is unknown.
    await h.send([customerEvent(23, { type: 'crm.customer.created', data: { vatNumber: 'PT500000098' } })]);

    await h.poller().drain({ untilEmpty: true });
    await h.ic.lateWritesSettled();

    expect(first!.failed).toHaveLength(1); // IC failed (three 504s): a real failure, retried after the window
    expect(h.ic.customers()).toEqual([
      expect.objectContaining({ externalId: 'cro-42-23', vatNumber: 'PT500000098' }),
    ]);
    expect(await h.dlqMessages()).toEqual([]);
  });
});

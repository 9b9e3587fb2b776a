// Issue 17: the CRO read a changed event needs is not in series with the state table's acquire. A store
// whose acquire answers only once CRO has received the read proves they overlap: in series, the acquire
// would wait for a read that never starts, and the test would time out.
import { afterEach, describe, expect, it } from '@jest/globals';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import { MemorySyncStateStore } from '../../../lib/sync/state/MemorySyncStateStore.ts';
import type { SyncStateStore } from '../../../lib/sync/state/types.ts';
import { customerEvent, type Harness, startHarness } from './harness.ts';

const VAT = 'PT543219876';

/** A memory store whose acquire waits for `gate` first. */
function gatedStore(gate: () => Promise<unknown>): SyncStateStore {
  const inner = new MemorySyncStateStore();
  return {
    acquire: async (...args) => {
      await gate();
      return inner.acquire(...args);
    },
    commit: (...args) => inner.commit(...args),
    release: (...args) => inner.release(...args),
  };
}

describe('customer-sync: the critical path of a changed event', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('reads CRO while the lease is being taken, then writes from that read', async () => {
    let croRead: Promise<unknown> = Promise.resolve();
    h = await startHarness({ store: gatedStore(() => croRead) });
    h.cro.upsertCustomer(croCustomer({ id: 1, name: 'Acme Lda' }));
    croRead = h.cro.nextCall('/customers/:id');
    await h.send([customerEvent(1, { type: 'crm.customer.created', data: { vatNumber: VAT } })]);

    const outcomes = await h.poller().drain();

    expect(outcomes.flatMap((o) => o.failed)).toEqual([]);
    expect(h.cro.calls).toHaveLength(1);
    expect(h.ic.customerByExternalId('cro-42-1')).toMatchObject({ name: 'Acme Lda' });
    // In series, the acquire would wait for a read that never starts: fail in 10 s, not jest's 30.
  }, 10_000);

  it('looks a customer the state has no gid for up in Invisible Collector while CRO is read, then registers it', async () => {
    h = await startHarness();
    h.cro.upsertCustomer(croCustomer({ id: 3, name: 'New Lda' }));
    h.cro.setLatency(400);
    await h.send([customerEvent(3, { data: { vatNumber: VAT } })]);

    const outcomes = await h.poller().drain();

    expect(outcomes.flatMap((o) => o.failed)).toEqual([]);
    const [croRead] = h.cro.calls;
    const [lookup, register, attributes, ...more] = h.ic.calls;
    expect([lookup, register, attributes].map((c) => `${c?.method} ${c?.path} ${c?.status}`)).toEqual([
      'GET /customers/cro-42-3 404',
      'POST /customers 201',
      `POST /customers/${h.ic.customerByExternalId('cro-42-3')!.gid}/attributes 200`,
    ]);
    expect(more).toEqual([]);
    // The lookup went out before CRO answered (it answers after 400 ms): in series, it would come after.
    expect(lookup!.at).toBeLessThan(croRead!.at + 400);
    expect(register!.at).toBeGreaterThanOrEqual(croRead!.at + 400);
  });

  it('does not read CRO ahead of the lease when every event carries a snapshot', async () => {
    h = await startHarness();
    const model = h.cro.upsertCustomer(croCustomer({ id: 2, name: 'Snapshot Lda' }));
    await h.send([
      customerEvent(2, { type: 'crm.customer.created', data: { vatNumber: VAT, customer: { ...model } } }),
    ]);

    await h.poller().drain();

    expect(h.cro.calls).toEqual([]);
    expect(h.ic.customerByExternalId('cro-42-2')).toMatchObject({ name: 'Snapshot Lda' });
  });
});

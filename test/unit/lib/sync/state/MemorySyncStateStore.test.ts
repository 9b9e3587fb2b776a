import { describe, expect, it } from '@jest/globals';
import { eventKey, MemorySyncStateStore } from '../../../../../lib/sync/state/index.ts';
import { describeSyncStateStoreContract } from '../../../../helpers/syncStateStoreContract.ts';

describeSyncStateStoreContract('MemorySyncStateStore', () => {
  const clock = { now: Date.parse('2026-11-22T10:00:00Z') };
  return { store: new MemorySyncStateStore({ now: () => clock.now }), clock };
});

describe('MemorySyncStateStore', () => {
  it('shows the committed state through peek without taking a lease', async () => {
    const store = new MemorySyncStateStore();
    const key = { tenantId: 42, customerId: 7 };
    await store.acquire(key, 'worker-a', 1_000, []);
    await store.commit(key, 'worker-a', {
      gid: 'gid-7',
      eventKeys: [eventKey('e-1')],
      fieldTimes: { attributes: {} },
    });

    expect(store.peek(key)).toEqual({
      gid: 'gid-7',
      eventKeys: [eventKey('e-1')],
      fieldTimes: { attributes: {} },
    });
    expect(await store.acquire(key, 'worker-b', 1_000, [])).toMatchObject({ kind: 'leased' });
  });
});

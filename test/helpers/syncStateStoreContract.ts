import { describe, expect, it } from '@jest/globals';
import { LeaseLostError, MAX_EVENT_IDS, type SyncStateStore } from '../../lib/sync/state/index.ts';

/** A fresh store on an empty table plus a controllable clock. */
export interface StoreFixture {
  store: SyncStateStore;
  clock: { now: number };
}

let nextCustomerId = 1;
/** A customer key no other test uses (the stores may be shared across tests). */
const freshKey = () => ({ tenantId: 42, customerId: nextCustomerId++ });

/**
 * The behaviour every {@link SyncStateStore} must have; run against the in-memory store and DynamoDB
 * (dynalite) so both implementations stay interchangeable.
 */
export function describeSyncStateStoreContract(name: string, setup: () => StoreFixture): void {
  describe(`${name} (SyncStateStore contract)`, () => {
    it('acquires an unknown customer with an empty state', async () => {
      const { store } = setup();

      const state = await store.acquire(freshKey(), 'worker-a', 10_000);

      expect(state).toEqual({ eventIds: [] });
    });

    it('reports busy while another owner holds an unexpired lease', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000);

      const second = await store.acquire(key, 'worker-b', 10_000);

      expect(second).toBe('busy');
    });

    it('lets another owner take the customer once the lease has expired', async () => {
      const { store, clock } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000);
      clock.now += 10_001;

      const second = await store.acquire(key, 'worker-b', 10_000);

      expect(second).toEqual({ eventIds: [] });
    });

    it('returns the committed state to the next owner and clears the lease', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000);

      await store.commit(key, 'worker-a', {
        gid: 'gid-1',
        watermark: '2026-11-22T10:00:00.000000Z',
        docHash: 'doc-1',
        attrHash: 'attr-1',
        eventIds: ['e-1', 'e-2'],
      });
      const next = await store.acquire(key, 'worker-b', 10_000);

      expect(next).toEqual({
        gid: 'gid-1',
        watermark: '2026-11-22T10:00:00.000000Z',
        docHash: 'doc-1',
        attrHash: 'attr-1',
        eventIds: ['e-1', 'e-2'],
      });
    });

    it('keeps stored fields a commit leaves out and appends the new event ids', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000);
      await store.commit(key, 'worker-a', { gid: 'gid-1', docHash: 'doc-1', eventIds: ['e-1'] });
      await store.acquire(key, 'worker-a', 10_000);

      await store.commit(key, 'worker-a', { docHash: 'doc-2', eventIds: ['e-2', 'e-1'] });
      const state = await store.acquire(key, 'worker-a', 10_000);

      expect(state).toEqual({ gid: 'gid-1', docHash: 'doc-2', eventIds: ['e-2', 'e-1'] });
    });

    it('refuses a commit by an owner that does not hold the lease', async () => {
      const { store, clock } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000);
      clock.now += 10_001;
      await store.acquire(key, 'worker-b', 10_000);

      const commit = store.commit(key, 'worker-a', { gid: 'stale', eventIds: ['e-old'] });

      await expect(commit).rejects.toBeInstanceOf(LeaseLostError);
      await store.commit(key, 'worker-b', { eventIds: ['e-new'] });
      expect(await store.acquire(key, 'worker-c', 1_000)).toEqual({ eventIds: ['e-new'] });
    });

    it('refuses a commit on a customer that was never acquired', async () => {
      const { store } = setup();

      await expect(store.commit(freshKey(), 'worker-a', { eventIds: ['e-1'] })).rejects.toMatchObject({
        name: 'LeaseLostError',
        transient: true,
      });
    });

    it('lets the owner commit after its lease expired if nobody took the customer', async () => {
      const { store, clock } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 1_000);
      clock.now += 5_000;

      await store.commit(key, 'worker-a', { eventIds: ['e-1'] });

      expect(await store.acquire(key, 'worker-b', 1_000)).toEqual({ eventIds: ['e-1'] });
    });

    it(`keeps only the newest ${MAX_EVENT_IDS} event ids`, async () => {
      const { store } = setup();
      const key = freshKey();
      const ids = Array.from({ length: MAX_EVENT_IDS + 15 }, (_, index) => `e-${index}`);
      await store.acquire(key, 'worker-a', 10_000);
      await store.commit(key, 'worker-a', { eventIds: ids.slice(0, 30) });
      await store.acquire(key, 'worker-a', 10_000);

      await store.commit(key, 'worker-a', { eventIds: ids.slice(30) });
      const state = await store.acquire(key, 'worker-a', 10_000);

      expect(state).not.toBe('busy');
      expect(typeof state === 'object' && state.eventIds).toEqual(ids.slice(-MAX_EVENT_IDS));
    });

    it('frees the customer on release by the owner, and ignores a release by anyone else', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000);

      await store.release(key, 'worker-b');
      const whileHeld = await store.acquire(key, 'worker-b', 10_000);
      await store.release(key, 'worker-a');
      const afterRelease = await store.acquire(key, 'worker-b', 10_000);

      expect(whileHeld).toBe('busy');
      expect(afterRelease).toEqual({ eventIds: [] });
    });

    it('lets exactly one of many concurrent acquires win', async () => {
      const { store } = setup();
      const key = freshKey();
      const owners = Array.from({ length: 8 }, (_, index) => `worker-${index}`);

      const results = await Promise.all(owners.map((owner) => store.acquire(key, owner, 10_000)));

      expect(results.filter((result) => result !== 'busy')).toHaveLength(1);
    });

    it('answers applied, taking no lease, when every given event id was applied', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000);
      await store.commit(key, 'worker-a', { eventIds: ['e-1', 'e-2'] });

      const duplicate = await store.acquire(key, 'worker-b', 10_000, ['e-2', 'e-1']);
      const next = await store.acquire(key, 'worker-c', 10_000);

      expect(duplicate).toBe('applied');
      expect(next).toEqual({ eventIds: ['e-1', 'e-2'] });
    });

    it('answers applied for applied events even while another owner holds the lease', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000);
      await store.commit(key, 'worker-a', { eventIds: ['e-1'] });
      await store.acquire(key, 'worker-a', 10_000);

      expect(await store.acquire(key, 'worker-b', 10_000, ['e-1'])).toBe('applied');
      expect(await store.acquire(key, 'worker-b', 10_000, ['e-1', 'e-new'])).toBe('busy');
    });

    it('takes the lease when at least one given event id is new', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000, ['e-1']);
      await store.commit(key, 'worker-a', { eventIds: ['e-1'] });

      const state = await store.acquire(key, 'worker-b', 10_000, ['e-1', 'e-2']);
      const other = await store.acquire(key, 'worker-c', 10_000, ['e-3']);

      expect(state).toEqual({ eventIds: ['e-1'] });
      expect(other).toBe('busy');
    });

    it('takes the lease of an unknown customer whatever event ids are given', async () => {
      const { store } = setup();

      expect(await store.acquire(freshKey(), 'worker-a', 10_000, ['e-1'])).toEqual({ eventIds: [] });
    });

    it('keeps customers independent', async () => {
      const { store } = setup();
      const first = freshKey();
      await store.acquire(first, 'worker-a', 10_000);

      const other = await store.acquire(freshKey(), 'worker-b', 10_000);

      expect(other).toEqual({ eventIds: [] });
    });
  });
}

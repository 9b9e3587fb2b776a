import { describe, expect, it } from '@jest/globals';
import {
  eventKey,
  LeaseLostError,
  MAX_ATTRIBUTE_TIMES,
  MAX_EVENT_IDS,
  type StateCommit,
  type SyncStateStore,
} from '../../lib/sync/state/index.ts';

/** A fresh store on an empty table plus a controllable clock. */
export interface StoreFixture {
  store: SyncStateStore;
  clock: { now: number };
}

let nextCustomerId = 1;
/** A customer key no other test uses (the stores may be shared across tests). */
const freshKey = () => ({ tenantId: 42, customerId: nextCustomerId++ });
const keys = (...ids: string[]) => ids.map(eventKey);
const empty = { eventKeys: [], fieldTimes: { attributes: {} } };
const commitOf = (overrides: Partial<StateCommit> = {}): StateCommit => ({
  eventKeys: [],
  fieldTimes: { attributes: {} },
  ...overrides,
});

/**
 * The behaviour every {@link SyncStateStore} must have; run against the in-memory store and DynamoDB
 * (dynalite) so both implementations stay interchangeable.
 */
export function describeSyncStateStoreContract(name: string, setup: () => StoreFixture): void {
  describe(`${name} (SyncStateStore contract)`, () => {
    it('leases an unknown customer with an empty state', async () => {
      const { store } = setup();

      const found = await store.acquire(freshKey(), 'worker-a', 10_000, []);

      expect(found).toEqual({ kind: 'leased', state: empty });
    });

    it('reports busy while another owner holds an unexpired lease', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000, []);

      const second = await store.acquire(key, 'worker-b', 10_000, []);

      expect(second).toEqual({ kind: 'busy' });
    });

    it('lets another owner take an expired lease over, saying when it expired', async () => {
      const { store, clock } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000, []);
      const expiry = clock.now + 10_000;
      clock.now += 10_001;

      const second = await store.acquire(key, 'worker-b', 10_000, []);

      expect(second).toEqual({ kind: 'leased', state: empty, takenOverFrom: expiry });
    });

    it('reports a takeover from now when the owner already holds the lease (a retried acquire that landed)', async () => {
      const { store, clock } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000, []);
      clock.now += 5;

      const retried = await store.acquire(key, 'worker-a', 10_000, []);

      expect(retried).toEqual({ kind: 'leased', state: empty, takenOverFrom: clock.now });
    });

    it('returns the committed state to the next owner, clears the lease and says no takeover', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000, []);
      const committed = {
        gid: 'gid-1',
        watermark: '2026-11-22T10:00:00.000000Z',
        docHash: 'doc-1',
        attrHash: 'attr-1',
        locale: 'es',
        seenMs: 1_700_000_000_000,
        eventKeys: keys('e-1', 'e-2'),
        fieldTimes: { vatNumber: 1, locale: 2, attributes: { abcdef: 3 } },
      };

      await store.commit(key, 'worker-a', committed);
      const next = await store.acquire(key, 'worker-b', 10_000, []);

      expect(next).toEqual({ kind: 'leased', state: committed });
    });

    it('keeps stored fields a commit leaves out and stores the given event keys and times', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000, []);
      await store.commit(
        key,
        'worker-a',
        commitOf({ gid: 'gid-1', docHash: 'doc-1', eventKeys: keys('e-1') }),
      );
      await store.acquire(key, 'worker-a', 10_000, []);

      await store.commit(
        key,
        'worker-a',
        commitOf({
          docHash: 'doc-2',
          eventKeys: keys('e-1', 'e-2'),
          fieldTimes: { attributes: {}, locale: 5 },
        }),
      );
      const found = await store.acquire(key, 'worker-a', 10_000, []);

      expect(found).toEqual({
        kind: 'leased',
        state: {
          gid: 'gid-1',
          docHash: 'doc-2',
          eventKeys: keys('e-1', 'e-2'),
          fieldTimes: { attributes: {}, locale: 5 },
        },
      });
    });

    it('refuses a commit by an owner that does not hold the lease', async () => {
      const { store, clock } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000, []);
      clock.now += 10_001;
      await store.acquire(key, 'worker-b', 10_000, []);

      const commit = store.commit(key, 'worker-a', commitOf({ gid: 'stale', eventKeys: keys('e-old') }));

      await expect(commit).rejects.toBeInstanceOf(LeaseLostError);
      await store.commit(key, 'worker-b', commitOf({ eventKeys: keys('e-new') }));
      expect(await store.acquire(key, 'worker-c', 1_000, [])).toEqual({
        kind: 'leased',
        state: { ...empty, eventKeys: keys('e-new') },
      });
    });

    it('refuses a commit on a customer that was never acquired', async () => {
      const { store } = setup();

      await expect(store.commit(freshKey(), 'worker-a', commitOf())).rejects.toMatchObject({
        name: 'LeaseLostError',
        transient: true,
      });
    });

    it('lets the owner commit after its lease expired if nobody took the customer', async () => {
      const { store, clock } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 1_000, []);
      clock.now += 5_000;

      await store.commit(key, 'worker-a', commitOf({ eventKeys: keys('e-1') }));

      expect(await store.acquire(key, 'worker-b', 1_000, [])).toEqual({
        kind: 'leased',
        state: { ...empty, eventKeys: keys('e-1') },
      });
    });

    it(`keeps only the newest ${MAX_EVENT_IDS} event keys and ${MAX_ATTRIBUTE_TIMES} attribute times`, async () => {
      const { store } = setup();
      const key = freshKey();
      const ids = keys(...Array.from({ length: MAX_EVENT_IDS + 15 }, (_, index) => `e-${index}`));
      const attributes = Object.fromEntries(
        Array.from({ length: MAX_ATTRIBUTE_TIMES + 3 }, (_, n) => [
          `key${String(n).padStart(3, '0')}`,
          100 + n,
        ]),
      );
      await store.acquire(key, 'worker-a', 10_000, []);

      await store.commit(key, 'worker-a', commitOf({ eventKeys: ids, fieldTimes: { attributes } }));
      const found = await store.acquire(key, 'worker-a', 10_000, []);

      expect(found.kind === 'leased' && found.state.eventKeys).toEqual(ids.slice(-MAX_EVENT_IDS));
      expect(found.kind === 'leased' && found.state.fieldTimes).toEqual({
        attributes: Object.fromEntries(Object.entries(attributes).slice(3)),
        attributesFloor: 102,
      });
    });

    it('frees the customer on release by the owner, and ignores a release by anyone else', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000, []);

      await store.release(key, 'worker-b');
      const whileHeld = await store.acquire(key, 'worker-b', 10_000, []);
      await store.release(key, 'worker-a');
      const afterRelease = await store.acquire(key, 'worker-b', 10_000, []);

      expect(whileHeld).toEqual({ kind: 'busy' });
      expect(afterRelease).toEqual({ kind: 'leased', state: empty });
    });

    it('records the dirty mark, the seen time and a learned gid on release; a commit clears the mark', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000, []);

      await store.release(key, 'worker-a', { dirtyUntil: 5_000, seenMs: 4_000, gid: 'gid-7' });
      const dirty = await store.acquire(key, 'worker-b', 10_000, []);
      await store.commit(key, 'worker-b', commitOf({ expectedDirtyUntil: 5_000 }));
      const clean = await store.acquire(key, 'worker-c', 10_000, []);

      expect(dirty).toEqual({
        kind: 'leased',
        state: { ...empty, gid: 'gid-7', dirtyUntil: 5_000, seenMs: 4_000 },
      });
      expect(clean).toEqual({ kind: 'leased', state: { ...empty, gid: 'gid-7', seenMs: 4_000 } });
    });

    it('keeps a hold a commit sets until the next commit, which clears it', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000, []);

      await store.commit(key, 'worker-a', commitOf({ holdUntil: 7_000 }));
      const held = await store.acquire(key, 'worker-b', 10_000, []);
      await store.release(key, 'worker-b');
      const stillHeld = await store.acquire(key, 'worker-c', 10_000, []);
      await store.commit(key, 'worker-c', commitOf());
      const free = await store.acquire(key, 'worker-d', 10_000, []);

      expect(held).toEqual({ kind: 'leased', state: { ...empty, holdUntil: 7_000 } });
      expect(stillHeld).toEqual(held);
      expect(free).toEqual({ kind: 'leased', state: empty });
    });

    it('refuses a commit when the dirty mark changed since the acquire', async () => {
      const { store, clock } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 1_000, []);
      clock.now += 2_000;
      await store.acquire(key, 'worker-b', 10_000, []);
      // worker-a lost its lease but had written: its mark is recorded all the same.
      await store.release(key, 'worker-a', { dirtyUntil: 9_000 });

      const commit = store.commit(key, 'worker-b', commitOf());

      await expect(commit).rejects.toBeInstanceOf(LeaseLostError);
      await store.release(key, 'worker-b');
      const found = await store.acquire(key, 'worker-c', 1_000, []);
      expect(found).toMatchObject({ kind: 'leased', state: { dirtyUntil: 9_000 } });
    });

    it('never moves a dirty mark recorded without the lease back in time', async () => {
      const { store, clock } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 1_000, []);
      await store.release(key, 'worker-a', { dirtyUntil: 9_000 });
      await store.acquire(key, 'worker-b', 1_000, []);
      clock.now += 2_000;
      await store.acquire(key, 'worker-c', 1_000, []);

      await store.release(key, 'worker-b', { dirtyUntil: 7_000 });
      await store.release(key, 'worker-c');

      expect(await store.acquire(key, 'worker-d', 1_000, [])).toMatchObject({ state: { dirtyUntil: 9_000 } });
    });

    it('lets exactly one of many concurrent acquires win', async () => {
      const { store } = setup();
      const key = freshKey();
      const owners = Array.from({ length: 8 }, (_, index) => `worker-${index}`);

      const results = await Promise.all(owners.map((owner) => store.acquire(key, owner, 10_000, [])));

      expect(results.filter((result) => result.kind === 'leased')).toHaveLength(1);
    });

    it('answers applied, taking no lease, when every given event key was applied', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000, []);
      await store.commit(key, 'worker-a', commitOf({ eventKeys: keys('e-1', 'e-2') }));

      const duplicate = await store.acquire(key, 'worker-b', 10_000, keys('e-2', 'e-1'));
      const next = await store.acquire(key, 'worker-c', 10_000, []);

      expect(duplicate).toEqual({ kind: 'applied' });
      expect(next).toEqual({ kind: 'leased', state: { ...empty, eventKeys: keys('e-1', 'e-2') } });
    });

    it('answers applied for applied events even while another owner holds the lease', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000, []);
      await store.commit(key, 'worker-a', commitOf({ eventKeys: keys('e-1') }));
      await store.acquire(key, 'worker-a', 10_000, []);

      expect(await store.acquire(key, 'worker-b', 10_000, keys('e-1'))).toEqual({ kind: 'applied' });
      expect(await store.acquire(key, 'worker-b', 10_000, keys('e-1', 'e-new'))).toEqual({ kind: 'busy' });
    });

    it('takes the lease when at least one given event key is new', async () => {
      const { store } = setup();
      const key = freshKey();
      await store.acquire(key, 'worker-a', 10_000, keys('e-1'));
      await store.commit(key, 'worker-a', commitOf({ eventKeys: keys('e-1') }));

      const found = await store.acquire(key, 'worker-b', 10_000, keys('e-1', 'e-2'));
      const other = await store.acquire(key, 'worker-c', 10_000, keys('e-3'));

      expect(found).toEqual({ kind: 'leased', state: { ...empty, eventKeys: keys('e-1') } });
      expect(other).toEqual({ kind: 'busy' });
    });

    it('takes the lease of an unknown customer whatever event keys are given', async () => {
      const { store } = setup();

      expect(await store.acquire(freshKey(), 'worker-a', 10_000, keys('e-1'))).toEqual({
        kind: 'leased',
        state: empty,
      });
    });

    it('keeps customers independent', async () => {
      const { store } = setup();
      const first = freshKey();
      await store.acquire(first, 'worker-a', 10_000, []);

      const other = await store.acquire(freshKey(), 'worker-b', 10_000, []);

      expect(other).toEqual({ kind: 'leased', state: empty });
    });
  });
}

/** A CRO customer, the unit of leasing and state. */
export interface CustomerKey {
  tenantId: number;
  customerId: number;
}

/** What the sync remembers about a customer between invocations. */
export interface SyncState {
  /** Invisible Collector's gid, once known. */
  gid?: string;
  /** CRO `last_updated_on` last applied, canonical (`normaliseSourceTimestamp`). */
  watermark?: string;
  /** `stableHash` of the IC customer document last written. */
  docHash?: string;
  /** `stableHash` of the attribute map last written. */
  attrHash?: string;
  /** The most recent applied CloudEvent ids, oldest first (dedup across retries and replays). */
  eventIds: string[];
}

/** The state to record when the work done under a lease succeeded. Absent fields keep their stored value. */
export interface StateCommit {
  gid?: string;
  watermark?: string;
  docHash?: string;
  attrHash?: string;
  /**
   * CloudEvent ids applied (or skipped as duplicates) under this lease. They are appended to the ids the
   * lease's `acquire` returned; the store keeps the newest {@link MAX_EVENT_IDS}. Passing the full list
   * (previous + new) is equivalent: repeated ids collapse.
   */
  eventIds: string[];
}

/** How many applied event ids are kept per customer. */
export const MAX_EVENT_IDS = 50;

/**
 * Per-customer lease + state. A worker `acquire`s a customer before touching it (one conditional write that
 * also returns the state), then `commit`s the new state (clearing the lease) or `release`s it on failure.
 * Two workers on the same customer are serialised; a crashed worker's lease simply expires.
 * Given the events it is about to sync, `acquire` answers `'applied'` when all of them already are: a
 * duplicate delivery costs that one call, and there is no lease to release.
 *
 * @example
 * const state = await store.acquire(key, owner, 20_000, [event.id]);
 * if (state === 'applied') return; // duplicate
 * if (state === 'busy') throw new CustomerBusyError(key);
 * try { ...; await store.commit(key, owner, { watermark, docHash, eventIds: [event.id] }); }
 * catch (error) { await store.release(key, owner); throw error; }
 */
export interface SyncStateStore {
  /**
   * Takes the lease for `leaseMs` unless another owner holds an unexpired one (→ `'busy'`). When every id
   * of a non-empty `eventIds` is among the applied event ids, takes nothing and returns `'applied'`
   * (whoever holds the lease: an applied event needs none).
   */
  acquire(
    key: CustomerKey,
    owner: string,
    leaseMs: number,
    eventIds?: readonly string[],
  ): Promise<SyncState | 'busy' | 'applied'>;
  /** Records `next` and clears the lease; throws `LeaseLostError` when `owner` no longer holds it. */
  commit(key: CustomerKey, owner: string, next: StateCommit): Promise<void>;
  /** Clears the lease if `owner` still holds it; otherwise does nothing. */
  release(key: CustomerKey, owner: string): Promise<void>;
}

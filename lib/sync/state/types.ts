/** A CRO customer, the unit of leasing and state. */
export interface CustomerKey {
  tenantId: number;
  customerId: number;
}

/**
 * When (the events' `time`, epoch ms) each value an event carries was last taken for the customer: a value from
 * an older event never replaces it (docs/events.md#event). Attribute keys are tracked by {@link attributeKey}.
 */
export interface FieldTimes {
  vatNumber?: number;
  locale?: number;
  /** Per attribute key hash; at most {@link MAX_ATTRIBUTE_TIMES}. */
  attributes: Record<string, number>;
  /**
   * The newest time of attribute keys dropped from `attributes` to keep the item small: any key without its
   * own entry counts as set at this time.
   */
  attributesFloor?: number;
}

/** What the sync remembers about a customer between invocations (one DynamoDB item, ≤ 1 KB). */
export interface SyncState {
  /** Invisible Collector's gid, once known. */
  gid?: string;
  /** CRO `last_updated_on` last applied, canonical (`normaliseSourceTimestamp`). */
  watermark?: string;
  /** `stableHash` of the IC customer document last written. */
  docHash?: string;
  /** `stableHash` of the attribute map last written. */
  attrHash?: string;
  /** {@link eventKey}s of the most recent applied CloudEvent ids, oldest first (dedup across retries and replays). */
  eventKeys: string[];
  /** Event times of the values last taken from events. */
  fieldTimes: FieldTimes;
  /**
   * The Invisible Collector locale last taken from an event: kept while newer events carry none (an absent
   * value means "keep", not "reset to the default").
   */
  locale?: string;
  /**
   * Epoch ms. Present when Invisible Collector may hold writes the state does not describe: a write of unknown
   * outcome (it may still land until this time), or writes whose commit was lost. Until then nothing is written
   * for the customer; the next sync after it rewrites everything from CRO and looks the customer up by
   * externalId before registering it, then clears the mark.
   */
  dirtyUntil?: number;
  /**
   * Epoch ms. Present when the state describes Invisible Collector but a write attempt of unknown outcome, whose
   * call then succeeded, may still land — repeating what was written — until this time: nothing is written for
   * the customer before then (a newer write would be undone), and no repair is needed after.
   */
  holdUntil?: number;
  /**
   * Epoch ms: the newest change time seen for the customer by a sync that did not apply it (e.g. an update that
   * waits for its customer's registration). A snapshot older than this is not trusted: CRO is read instead.
   */
  seenMs?: number;
}

/** What `acquire` found. */
export type AcquireResult =
  /** The lease is ours; `state` is the stored state. */
  | {
      kind: 'leased';
      state: SyncState;
      /**
       * Set when an expired lease was taken over (its holder died, maybe mid-write): when it expired — or now,
       * when the lease was already ours (an earlier attempt of the acquire landed and what it replaced is unknown).
       */
      takenOverFrom?: number;
    }
  /** Another owner holds an unexpired lease. */
  | { kind: 'busy' }
  /** Every given event was applied already: nothing was leased. */
  | { kind: 'applied' };

/** The state to record when the work done under a lease succeeded; absent optional fields keep their value. */
export interface StateCommit {
  gid?: string;
  watermark?: string;
  docHash?: string;
  attrHash?: string;
  locale?: string;
  seenMs?: number;
  /** The whole list to keep (the acquire's keys plus the new ones, see `mergeEventKeys`); the newest {@link MAX_EVENT_IDS}. */
  eventKeys: string[];
  fieldTimes: FieldTimes;
  /**
   * The `dirtyUntil` the lease's `acquire` returned: the commit clears the mark, and fails (`LeaseLostError`)
   * if someone changed it meanwhile.
   */
  expectedDirtyUntil?: number;
  /** Holds the customer's writes until then (see {@link SyncState.holdUntil}); absent clears a stored hold. */
  holdUntil?: number;
}

/** What a release after a failed (or deferred) sync records. */
export interface StateRelease {
  /** Marks the customer dirty until then (the caller passes the later of this and the stored mark). */
  dirtyUntil?: number;
  seenMs?: number;
  /** A gid learned before the failure (a registration that succeeded). */
  gid?: string;
}

/** How many applied event ids are remembered per customer (as 11-character hashes). */
export const MAX_EVENT_IDS = 40;
/** How many attribute keys have their own event time per customer. */
export const MAX_ATTRIBUTE_TIMES = 12;
/** A longer gid is not remembered (the customer is then found by externalId): it keeps the item ≤ 1 KB. */
export const MAX_STORED_GID_LENGTH = 64;
/** The stored locale is an Invisible Collector locale (`zh-CN` is the longest). */
export const MAX_STORED_LOCALE_LENGTH = 5;

/**
 * Per-customer lease + state. A worker `acquire`s a customer before touching it (one conditional write that
 * also returns the state), then `commit`s the new state (clearing the lease) or `release`s it on failure.
 * Two workers on the same customer are serialised; a crashed worker's lease simply expires, and whoever takes
 * it over learns so (`takenOverFrom`). Given the events it is about to sync, `acquire` answers `applied` when all
 * of them already are: a duplicate delivery costs that one call, and there is no lease to release.
 * The store keeps nothing between calls: the caller passes what it knows.
 *
 * @example
 * const found = await store.acquire(key, owner, 20_000, [eventKey(event.id)]);
 * if (found.kind === 'applied') return; // duplicate
 * if (found.kind === 'busy') throw new CustomerBusyError(key);
 * try { ...; await store.commit(key, owner, { ...next, eventKeys: mergeEventKeys(found.state.eventKeys, keys) }); }
 * catch (error) { await store.release(key, owner, { dirtyUntil }); throw error; }
 */
export interface SyncStateStore {
  /**
   * Takes the lease for `leaseMs` unless another owner holds an unexpired one (`busy`). When every key of a
   * non-empty `eventKeys` is among the applied ones, takes nothing and answers `applied` (whoever holds the
   * lease: an applied event needs none).
   */
  acquire(
    key: CustomerKey,
    owner: string,
    leaseMs: number,
    eventKeys: readonly string[],
  ): Promise<AcquireResult>;
  /** Records `next`, clears the lease and the dirty mark; throws `LeaseLostError` when `owner` no longer holds the lease. */
  commit(key: CustomerKey, owner: string, next: StateCommit): Promise<void>;
  /**
   * Clears the lease if `owner` still holds it, recording `marks`. A dirty mark is recorded even when the lease
   * was lost meanwhile (the writes happened all the same).
   */
  release(key: CustomerKey, owner: string, marks?: StateRelease): Promise<void>;
}

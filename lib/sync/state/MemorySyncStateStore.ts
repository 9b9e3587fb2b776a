import { LeaseLostError } from './errors.ts';
import { boundFieldTimes, cloneState, emptyState, statePk } from './keys.ts';
import {
  MAX_EVENT_IDS,
  MAX_STORED_GID_LENGTH,
  MAX_STORED_LOCALE_LENGTH,
  type AcquireResult,
  type CustomerKey,
  type StateCommit,
  type StateRelease,
  type SyncState,
  type SyncStateStore,
} from './types.ts';

interface MemoryItem {
  state: SyncState;
  leaseOwner?: string;
  leaseUntil?: number;
}

/** Options of {@link MemorySyncStateStore}. */
export interface MemorySyncStateStoreOptions {
  /** Clock (epoch ms); injectable for tests. @default Date.now */
  now?: () => number;
}

/**
 * In-memory {@link SyncStateStore} with the same lease, dedup and dirty-mark semantics as the DynamoDB store,
 * used when `STATE_TABLE_NAME` is unset (local runs, tests). Single process only: leases and dedup do not span
 * Lambda containers, and state is lost on restart.
 *
 * @example
 * const store = new MemorySyncStateStore();
 * const found = await store.acquire({ tenantId: 42, customerId: 1 }, 'worker-1', 10_000, []);
 */
export class MemorySyncStateStore implements SyncStateStore {
  readonly #items = new Map<string, MemoryItem>();
  readonly #now: () => number;

  constructor(options: MemorySyncStateStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async acquire(
    key: CustomerKey,
    owner: string,
    leaseMs: number,
    eventKeys: readonly string[],
  ): Promise<AcquireResult> {
    const pk = statePk(key);
    const now = this.#now();
    const item = this.#items.get(pk) ?? { state: emptyState() };
    const dedup = eventKeys.length > 0 && new Set(eventKeys).size <= MAX_EVENT_IDS;
    if (dedup && eventKeys.every((k) => item.state.eventKeys.includes(k))) return { kind: 'applied' };
    const held = item.leaseOwner !== undefined && item.leaseOwner !== owner;
    if (held && (item.leaseUntil ?? 0) >= now) return { kind: 'busy' };
    this.#items.set(pk, { ...item, leaseOwner: owner, leaseUntil: now + Math.max(1, leaseMs) });
    return {
      kind: 'leased',
      state: cloneState(item.state),
      ...(held && { takenOverFrom: item.leaseUntil ?? now }),
      // The owner already holds it: a retried acquire whose first attempt landed (see DynamoSyncStateStore).
      ...(item.leaseOwner === owner && { takenOverFrom: now }),
    };
  }

  async commit(key: CustomerKey, owner: string, next: StateCommit): Promise<void> {
    const pk = statePk(key);
    const item = this.#items.get(pk);
    if (item === undefined || item.leaseOwner !== owner || item.state.dirtyUntil !== next.expectedDirtyUntil)
      throw new LeaseLostError(key);
    const { dirtyUntil: _cleared, holdUntil: _replaced, ...kept } = item.state;
    const state: SyncState = {
      ...kept,
      ...definedOnly({
        holdUntil: next.holdUntil,
        gid: storableGid(next.gid),
        watermark: next.watermark,
        docHash: next.docHash,
        attrHash: next.attrHash,
        locale:
          next.locale !== undefined && next.locale.length <= MAX_STORED_LOCALE_LENGTH
            ? next.locale
            : undefined,
        seenMs: next.seenMs,
      }),
      eventKeys: next.eventKeys.slice(-MAX_EVENT_IDS),
      fieldTimes: boundFieldTimes(next.fieldTimes),
    };
    this.#items.set(pk, { state });
  }

  async release(key: CustomerKey, owner: string, marks: StateRelease = {}): Promise<void> {
    const pk = statePk(key);
    const item = this.#items.get(pk);
    if (item === undefined) return;
    const ours = item.leaseOwner === owner;
    const dirtyUntil =
      marks.dirtyUntil !== undefined && (item.state.dirtyUntil ?? -Infinity) < marks.dirtyUntil
        ? marks.dirtyUntil
        : item.state.dirtyUntil;
    if (!ours) {
      // The lease was lost, but writes of unknown outcome happened all the same: the mark is recorded.
      if (dirtyUntil !== undefined) item.state = { ...item.state, dirtyUntil };
      return;
    }
    const state: SyncState = {
      ...item.state,
      ...definedOnly({ dirtyUntil: marks.dirtyUntil, seenMs: marks.seenMs, gid: storableGid(marks.gid) }),
    };
    this.#items.set(pk, { state });
  }

  /** The stored state (a copy), for tests and the local stack; `undefined` if never committed or leased. */
  peek(key: CustomerKey): SyncState | undefined {
    const item = this.#items.get(statePk(key));
    return item === undefined ? undefined : cloneState(item.state);
  }
}

function storableGid(gid: string | undefined): string | undefined {
  return gid !== undefined && gid.length <= MAX_STORED_GID_LENGTH ? gid : undefined;
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

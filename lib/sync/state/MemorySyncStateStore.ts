import { LeaseLostError } from './errors.ts';
import { cloneState, mergeEventIds, statePk } from './keys.ts';
import type { CustomerKey, StateCommit, SyncState, SyncStateStore } from './types.ts';

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
 * In-memory {@link SyncStateStore} with the same lease semantics as the DynamoDB store, used when
 * `STATE_TABLE_NAME` is unset (local runs, tests). Single process only: leases and dedup do not span
 * Lambda containers, and state is lost on restart.
 *
 * @example
 * const store = new MemorySyncStateStore();
 * const state = await store.acquire({ tenantId: 42, customerId: 1 }, 'worker-1', 10_000);
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
    eventIds: readonly string[] = [],
  ): Promise<SyncState | 'busy' | 'applied'> {
    const pk = statePk(key);
    const now = this.#now();
    const item = this.#items.get(pk) ?? { state: { eventIds: [] } };
    if (eventIds.length > 0 && eventIds.every((id) => item.state.eventIds.includes(id))) return 'applied';
    const heldByOther =
      item.leaseOwner !== undefined && item.leaseOwner !== owner && (item.leaseUntil ?? 0) >= now;
    if (heldByOther) return 'busy';
    this.#items.set(pk, { ...item, leaseOwner: owner, leaseUntil: now + leaseMs });
    return cloneState(item.state);
  }

  async commit(key: CustomerKey, owner: string, next: StateCommit): Promise<void> {
    const pk = statePk(key);
    const item = this.#items.get(pk);
    if (item === undefined || item.leaseOwner !== owner) throw new LeaseLostError(key);
    const state: SyncState = {
      ...item.state,
      ...definedFields(next),
      eventIds: mergeEventIds(item.state.eventIds, next.eventIds),
    };
    this.#items.set(pk, { state });
  }

  async release(key: CustomerKey, owner: string): Promise<void> {
    const pk = statePk(key);
    const item = this.#items.get(pk);
    if (item?.leaseOwner === owner) this.#items.set(pk, { state: item.state });
  }

  /** The stored state (a copy), for tests and the local stack; `undefined` if never committed or leased. */
  peek(key: CustomerKey): SyncState | undefined {
    const item = this.#items.get(statePk(key));
    return item === undefined ? undefined : cloneState(item.state);
  }
}

function definedFields(next: StateCommit): Partial<SyncState> {
  const { eventIds: _eventIds, ...rest } = next;
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
}

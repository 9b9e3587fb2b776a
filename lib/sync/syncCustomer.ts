import { randomUUID } from 'node:crypto';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import type { CroCustomer } from '../crm/schemas.ts';
import { mapCustomer } from '../mapping/mapCustomer.ts';
import { compareSourceTimestamps } from '../mapping/sourceTimestamp.ts';
import { applyWrites } from './applyWrites.ts';
import { coalesceGroup, type CoalescedGroup } from './coalesceGroup.ts';
import { stableHash } from './hash.ts';
import { planWrites } from './planWrites.ts';
import { CustomerBusyError } from './state/errors.ts';
import type { StateCommit, SyncState } from './state/types.ts';
import type { TimeBudget } from './TimeBudget.ts';
import type { ParsedEntry, RecordResult, SyncDeps } from './types.ts';

/** What a sync did for the customer as a whole. */
type GroupOutcome = { kind: 'applied' | 'unchanged' | 'stale'; commit: StateCommit; croRead: boolean };

/**
 * Syncs one customer from all its records of the batch (docs/architecture.md#sync-algorithm):
 *
 * 1. ONE conditional write takes the customer's lease and returns its state (`busy` → transient
 *    `customer-busy` for every record) — unless every event is already applied (`duplicate`: that one
 *    call, no lease, whoever holds it);
 * 2. events already applied are skipped (`duplicate`, 0 calls);
 * 3. the source is the newest snapshot when every event has one and it is not older than the watermark,
 *    else ONE CRO read; older than the watermark → `stale` (0 writes);
 * 4. map once, hash, plan the fewest writes (`unchanged` → 0 calls), apply them;
 * 5. ONE conditional write commits gid, watermark, hashes and the event ids and clears the lease.
 *
 * On failure the lease is released and every new record gets the error (routed by the caller).
 * Returns one result per entry, by batch index; the caller logs each record's outcome. `logKeys` (the
 * group's ids) go on this function's own lines: the group summary (DEBUG) and a failed release (WARN).
 *
 * @example
 * const results = await syncCustomer(entries, deps, budget, { messageId, eventId, customerId });
 */
export async function syncCustomer(
  entries: readonly ParsedEntry[],
  deps: SyncDeps,
  budget: TimeBudget,
  logKeys: LogAttributes = {},
): Promise<Map<number, RecordResult>> {
  const results = new Map<number, RecordResult>();
  const key = entries[0]!.key;
  const owner = randomUUID();
  let state: SyncState | 'busy' | 'applied';
  try {
    const eventIds = entries.map((entry) => entry.event.id);
    state = await deps.store.acquire(key, owner, budget.leaseMs(), eventIds);
  } catch (error) {
    return failAll(entries, error, results);
  }
  if (state === 'applied') {
    // Every event was applied before: nothing leased, nothing to release.
    for (const entry of entries) results.set(entry.index, { kind: 'skipped', why: 'duplicate' });
    return results;
  }
  if (state === 'busy') return failAll(entries, new CustomerBusyError(key), results);

  const group = coalesceGroup(entries, state);
  for (const entry of group.duplicates) results.set(entry.index, { kind: 'skipped', why: 'duplicate' });
  if (group.fresh.length === 0) {
    await release(deps, key, owner, logKeys);
    return results;
  }
  try {
    const outcome = await syncGroup(group, state, deps, budget);
    await deps.store.commit(key, owner, outcome.commit);
    const newest = group.fresh.at(-1)!;
    for (const entry of group.fresh) results.set(entry.index, resultOf(outcome.kind, entry === newest));
    deps.logger.debug('customer synced', {
      ...logKeys,
      outcome: outcome.kind,
      croRead: outcome.croRead,
      records: entries.length,
    });
    return results;
  } catch (error) {
    await release(deps, key, owner, logKeys);
    return failAll(group.fresh, error, results);
  }
}

async function syncGroup(
  group: CoalescedGroup,
  state: SyncState,
  deps: SyncDeps,
  budget: TimeBudget,
): Promise<GroupOutcome> {
  const eventIds = group.fresh.map((entry) => entry.event.id);
  if (group.source.kind === 'stale') return { kind: 'stale', commit: { eventIds }, croRead: false };
  const { key } = group.fresh[0]!;
  const call = { deadline: budget.deadline() };
  const croRead = group.source.kind === 'read';
  const customer: CroCustomer =
    group.source.kind === 'snapshot'
      ? group.source.customer
      : await deps.cro.getCustomer(key.customerId, call);
  // Never go back: CRO itself older than what was applied (clock skew, a lagging replica).
  if (state.watermark !== undefined && isOlder(customer.last_updated_on, state.watermark))
    return { kind: 'stale', commit: { eventIds }, croRead };

  const mapped = mapCustomer({ ...key, customer, ...group.extras }, deps.options?.fallbacks);
  const docHash = stableHash(mapped.document);
  const attrHash = stableHash(mapped.attributes);
  const plan = planWrites({ state, docHash, attrHash, created: group.created });
  const gid = await applyWrites(plan, mapped, {
    ic: deps.ic,
    vatConflictPolicy: deps.options?.vatConflictPolicy ?? 'dead-letter',
    call,
  });
  const watermark = newer(state.watermark, mapped.sourceUpdatedAt);
  return {
    kind: plan.kind === 'none' ? 'unchanged' : 'applied',
    commit: {
      ...((gid ?? state.gid) !== undefined && { gid: gid ?? state.gid }),
      ...(watermark !== undefined && { watermark }),
      docHash,
      attrHash,
      eventIds,
    },
    croRead,
  };
}

// One write stands for the whole group: the newest record is "applied", the others "coalesced" into it.
function resultOf(kind: GroupOutcome['kind'], newest: boolean): RecordResult {
  if (kind === 'applied') return newest ? { kind: 'applied' } : { kind: 'skipped', why: 'coalesced' };
  return { kind: 'skipped', why: kind };
}

function isOlder(value: string | null | undefined, watermark: string): boolean {
  return value != null && compareSourceTimestamps(value, watermark) < 0;
}

function newer(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareSourceTimestamps(a, b) >= 0 ? a : b;
}

function failAll(
  entries: readonly ParsedEntry[],
  error: unknown,
  results: Map<number, RecordResult>,
): Map<number, RecordResult> {
  for (const entry of entries) results.set(entry.index, { kind: 'failed', error });
  return results;
}

// A failed release only delays the next attempt until the lease expires: log, don't fail the record twice.
async function release(
  deps: SyncDeps,
  key: ParsedEntry['key'],
  owner: string,
  logKeys: LogAttributes,
): Promise<void> {
  try {
    await deps.store.release(key, owner);
  } catch (error) {
    deps.logger.warn('lease release failed; it expires on its own', { ...logKeys, error });
  }
}

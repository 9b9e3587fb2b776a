import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import type { CroCustomer } from '../crm/schemas.ts';
import type { IcCustomer } from '../invisible-collector/schemas.ts';
import { externalIdOf } from '../mapping/fieldTable.ts';
import { CRO_ATTRIBUTE_KEYS } from '../mapping/mapAttributes.ts';
import { mapCustomer } from '../mapping/mapCustomer.ts';
import { compareSourceTimestamps } from '../mapping/sourceTimestamp.ts';
import { applyWrites, WriteLog } from './applyWrites.ts';
import { coalesceGroup, timeMs, type CoalescedGroup } from './coalesceGroup.ts';
import { ApiDeadlineError } from '../http/errors.ts';
import { requeueCountOf } from '../queue/messageAttributes.ts';
import { CroBehindError, CustomerBusyError, TimeBudgetError, WriteSettlingError } from './errors.ts';
import { splitHash } from './hash.ts';
import { planWrites } from './planWrites.ts';
import { eventKey, mergeEventKeys, newLeaseOwner } from './state/keys.ts';
import type { CustomerKey, StateCommit, StateRelease, SyncState } from './state/types.ts';
import type { TimeBudget } from './TimeBudget.ts';
import type { ParsedEntry, RecordResult, SyncDeps } from './types.ts';

/** What a sync did for the customer as a whole. */
type GroupOutcome =
  | { kind: 'applied' | 'unchanged' | 'stale'; commit: StateCommit; croRead: boolean }
  /** Written, but a failed write had an unknown outcome: not committed, the records wait for a repair. */
  | { kind: 'unsettled'; croRead: boolean };

/** A lease held on a customer, and what its acquire said. */
interface Lease {
  key: CustomerKey;
  owner: string;
  state: SyncState;
  /** The dirty mark to leave in place (or record) when the lease is released without a commit. */
  dirtyUntil: number | undefined;
  /** Until when nothing may be written for the customer: the dirty mark, or a hold. */
  waitUntil: number | undefined;
  /** A repair is due: IC may hold writes the state does not describe. */
  repair: boolean;
  /** The lease was taken over from a dead holder: what it wrote is unknown, so CRO is read. */
  takenOver: boolean;
  /** CRO `last_updated_on` (epoch ms) of the state this sync wrote from, once known: recorded as seen if it fails. */
  sourceMs?: number;
}

/**
 * Syncs one customer from all its records of the batch (docs/architecture.md#sync-algorithm):
 *
 * 1. ONE conditional write takes the customer's lease and returns its state — unless every event is applied
 *    already (`duplicate`: that one call, no lease) or another invocation holds it (`customer-busy`: the
 *    records wait). A dirty mark or a hold still in its window (a write of unknown outcome may land) → the
 *    records wait (`write-settling`); a dirty mark past it, or a dead holder's lease taken over → a repair.
 * 2. events already applied are skipped (`duplicate`, 0 calls);
 * 3. the values the events carry are taken field by field, never older than those taken before; the source is
 *    the newest snapshot when it can be trusted, else ONE CRO read; older than the watermark → `stale`;
 * 4. map once, hash, plan the fewest writes (`unchanged` → 0 calls; a repair writes everything), apply them;
 * 5. ONE conditional write commits gid, watermark, hashes, field times and event keys, and clears the lease
 *    and any dirty mark — setting a hold when a write succeeded after an attempt of unknown outcome (that
 *    attempt may still land, repeating it: no newer write may come before).
 *
 * On failure the lease is released, marking the customer dirty when IC may hold writes the state does not
 * describe; every new record gets the error (routed by the caller). A sync in which a failed write had an
 * unknown outcome is not committed even if it otherwise succeeded: the records wait, then a repair rewrites.
 * Returns one result per entry, by batch index. `logKeys` (the group's ids) go on this function's own lines.
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
  const owner = newLeaseOwner();
  const keys = entries.map((entry) => eventKey(entry.event.id));
  // The CRO read the events will most likely need runs alongside the acquire, not after it (see earlyRead).
  const early = earlyRead(entries, keys, deps, budget);
  let found;
  try {
    found = await deps.store.acquire(key, owner, budget.leaseMs(), keys);
  } catch (error) {
    return failAll(entries, error, results);
  }
  if (found.kind === 'applied') {
    // Every event was applied before: nothing leased, nothing to release.
    deps.recentKeys?.add(keys);
    for (const entry of entries) results.set(entry.index, { kind: 'skipped', why: 'duplicate' });
    return results;
  }
  if (found.kind === 'busy') return failAll(entries, new CustomerBusyError(key), results);

  const now = deps.now();
  // A dead holder may have been writing when it died: its writes may land until its lease's end + the window.
  const takeoverUntil =
    found.takenOverFrom === undefined ? undefined : found.takenOverFrom + deps.options.icWriteSettleMs;
  const dirtyUntil = later(found.state.dirtyUntil, takeoverUntil);
  const lease: Lease = {
    key,
    owner,
    state: found.state,
    dirtyUntil,
    waitUntil: later(dirtyUntil, found.state.holdUntil),
    repair: dirtyUntil !== undefined,
    takenOver: found.takenOverFrom !== undefined,
  };
  const group = coalesceGroup(entries, found.state, { repair: lease.repair, mustRead: lease.takenOver });
  for (const entry of group.duplicates) results.set(entry.index, { kind: 'skipped', why: 'duplicate' });
  if (lease.waitUntil !== undefined && lease.waitUntil > now) {
    await release(deps, lease, keepMark(lease), logKeys);
    return failAll(group.fresh, new WriteSettlingError(key, lease.waitUntil), results);
  }
  if (group.fresh.length === 0) {
    await release(deps, lease, keepMark(lease), logKeys);
    return results;
  }

  const log = new WriteLog();
  let outcome: GroupOutcome;
  try {
    const lookup = earlyLookup(group, lease, deps, budget);
    outcome = await syncGroup(group, lease, deps, budget, log, early, lookup);
    if (outcome.kind !== 'unsettled') {
      await deps.store.commit(key, owner, outcome.commit);
      deps.recentKeys?.add(keys);
    }
  } catch (error) {
    const marks = failureMarks(lease, group, log, deps);
    await release(deps, lease, marks, logKeys);
    const settleUntil = log.unknownOutcome || log.mayRepeat ? marks.dirtyUntil : undefined;
    // Our own deadline, not an API, ended the sync: the records wait (for a settling write, or for time).
    if (error instanceof ApiDeadlineError) {
      const wait =
        settleUntil !== undefined
          ? new WriteSettlingError(key, settleUntil)
          : new TimeBudgetError('the invocation ran out of time during the sync');
      return failAll(group.fresh, wait, results);
    }
    for (const entry of group.fresh)
      results.set(entry.index, {
        kind: 'failed',
        error,
        ...(settleUntil !== undefined && { notBefore: settleUntil }),
      });
    return results;
  }
  if (outcome.kind === 'unsettled') {
    const marks = failureMarks(lease, group, log, deps);
    await release(deps, lease, marks, logKeys);
    return failAll(group.fresh, new WriteSettlingError(key, marks.dirtyUntil!), results);
  }
  const newest = group.fresh.at(-1)!;
  for (const entry of group.fresh) results.set(entry.index, resultOf(outcome.kind, entry === newest));
  deps.logger.debug('customer synced', {
    ...logKeys,
    outcome: outcome.kind,
    croRead: outcome.croRead,
    repair: lease.repair,
    records: entries.length,
  });
  return results;
}

async function syncGroup(
  group: CoalescedGroup,
  lease: Lease,
  deps: SyncDeps,
  budget: TimeBudget,
  log: WriteLog,
  early: Promise<CroCustomer> | undefined,
  lookup: Promise<IcCustomer | undefined> | undefined,
): Promise<GroupOutcome> {
  const { state, key } = lease;
  const eventKeys = mergeEventKeys(
    state.eventKeys,
    group.fresh.map((entry) => eventKey(entry.event.id)),
  );
  const skipped = { eventKeys, fieldTimes: state.fieldTimes, ...markSeen(lease) };
  if (group.source.kind === 'stale') return { kind: 'stale', commit: skipped, croRead: false };
  const call = { deadline: budget.deadline() };
  const croRead = group.source.kind === 'read';
  const customer: CroCustomer =
    group.source.kind === 'snapshot'
      ? group.source.customer
      : await (early ?? deps.cro.getCustomer(key.customerId, call));
  const sourceMs = timeMs(customer.last_updated_on);
  if (sourceMs !== undefined) lease.sourceMs = sourceMs;
  // Never go back: CRO itself older than what was applied (clock skew, a lagging replica) is not applied. The
  // events are stale — unless they carry newer values, or a repair is due: those wait for CRO to catch up.
  if (state.watermark !== undefined && isOlder(customer.last_updated_on, state.watermark)) {
    if (lease.repair || group.carriesNewer) throw new CroBehindError(key.customerId);
    return { kind: 'stale', commit: skipped, croRead };
  }

  const { extras } = group;
  const mapped = mapCustomer(
    {
      ...key,
      customer,
      attributes: extras.attributes,
      ...(extras.vatNumber !== undefined && { vatNumber: extras.vatNumber }),
      ...(extras.locale !== undefined && { locale: extras.locale }),
    },
    deps.options.fallbacks,
  );
  const { vatNumber, ...base } = mapped.document;
  const doc = splitHash(base, vatNumber, state.docHash);
  const attrs = splitHash(
    croAttributes(mapped.attributes),
    eventAttributes(mapped.attributes),
    state.attrHash,
  );
  const plan = planWrites({
    state,
    document: doc.changed,
    attributes: attrs.changed,
    created: group.created,
    repair: lease.repair,
  });
  const gid = await applyWrites(plan, mapped, {
    ic: deps.ic,
    vatConflictPolicy: deps.options.vatConflictPolicy,
    call,
    log,
    awaitCreated: mayAwaitCreated(group, deps),
    ...(lookup !== undefined && { lookup }),
  });
  if (log.unknownOutcome) return { kind: 'unsettled', croRead };
  const watermark = newer(state.watermark, mapped.sourceUpdatedAt);
  return {
    kind: plan.kind === 'none' ? 'unchanged' : 'applied',
    commit: {
      ...((gid ?? state.gid) !== undefined && { gid: gid ?? state.gid }),
      ...(watermark !== undefined && { watermark }),
      ...(extras.locale !== undefined && { locale: extras.locale }),
      docHash: doc.hash,
      attrHash: attrs.hash,
      eventKeys,
      fieldTimes: group.fieldTimes,
      ...markSeen(lease),
      // An attempt of unknown outcome whose call then succeeded may land again: hold the next writes until then.
      ...(log.mayRepeat && { holdUntil: deps.now() + deps.options.icWriteSettleMs }),
    },
    croRead,
  };
}

/**
 * Starts the CRO read before the lease is taken, when the events will most likely need it: one of them carries
 * no snapshot (so only CRO can say what changed), none was deferred before (a customer busy or settling then
 * is likely to be so again: the read would be wasted) and not all of them were applied by this container
 * lately (a duplicate). The acquire and the read then overlap, one round trip instead of two in series.
 *
 * A read that starts before the lease is as safe as one after it: it starts after every event of the group
 * was sent, so it sees their changes; a dead holder's lease ended before the acquire was sent, so the read
 * is not older than what that holder read; and a read older than a watermark committed meanwhile (the only
 * effect of its earlier start) is never applied (`stale`, or `crm-behind` and a retry). When the sync turns
 * out not to need it (duplicate, busy, settling, a trusted snapshot), it is dropped unread: one CRO call
 * spent, no Invisible Collector call.
 */
function earlyRead(
  entries: readonly ParsedEntry[],
  keys: readonly string[],
  deps: SyncDeps,
  budget: TimeBudget,
): Promise<CroCustomer> | undefined {
  if (!entries.some((entry) => entry.event.data.customer === undefined)) return undefined;
  if (entries.some((entry) => requeueCountOf(entry.record) > 0)) return undefined;
  if (deps.recentKeys?.hasAll(keys)) return undefined;
  const read = deps.cro.getCustomer(entries[0]!.key.customerId, { deadline: budget.deadline() });
  // Dropped unread when the sync ends before needing it: its failure is nobody's to report.
  read.catch(() => undefined);
  return read;
}

/**
 * Looks the customer up in Invisible Collector (`GET /customers/{externalId}`) as soon as the lease is held,
 * alongside the CRO read, when the state knows no gid and the writes would start with a `PUT` by externalId (an
 * `updated` event, or a repair). Its answer then says at once where the writes go: absent → register, then the
 * attributes; found → `PUT` by its gid alongside the attributes. A customer Invisible Collector does not know
 * costs 3 calls either way (GET → POST → attributes instead of PUT → POST → attributes), one round trip fewer
 * after the read; a customer it knows but the state has no gid for (state lost or expired, Invisible Collector
 * filled by other means before the first sync) costs 3 once instead of 2. Only when CRO is read: with a trusted
 * snapshot there is no read to overlap, and the `PUT` by externalId goes first. A lookup is a read: it changes
 * nothing, and a sync that ends without using it (stale, a failed CRO read) drops it.
 */
function earlyLookup(
  group: CoalescedGroup,
  lease: Lease,
  deps: SyncDeps,
  budget: TimeBudget,
): Promise<IcCustomer | undefined> | undefined {
  if (group.source.kind !== 'read') return undefined;
  if (lease.state.gid !== undefined || (group.created && !lease.repair)) return undefined;
  const { tenantId, customerId } = lease.key;
  const lookup = deps.ic.findCustomer(externalIdOf(tenantId, customerId), { deadline: budget.deadline() });
  lookup.catch(() => undefined);
  return lookup;
}

// The commit clears the mark this sync repaired; it must be the one the acquire returned.
function markSeen(lease: Lease): Pick<StateCommit, 'expectedDirtyUntil'> {
  return lease.state.dirtyUntil === undefined ? {} : { expectedDirtyUntil: lease.state.dirtyUntil };
}

function keepMark(lease: Lease): StateRelease {
  return lease.dirtyUntil === undefined ? {} : { dirtyUntil: lease.dirtyUntil };
}

/**
 * What a release without commit records: the newest change time seen — the events', and that of the CRO state
 * it wrote from (an older snapshot arriving later is then not trusted, by a repair neither) — a gid learned, and a
 * dirty mark when IC may hold writes the state does not describe — until
 * now + the settle window if a write's outcome is unknown, until now if writes were applied but not committed
 * (the next sync repairs at once), or the mark the acquire found.
 */
function failureMarks(lease: Lease, group: CoalescedGroup, log: WriteLog, deps: SyncDeps): StateRelease {
  const now = deps.now();
  const unclear = log.unknownOutcome || log.mayRepeat;
  const written = unclear ? now + deps.options.icWriteSettleMs : log.applied ? now : undefined;
  const dirtyUntil = later(lease.dirtyUntil, written);
  const seenMs = later(later(lease.state.seenMs, group.newestMs), lease.sourceMs);
  return {
    ...(dirtyUntil !== undefined && { dirtyUntil }),
    ...(seenMs !== undefined && seenMs !== lease.state.seenMs && { seenMs }),
    ...(log.gid !== undefined && log.gid !== lease.state.gid && { gid: log.gid }),
  };
}

const CRO_KEYS = new Set<string>(Object.values(CRO_ATTRIBUTE_KEYS));

// Every sync writes the `cro_*` attributes; the others are there only when an event carried newer values.
function croAttributes(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).filter(([key]) => CRO_KEYS.has(key)));
}

function eventAttributes(attributes: Record<string, string>): Record<string, string> | undefined {
  const carried = Object.entries(attributes).filter(([key]) => !CRO_KEYS.has(key));
  return carried.length === 0 ? undefined : Object.fromEntries(carried);
}

// On a standard queue, an update may overtake its customer's `created` event: it waits a few receives for it.
function mayAwaitCreated(group: CoalescedGroup, deps: SyncDeps): boolean {
  return group.fresh.some(
    (entry) =>
      entry.record.attributes.MessageGroupId === undefined &&
      (Number(entry.record.attributes.ApproximateReceiveCount) || 1) <= deps.options.missingVatReceives,
  );
}

// One write stands for the whole group: the newest record is "applied", the others "coalesced" into it.
function resultOf(kind: 'applied' | 'unchanged' | 'stale', newest: boolean): RecordResult {
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

function later(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

function failAll(
  entries: readonly ParsedEntry[],
  error: unknown,
  results: Map<number, RecordResult>,
): Map<number, RecordResult> {
  for (const entry of entries) results.set(entry.index, { kind: 'failed', error });
  return results;
}

// A failed release only delays the next attempt until the lease expires (and its taker repairs): log, don't
// fail the records twice.
async function release(
  deps: SyncDeps,
  lease: Lease,
  marks: StateRelease,
  logKeys: LogAttributes,
): Promise<void> {
  try {
    await deps.store.release(lease.key, lease.owner, marks);
  } catch (error) {
    deps.logger.warn('lease release failed; it expires on its own', { ...logKeys, error });
  }
}

import { CroCustomerSchema, type CroCustomer } from '../crm/schemas.ts';
import { normaliseLocale } from '../mapping/normaliseLocale.ts';
import { compareSourceTimestamps, normaliseSourceTimestamp } from '../mapping/sourceTimestamp.ts';
import { attributeKey, eventKey } from './state/keys.ts';
import type { FieldTimes, SyncState } from './state/types.ts';
import type { ParsedEntry } from './types.ts';

/** Where the customer's data comes from for this sync. */
export type SourceDecision =
  /** Every new event carries a snapshot and the newest can be trusted: no CRO read. */
  | { kind: 'snapshot'; customer: CroCustomer }
  /** Some event carries no (usable) snapshot, or the snapshot cannot be trusted: read CRO once. */
  | { kind: 'read' }
  /** Every new event's snapshot is older than what was applied, and no value they carry is newer: nothing to do. */
  | { kind: 'stale' };

/** The values the events carry besides the snapshot, those that are newer than what was taken before. */
export interface Extras {
  vatNumber?: string;
  /** An Invisible Collector locale (normalised); else the one taken before, kept. */
  locale?: string;
  /** Only the keys whose value is newer than the key's last one. */
  attributes: Record<string, string>;
}

/** A customer's records of one batch, reduced to one sync. */
export interface CoalescedGroup {
  /** Records whose event was already applied (or repeats an earlier record of the group). */
  duplicates: ParsedEntry[];
  /** Records to apply, oldest event first; the last one is the "newest". */
  fresh: ParsedEntry[];
  source: SourceDecision;
  extras: Extras;
  /** The field times once `extras` are taken (what a successful sync commits). */
  fieldTimes: FieldTimes;
  /** Some event carries a value newer than the field's last one: the sync must write even if its snapshot is old. */
  carriesNewer: boolean;
  /** Some new event is `crm.customer.created` (try to register first when the gid is unknown). */
  created: boolean;
  /** The newest time (epoch ms) the fresh events announce: their `time`, or their snapshot's. */
  newestMs?: number;
}

/**
 * Reduces all records of one customer in a batch to one sync (pure).
 *
 * - Drops events already applied (`state.eventKeys`) or repeated.
 * - Takes from the events, field by field, only values not older than the value last taken (docs/events.md#event): a
 *   `vatNumber`, `locale` or attribute from an event whose `time` is older than the one that set the field
 *   never replaces it, and a field no event carries keeps its value (the stored locale; attributes IC keeps).
 *   An event without `time` counts as the oldest: it sets a field only nothing else has set.
 * - Decides the source: the newest snapshot when every new event carries one and it is not older than the
 *   watermark nor than a change already seen (a sync whose writes are settling recorded what it wrote as
 *   seen); else one CRO read — always after taking over a dead holder's lease (`mustRead`: what it wrote is
 *   unknown). `stale` when the snapshots are older than the watermark, no carried value is newer and no
 *   repair is due.
 *
 * @example
 * const group = coalesceGroup(entries, state, { repair: false, mustRead: false });
 * if (group.source.kind === 'read') customer = await cro.getCustomer(id);
 */
export function coalesceGroup(
  entries: readonly ParsedEntry[],
  state: SyncState,
  options: { repair: boolean; mustRead: boolean },
): CoalescedGroup {
  const seen = new Set(state.eventKeys);
  const duplicates: ParsedEntry[] = [];
  const fresh: ParsedEntry[] = [];
  for (const entry of entries) {
    const key = eventKey(entry.event.id);
    if (seen.has(key)) duplicates.push(entry);
    else {
      seen.add(key);
      fresh.push(entry);
    }
  }
  // Stable sort by the event's own time (when given): SQS standard queues do not keep order.
  fresh.sort((a, b) => compareSourceTimestamps(a.event.time, b.event.time));
  const taken = takeExtras(fresh, state);
  const newestMs = newestTime(fresh);
  return {
    duplicates,
    fresh,
    source: options.mustRead ? { kind: 'read' } : decideSource(fresh, state, taken.newer || options.repair),
    extras: taken.extras,
    fieldTimes: taken.fieldTimes,
    carriesNewer: taken.newer,
    created: fresh.some((entry) => entry.event.type === 'crm.customer.created'),
    ...(newestMs !== undefined && { newestMs }),
  };
}

/**
 * The epoch-ms value of a CRO or event timestamp (`undefined` when unreadable), for comparisons with the
 * state's times.
 */
export function timeMs(value: string | null | undefined): number | undefined {
  const canonical = normaliseSourceTimestamp(value);
  return canonical === undefined ? undefined : Date.parse(canonical);
}

// `mustWrite`: the events carry newer values, or a repair is due — an old snapshot then means a CRO read, not `stale`.
function decideSource(fresh: readonly ParsedEntry[], state: SyncState, mustWrite: boolean): SourceDecision {
  let newest: CroCustomer | undefined;
  for (const entry of fresh) {
    const snapshot = usableSnapshot(entry);
    if (snapshot === undefined) return { kind: 'read' };
    if (
      newest === undefined ||
      compareSourceTimestamps(snapshot.last_updated_on, newest.last_updated_on) >= 0
    )
      newest = snapshot;
  }
  if (newest === undefined) return { kind: 'read' };
  if (state.watermark !== undefined && compareSourceTimestamps(newest.last_updated_on, state.watermark) < 0)
    // The snapshot would go back in time; newer values the events carry, or a repair, still need a write.
    return mustWrite ? { kind: 'read' } : { kind: 'stale' };
  // A later change is known to exist (seen by a sync that could not apply it): only CRO has it.
  if (state.seenMs !== undefined && (timeMs(newest.last_updated_on) ?? 0) < state.seenMs)
    return { kind: 'read' };
  return { kind: 'snapshot', customer: newest };
}

// A snapshot proves its age only with a readable last_updated_on, and must be this customer's.
function usableSnapshot(entry: ParsedEntry): CroCustomer | undefined {
  if (entry.event.data.customer === undefined) return undefined;
  const parsed = CroCustomerSchema.safeParse(entry.event.data.customer);
  if (!parsed.success || parsed.data.id !== entry.key.customerId) return undefined;
  return normaliseSourceTimestamp(parsed.data.last_updated_on) === undefined ? undefined : parsed.data;
}

function takeExtras(
  fresh: readonly ParsedEntry[],
  state: SyncState,
): { extras: Extras; fieldTimes: FieldTimes; newer: boolean } {
  const times: FieldTimes = { ...state.fieldTimes, attributes: { ...state.fieldTimes.attributes } };
  const extras: Extras = { attributes: {} };
  let newer = false;
  // Oldest first: a later event (by time; by batch order on a tie) overrides an earlier one.
  for (const { event } of fresh) {
    const at = timeMs(event.time);
    const { vatNumber, attributes } = event.data;
    const locale = normaliseLocale(event.data.locale);
    if (vatNumber !== undefined && notOlder(at, times.vatNumber)) {
      extras.vatNumber = vatNumber;
      if (at !== undefined) times.vatNumber = at;
      newer = true;
    }
    // An unsupported locale says nothing usable: the last one is kept.
    if (locale !== undefined && notOlder(at, times.locale)) {
      extras.locale = locale;
      if (at !== undefined) times.locale = at;
      newer = true;
    }
    for (const [name, value] of Object.entries(attributes ?? {})) {
      const key = attributeKey(name.trim());
      if (!notOlder(at, times.attributes[key] ?? times.attributesFloor)) continue;
      extras.attributes[name] = value;
      if (at !== undefined) times.attributes[key] = at;
      newer = true;
    }
  }
  if (extras.locale === undefined && state.locale !== undefined) extras.locale = state.locale;
  return { extras, fieldTimes: times, newer };
}

// Ties apply (the later of two events at the same instant wins); an event without a time never replaces a timed value.
function notOlder(at: number | undefined, last: number | undefined): boolean {
  if (last === undefined) return true;
  return at !== undefined && at >= last;
}

function newestTime(fresh: readonly ParsedEntry[]): number | undefined {
  let newest: number | undefined;
  for (const entry of fresh) {
    const snapshot = entry.event.data.customer?.last_updated_on;
    for (const at of [
      timeMs(entry.event.time),
      timeMs(typeof snapshot === 'string' ? snapshot : undefined),
    ]) {
      if (at !== undefined && (newest === undefined || at > newest)) newest = at;
    }
  }
  return newest;
}

import { CroCustomerSchema, type CroCustomer } from '../crm/schemas.ts';
import { compareSourceTimestamps, normaliseSourceTimestamp } from '../mapping/sourceTimestamp.ts';
import type { SyncState } from './state/types.ts';
import type { ParsedEntry } from './types.ts';

/** Where the customer's data comes from for this sync. */
export type SourceDecision =
  /** Every new event carries a snapshot and the newest is not older than the watermark: no CRO read. */
  | { kind: 'snapshot'; customer: CroCustomer }
  /** Some event carries no (usable) snapshot: read the latest state from CRO once. */
  | { kind: 'read' }
  /** Every new event's snapshot is older than what was already applied: nothing to do. */
  | { kind: 'stale' };

/** A customer's records of one batch, reduced to one sync. */
export interface CoalescedGroup {
  /** Records whose event id was already applied (or repeats an earlier record of the group). */
  duplicates: ParsedEntry[];
  /** Records to apply, oldest event first; the last one is the "newest". */
  fresh: ParsedEntry[];
  source: SourceDecision;
  /** The events' extras, later events winning: VAT number, locale, attributes (merged). */
  extras: { vatNumber?: string; locale?: string; attributes?: Record<string, string> };
  /** Some new event is `crm.customer.created` (try to register first when the gid is unknown). */
  created: boolean;
}

/**
 * Reduces all records of one customer in a batch to one sync (pure): drops events already applied
 * (`state.eventIds`) or repeated, decides whether a CRO read is needed, and merges the events' extras.
 *
 * A snapshot is trusted only when every new event carries one: an event without a snapshot announces a
 * change of unknown age, which only a fresh CRO read can include.
 *
 * @example
 * const group = coalesceGroup(entries, state);
 * if (group.source.kind === 'read') customer = await cro.getCustomer(id);
 */
export function coalesceGroup(entries: readonly ParsedEntry[], state: SyncState): CoalescedGroup {
  const seen = new Set(state.eventIds);
  const duplicates: ParsedEntry[] = [];
  const fresh: ParsedEntry[] = [];
  for (const entry of entries) {
    if (seen.has(entry.event.id)) duplicates.push(entry);
    else {
      seen.add(entry.event.id);
      fresh.push(entry);
    }
  }
  // Stable sort by the event's own time (when given): SQS standard queues do not keep order.
  fresh.sort((a, b) => compareSourceTimestamps(a.event.time, b.event.time));
  return {
    duplicates,
    fresh,
    source: decideSource(fresh, state.watermark),
    extras: mergeExtras(fresh),
    created: fresh.some((entry) => entry.event.type === 'crm.customer.created'),
  };
}

function decideSource(fresh: readonly ParsedEntry[], watermark: string | undefined): SourceDecision {
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
  if (watermark !== undefined && compareSourceTimestamps(newest.last_updated_on, watermark) < 0)
    return { kind: 'stale' };
  return { kind: 'snapshot', customer: newest };
}

// A snapshot proves its age only with a readable last_updated_on, and must be this customer's.
function usableSnapshot(entry: ParsedEntry): CroCustomer | undefined {
  if (entry.event.data.customer === undefined) return undefined;
  const parsed = CroCustomerSchema.safeParse(entry.event.data.customer);
  if (!parsed.success || parsed.data.id !== entry.key.customerId) return undefined;
  return normaliseSourceTimestamp(parsed.data.last_updated_on) === undefined ? undefined : parsed.data;
}

function mergeExtras(fresh: readonly ParsedEntry[]): CoalescedGroup['extras'] {
  const extras: CoalescedGroup['extras'] = {};
  for (const { event } of fresh) {
    if (event.data.vatNumber !== undefined) extras.vatNumber = event.data.vatNumber;
    if (event.data.locale !== undefined) extras.locale = event.data.locale;
    if (event.data.attributes !== undefined)
      extras.attributes = { ...extras.attributes, ...event.data.attributes };
  }
  return extras;
}

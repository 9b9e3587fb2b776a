import type { ParsedEntry, RejectedEntry } from './types.ts';

/** One thing to do in order: dead-letter a rejected record, or sync one customer from a run of its records. */
export type Step = { kind: 'rejected'; entry: RejectedEntry } | { kind: 'customer'; entries: ParsedEntry[] };

/** Steps that must run one after the other; units run concurrently. */
export interface WorkUnit {
  /** Set for a FIFO queue: a failed step blocks the rest of the unit (AWS FIFO partial-batch rule). */
  messageGroupId?: string;
  steps: Step[];
}

/**
 * Splits a batch into units of work.
 *
 * - Standard queue: each rejected record is a unit; the valid records of one customer (tenantId, customerId)
 *   form one unit with one step, in batch order — they are coalesced into a single sync.
 * - FIFO queue (records carry `MessageGroupId`): one unit per message group, keeping the group's order;
 *   consecutive records of the same customer form one step.
 *
 * @example
 * planUnits([a1, b1, a2]); // standard: [{ steps: [a1+a2] }, { steps: [b1] }]
 */
export function planUnits(entries: ReadonlyArray<ParsedEntry | RejectedEntry>): WorkUnit[] {
  const fifo = entries.some((entry) => entry.record.attributes.MessageGroupId !== undefined);
  return fifo ? fifoUnits(entries) : standardUnits(entries);
}

function isParsed(entry: ParsedEntry | RejectedEntry): entry is ParsedEntry {
  return 'event' in entry;
}

function customerOf(entry: ParsedEntry): string {
  return `${entry.key.tenantId}#${entry.key.customerId}`;
}

function standardUnits(entries: ReadonlyArray<ParsedEntry | RejectedEntry>): WorkUnit[] {
  const units: WorkUnit[] = [];
  const byCustomer = new Map<string, ParsedEntry[]>();
  for (const entry of entries) {
    if (!isParsed(entry)) {
      units.push({ steps: [{ kind: 'rejected', entry }] });
      continue;
    }
    const key = customerOf(entry);
    const group = byCustomer.get(key);
    if (group) group.push(entry);
    else byCustomer.set(key, [entry]);
  }
  for (const group of byCustomer.values()) units.push({ steps: [{ kind: 'customer', entries: group }] });
  return units;
}

function fifoUnits(entries: ReadonlyArray<ParsedEntry | RejectedEntry>): WorkUnit[] {
  const byGroup = new Map<string, WorkUnit>();
  for (const entry of entries) {
    const groupId = entry.record.attributes.MessageGroupId ?? '';
    let unit = byGroup.get(groupId);
    if (!unit) {
      unit = { messageGroupId: groupId, steps: [] };
      byGroup.set(groupId, unit);
    }
    const last = unit.steps.at(-1);
    if (!isParsed(entry)) {
      unit.steps.push({ kind: 'rejected', entry });
    } else if (last?.kind === 'customer' && customerOf(last.entries[0]!) === customerOf(entry)) {
      last.entries.push(entry);
    } else {
      unit.steps.push({ kind: 'customer', entries: [entry] });
    }
  }
  return [...byGroup.values()];
}

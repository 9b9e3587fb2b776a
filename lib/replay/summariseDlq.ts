import type { DlqMessage } from './types.ts';

/** What is in the DLQ, at a glance: what broke, for which events, since when. */
export interface DlqSummary {
  total: number;
  /** Count per `failure-reason` (`redriven` for retries exhausted), largest first. */
  byReason: Record<string, number>;
  /** Count per CloudEvent type (`(unknown)` for a body without one), largest first. */
  byType: Record<string, number>;
  /** Age of the oldest message in ms (0 when empty): DLQ retention (14 days) counts from its first send. */
  oldestAgeMs: number;
}

/**
 * Counts DLQ messages by reason and type and finds the oldest.
 *
 * @example
 * summariseDlq(rows); // { total: 3, byReason: { 'vat-conflict': 2, redriven: 1 }, byType: {...}, oldestAgeMs: 86400000 }
 */
export function summariseDlq(messages: readonly DlqMessage[]): DlqSummary {
  return {
    total: messages.length,
    byReason: countBy(messages, (m) => m.reason),
    byType: countBy(messages, (m) => m.eventType ?? '(unknown)'),
    oldestAgeMs: messages.reduce((oldest, m) => Math.max(oldest, m.ageMs), 0),
  };
}

function countBy(messages: readonly DlqMessage[], key: (m: DlqMessage) => string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(key(m), (counts.get(key(m)) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)));
}

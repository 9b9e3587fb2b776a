import type { DlqMessage, ReplayFilter } from './types.ts';

/**
 * True when `message` meets every criterion of `filter` (an empty filter matches everything).
 *
 * @example
 * matchesFilter(row, { reason: 'vat-conflict', customer: '1' });
 */
export function matchesFilter(message: DlqMessage, filter: ReplayFilter): boolean {
  return (
    (filter.customer === undefined || message.customerId === filter.customer) &&
    (filter.type === undefined || message.eventType === filter.type) &&
    (filter.reason === undefined || message.reason === filter.reason)
  );
}

import type { SQSRecord } from 'aws-lambda';
import { parseEventBody } from '../events/parseEventBody.ts';
import { WrongTenantError } from './errors.ts';
import type { ParsedEntry, RejectedEntry } from './types.ts';

/**
 * Parses one SQS record into a customer event for `tenantId`, or a rejection carrying the permanent error
 * (`InvalidEventError`, {@link WrongTenantError}).
 *
 * @example
 * const entry = parseRecord(record, 0, 42);
 * if ('event' in entry) entry.key; // { tenantId: 42, customerId: 7 }
 */
export function parseRecord(record: SQSRecord, index: number, tenantId: number): ParsedEntry | RejectedEntry {
  try {
    const event = parseEventBody(record.body);
    if (event.data.tenantId !== tenantId) throw new WrongTenantError(event.data.tenantId, tenantId);
    return { index, record, event, key: { tenantId, customerId: event.data.customerId } };
  } catch (error) {
    return { index, record, error };
  }
}

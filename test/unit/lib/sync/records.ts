// Builders for the sync's unit tests: SQS records and parsed entries of customer CloudEvents.
import type { SQSRecord } from 'aws-lambda';
import type { CroCustomer } from '../../../../lib/crm/schemas.ts';
import type { CustomerEvent } from '../../../../lib/events/schemas.ts';
import type { ParsedEntry } from '../../../../lib/sync/types.ts';
import {
  customerEvent as baseCustomerEvent,
  type CustomerEventOverrides,
} from '../../../helpers/customerEvent.ts';

export const TENANT = 42;

let sequence = 0;

/** A customer CloudEvent for tenant 42 with a sequential id and time (override anything). */
export function customerEvent(customerId: number, overrides: CustomerEventOverrides = {}): CustomerEvent {
  sequence += 1;
  return baseCustomerEvent(customerId, {
    id: `evt-${sequence}`,
    time: new Date(Date.UTC(2026, 10, 22, 10, 0, sequence)).toISOString(),
    ...overrides,
  });
}

/** An SQS record as Lambda delivers it. */
export function sqsRecord(
  body: unknown,
  overrides: Partial<SQSRecord['attributes']> = {},
  index = 0,
): SQSRecord {
  sequence += 1;
  return {
    messageId: `msg-${sequence}-${index}`,
    receiptHandle: `rh-${sequence}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1700000000000',
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: '1700000000000',
      ...overrides,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:crm-sync-events',
    awsRegion: 'us-east-1',
  };
}

/** A parsed entry (what `parseRecord` returns for a valid record). */
export function entry(
  event: CustomerEvent,
  index = 0,
  attributes: Partial<SQSRecord['attributes']> = {},
): ParsedEntry {
  return {
    index,
    record: sqsRecord(event, attributes, index),
    event,
    key: { tenantId: event.data.tenantId, customerId: event.data.customerId },
  };
}

/** A snapshot with a given last_updated_on. */
export function snapshot(customer: CroCustomer): Record<string, unknown> {
  return customer as unknown as Record<string, unknown>;
}

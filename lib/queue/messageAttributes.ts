import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/**
 * Every message attribute crm-sync itself puts on a message, in one place (SQS allows 10 per message, the
 * producer's own included):
 * - on a dead-lettered message (docs/events.md#failures): `failure-reason`, `failure-detail`, `failed-at`, `source-message-id`;
 * - on a replayed message: `replay-count`;
 * - on a deferred record sent again to the event queue: `requeue-count` and `requeued-from` (the message it
 *   continues, so a trace — or the soak's ledger — can follow a record across its deferrals).
 */
export const MESSAGE_ATTRIBUTES = {
  failureReason: 'failure-reason',
  failureDetail: 'failure-detail',
  failedAt: 'failed-at',
  sourceMessageId: 'source-message-id',
  replayCount: 'replay-count',
  requeueCount: 'requeue-count',
  requeuedFrom: 'requeued-from',
} as const;

/** SQS's limit of message attributes per message. */
export const MAX_MESSAGE_ATTRIBUTES = 10;

/** The attributes a deferral adds; a requeued message does not carry over an older value of them. */
export const REQUEUE_ATTRIBUTES: ReadonlySet<string> = new Set([
  MESSAGE_ATTRIBUTES.requeueCount,
  MESSAGE_ATTRIBUTES.requeuedFrom,
]);

/**
 * A received record's message attributes in the SDK's shape (Lambda gives binary values base64-encoded), in
 * name order, without the names `skip` accepts.
 *
 * @example
 * const attributes = recordAttributes(record, (name) => name.startsWith('failure-'));
 */
export function recordAttributes(
  record: Pick<SQSRecord, 'messageAttributes'>,
  skip: (name: string) => boolean = () => false,
): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const name of Object.keys(record.messageAttributes ?? {}).sort()) {
    if (skip(name)) continue;
    const value = record.messageAttributes[name]!;
    if (value.stringValue !== undefined) {
      out[name] = { DataType: value.dataType, StringValue: value.stringValue };
    } else if (value.binaryValue !== undefined) {
      out[name] = { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue, 'base64') };
    }
  }
  return out;
}

/**
 * How many times a record was deferred (its `requeue-count`; 0 when absent or not a number).
 *
 * @example
 * requeueCountOf(record); // 2
 */
export function requeueCountOf(record: Pick<SQSRecord, 'messageAttributes'>): number {
  const count = Number(record.messageAttributes?.[MESSAGE_ATTRIBUTES.requeueCount]?.stringValue);
  return Number.isInteger(count) && count > 0 ? count : 0;
}

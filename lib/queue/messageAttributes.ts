import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/**
 * SQS refuses a message with more than 10 message attributes
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html);
 * the emulator does not check it, so every send that adds attributes goes through {@link withAttributes}.
 */
export const MAX_MESSAGE_ATTRIBUTES = 10;

/** Message attributes a dead-lettered message carries (CONTRACT.md §5): they describe its last failure. */
export const FAILURE_ATTRIBUTES = {
  reason: 'failure-reason',
  detail: 'failure-detail',
  failedAt: 'failed-at',
  sourceMessageId: 'source-message-id',
} as const;

/** How often an event was replayed from the DLQ (a `Number`); it travels with the event through later failures. */
export const REPLAY_COUNT_ATTRIBUTE = 'replay-count';

/**
 * Every message attribute crm-sync itself sets, in one list: a send keeps these before any attribute of the
 * producer's, so our bookkeeping is never the one left out.
 */
export const CRM_SYNC_ATTRIBUTE_NAMES: readonly string[] = [
  ...Object.values(FAILURE_ATTRIBUTES),
  REPLAY_COUNT_ATTRIBUTE,
];

/** Message attributes in the SDK's shape. */
export type MessageAttributes = Record<string, MessageAttributeValue>;

/**
 * True for the attributes that describe a dead-lettering (`failure-*`, `failed-at`, `source-message-id`): a
 * message put back on the event queue does not carry them.
 */
export function isFailureAttribute(name: string): boolean {
  return name.startsWith('failure-') || Object.values<string>(FAILURE_ATTRIBUTES).includes(name);
}

/**
 * The attributes of a message crm-sync sends on (to the DLQ, back to the event queue): all of `set`, then as
 * many of the message's `carried` attributes as SQS's 10 allow — crm-sync's own names first (`replay-count`),
 * then the producer's in name order. A name in `set` replaces the carried value. `dropped` names the carried
 * attributes that did not fit, for the caller to report; without this, a message that already carries 10
 * could never be sent on, and would stay in the DLQ forever.
 *
 * @example
 * const { attributes, dropped } = withAttributes(message.MessageAttributes ?? {}, {
 *   'replay-count': { DataType: 'Number', StringValue: '2' },
 * });
 */
export function withAttributes(
  carried: MessageAttributes,
  set: MessageAttributes,
): { attributes: MessageAttributes; dropped: string[] } {
  const setNames = Object.keys(set);
  if (setNames.length > MAX_MESSAGE_ATTRIBUTES) {
    throw new RangeError(`${setNames.length} attributes to set: SQS allows ${MAX_MESSAGE_ATTRIBUTES}`);
  }
  const ours = (name: string) => CRM_SYNC_ATTRIBUTE_NAMES.includes(name);
  const candidates = Object.keys(carried)
    .filter((name) => !(name in set))
    .sort((a, b) => Number(ours(b)) - Number(ours(a)) || (a < b ? -1 : a > b ? 1 : 0));
  const room = MAX_MESSAGE_ATTRIBUTES - setNames.length;
  const attributes: MessageAttributes = {};
  for (const name of candidates.slice(0, room)) attributes[name] = carried[name]!;
  return { attributes: { ...attributes, ...set }, dropped: candidates.slice(room) };
}

/**
 * A Lambda SQS record's message attributes in the SDK's shape (binary values arrive base64-encoded).
 *
 * @example
 * const carried = recordAttributes(record); // { 'replay-count': { DataType: 'Number', StringValue: '1' } }
 */
export function recordAttributes(record: SQSRecord): MessageAttributes {
  const out: MessageAttributes = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (value.stringValue !== undefined) {
      out[name] = { DataType: value.dataType, StringValue: value.stringValue };
    } else if (value.binaryValue !== undefined) {
      out[name] = { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue, 'base64') };
    }
  }
  return out;
}

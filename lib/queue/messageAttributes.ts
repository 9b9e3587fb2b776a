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

/** Every message attribute name crm-sync itself sets: a send keeps these before any of the producer's. */
export const CRM_SYNC_ATTRIBUTE_NAMES: readonly string[] = Object.values(MESSAGE_ATTRIBUTES);

/** How often an event was replayed from the DLQ (a `Number`); it travels with the event through later failures. */
export const REPLAY_COUNT_ATTRIBUTE = MESSAGE_ATTRIBUTES.replayCount;

/** Message attributes in the SDK's shape. */
export type MessageAttributes = Record<string, MessageAttributeValue>;

/**
 * True for the attributes that describe a dead-lettering (`failure-*`, `failed-at`, `source-message-id`): a
 * message put back on the event queue does not carry them.
 */
export function isFailureAttribute(name: string): boolean {
  return (
    name.startsWith('failure-') ||
    name === MESSAGE_ATTRIBUTES.failedAt ||
    name === MESSAGE_ATTRIBUTES.sourceMessageId
  );
}

/**
 * The attributes of a message crm-sync sends on (to the DLQ, back to the event queue): all of `set`, then as
 * many of the message's `carried` attributes as SQS's 10 allow (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html;
 * the emulator does not check it) — crm-sync's own names first (`replay-count`), then the producer's in name
 * order. A name in `set` replaces the carried value. `dropped` names the carried attributes that did not fit,
 * for the caller to report; without this, a message that already carries 10 could never be sent on, and
 * would stay in the DLQ forever.
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

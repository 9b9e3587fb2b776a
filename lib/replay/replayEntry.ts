import { createHash } from 'node:crypto';
import type { Message, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { type MessageAttributes, withAttributes } from '../queue/messageAttributes.ts';
import { isFailureAttribute, REPLAY_COUNT_ATTRIBUTE, replayCountOf } from './attributes.ts';

/** Message group used when a message bound for a FIFO queue has none (it came from a standard DLQ). */
export const FALLBACK_GROUP_ID = 'crm-sync';

/**
 * The `SendMessageBatch` entry that puts a DLQ message back on the event queue: the same body, the same
 * message attributes minus the failure ones (`failure-*`, `failed-at`, `source-message-id`), plus
 * `replay-count` incremented — within SQS's 10 attributes: a message that already carries 10 (it reached the
 * DLQ through the redrive policy) leaves out the producer's attribute last in name order, and stays
 * replayable. For a FIFO queue: the message's own group (its customer's order is kept) and a
 * new deduplication id `<original>-r<count>`, so SQS does not drop it as a duplicate of the first delivery.
 *
 * @example
 * replayEntry(message, '0', true);
 * // { Id: '0', MessageBody, MessageAttributes: { 'replay-count': { DataType: 'Number', StringValue: '1' } },
 * //   MessageGroupId: '42-1', MessageDeduplicationId: '<original>-r1' }
 */
export function replayEntry(message: Message, id: string, fifo: boolean): SendMessageBatchRequestEntry {
  const count = replayCountOf(message) + 1;
  const carried: MessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (isFailureAttribute(name)) continue;
    carried[name] = {
      DataType: value.DataType,
      ...(value.StringValue !== undefined && { StringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && { BinaryValue: value.BinaryValue }),
    };
  }
  const { attributes } = withAttributes(carried, {
    [REPLAY_COUNT_ATTRIBUTE]: { DataType: 'Number', StringValue: String(count) },
  });
  const entry: SendMessageBatchRequestEntry = {
    Id: id,
    MessageBody: message.Body ?? '',
    MessageAttributes: attributes,
  };
  if (fifo) {
    entry.MessageGroupId = message.Attributes?.MessageGroupId ?? FALLBACK_GROUP_ID;
    entry.MessageDeduplicationId = replayDeduplicationId(
      message.Attributes?.MessageDeduplicationId ?? message.MessageId ?? '',
      count,
    );
  }
  return entry;
}

/** `<original>-r<count>` when it fits SQS's 128 printable ASCII characters, else the original's SHA-256. */
export function replayDeduplicationId(original: string, count: number): string {
  const suffix = `-r${count}`;
  const base =
    original !== '' && /^[!-~]+$/.test(original) && original.length + suffix.length <= 128
      ? original
      : createHash('sha256').update(original).digest('hex');
  return `${base}${suffix}`;
}

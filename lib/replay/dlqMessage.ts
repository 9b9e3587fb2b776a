import type { Message, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { FAILURE_ATTRIBUTES } from '../queue/deadLetter.ts';
import {
  isFailureAttribute,
  type MessageAttributes,
  REPLAY_COUNT_ATTRIBUTE,
  withAttributes,
} from '../queue/messageAttributes.ts';
import { unwrap } from '../events/parseEventBody.ts';
import type { DlqMessage, ReplayFilter } from './types.ts';
import { createHash } from 'node:crypto';

export { isFailureAttribute, REPLAY_COUNT_ATTRIBUTE } from '../queue/messageAttributes.ts';

/** `failure-reason` shown (and filtered on) for a message the redrive policy moved: it has no attribute. */
export const REDRIVEN_REASON = 'redriven';

/** A string message attribute's value, if present. */
export function stringAttribute(message: Message, name: string): string | undefined {
  return message.MessageAttributes?.[name]?.StringValue;
}

/** The `replay-count` of a message (0 when absent or not a number). */
export function replayCountOf(message: Message): number {
  const count = Number(stringAttribute(message, REPLAY_COUNT_ATTRIBUTE));
  return Number.isInteger(count) && count > 0 ? count : 0;
}

/**
 * Reads what an operator needs about a DLQ message: event type and id, customer, failure reason, age and
 * receive count. Lenient on purpose: a body that is not a valid event (the reason it was dead-lettered)
 * still gets a row. Needs the message received with all system and message attributes.
 *
 * @example
 * const row = describeMessage(message); // { messageId, eventType: 'crm.customer.updated', customerId: '1', reason: 'vat-conflict', ... }
 */
export function describeMessage(message: Message, now: number = Date.now()): DlqMessage {
  const event = eventOf(message.Body ?? '');
  const data = isObject(event?.data) ? event.data : undefined;
  const attributes = message.Attributes ?? {};
  const groupId = attributes.MessageGroupId;
  const sent = Number(attributes.SentTimestamp);
  const described: DlqMessage = {
    messageId: message.MessageId ?? '',
    reason: stringAttribute(message, FAILURE_ATTRIBUTES.reason) ?? REDRIVEN_REASON,
    ageMs: Number.isFinite(sent) ? Math.max(0, now - sent) : 0,
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 0) || 0,
    replayCount: replayCountOf(message),
  };
  const customerId = scalar(data?.customerId) ?? groupId?.match(/^\d+-(\d+)$/)?.[1];
  const optional: Partial<DlqMessage> = {
    eventType: scalar(event?.type),
    eventId: scalar(event?.id),
    customerId,
    detail: stringAttribute(message, FAILURE_ATTRIBUTES.detail),
    groupId,
    sourceMessageId: stringAttribute(message, FAILURE_ATTRIBUTES.sourceMessageId),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(described, { [key]: value });
  }
  return described;
}

function eventOf(body: string): Record<string, unknown> | undefined {
  try {
    const { event } = unwrap(JSON.parse(body) as unknown);
    return isObject(event) ? event : undefined;
  } catch {
    return undefined; // not JSON (or a broken envelope): a row with the attributes only
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

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
    (filter.reason === undefined || message.reason === filter.reason) &&
    (filter.eventId === undefined || message.eventId === filter.eventId)
  );
}

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

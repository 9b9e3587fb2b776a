import type { Message } from '@aws-sdk/client-sqs';
import { unwrap } from '../events/parseEventBody.ts';
import { FAILURE_ATTRIBUTES } from '../queue/deadLetter.ts';
import { REDRIVEN_REASON, replayCountOf, stringAttribute } from './attributes.ts';
import type { DlqMessage } from './types.ts';

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

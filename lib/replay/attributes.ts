import type { Message } from '@aws-sdk/client-sqs';
import { FAILURE_ATTRIBUTES } from '../queue/deadLetter.ts';
import { MESSAGE_ATTRIBUTES } from '../queue/messageAttributes.ts';

/** Message attribute counting how often an event was replayed from the DLQ (a `Number`). */
export const REPLAY_COUNT_ATTRIBUTE = MESSAGE_ATTRIBUTES.replayCount;

/** `failure-reason` shown (and filtered on) for a message the redrive policy moved: it has no attribute. */
export const REDRIVEN_REASON = 'redriven';

/**
 * True for the attributes the sync adds when it dead-letters (CONTRACT.md §5): `failure-*`, `failed-at`,
 * `source-message-id`. They describe the last failure, not the event, so a replayed message does not carry them.
 */
export function isFailureAttribute(name: string): boolean {
  return name.startsWith('failure-') || Object.values<string>(FAILURE_ATTRIBUTES).includes(name);
}

/** A string message attribute's value, if present. */
export function stringAttribute(message: Message, name: string): string | undefined {
  return message.MessageAttributes?.[name]?.StringValue;
}

/** The `replay-count` of a message (0 when absent or not a number). */
export function replayCountOf(message: Message): number {
  const count = Number(stringAttribute(message, REPLAY_COUNT_ATTRIBUTE));
  return Number.isInteger(count) && count > 0 ? count : 0;
}

import type { Message } from '@aws-sdk/client-sqs';
import { REPLAY_COUNT_ATTRIBUTE } from '../queue/messageAttributes.ts';

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

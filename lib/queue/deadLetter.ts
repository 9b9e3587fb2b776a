import { createHash } from 'node:crypto';
import {
  type MessageAttributeValue,
  SendMessageCommand,
  type SendMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { CrmSyncError } from '../errors.ts';
import { redactText } from '../observability/redact.ts';
import {
  isFailureAttribute,
  MAX_MESSAGE_ATTRIBUTES,
  MESSAGE_ATTRIBUTES,
  recordAttributes,
  REQUEUE_ATTRIBUTES,
  withAttributes,
} from './messageAttributes.ts';

/** Message attributes a dead-lettered message carries (docs/events.md#failures); all names in `messageAttributes.ts`. */
export const FAILURE_ATTRIBUTES = {
  reason: MESSAGE_ATTRIBUTES.failureReason,
  detail: MESSAGE_ATTRIBUTES.failureDetail,
  failedAt: MESSAGE_ATTRIBUTES.failedAt,
  sourceMessageId: MESSAGE_ATTRIBUTES.sourceMessageId,
} as const;

/** failure-detail is for humans; long vendor messages are cut. */
const MAX_DETAIL_LENGTH = 1_000;

/** Why a message is dead-lettered. */
export interface DeadLetterFailure {
  /** Short kebab-case code (`invalid-event`, `vat-conflict`, ...). */
  reason: string;
  /** Human-readable; redacted again here, so personal data that slipped in is masked. */
  detail: string;
  /** @default now */
  failedAt?: Date;
}

/**
 * Sending to the DLQ failed: the record must stay on the source queue (batch item failure), so it is
 * retried and, at worst, reaches the DLQ through the redrive policy. Transient: reason `dlq-unavailable`.
 */
export class DeadLetterSendError extends CrmSyncError {
  constructor(cause: unknown) {
    super(`dead-letter send failed (${cause instanceof Error ? cause.name : 'unknown error'})`, {
      transient: true,
      reason: 'dlq-unavailable',
      cause,
    });
    this.name = 'DeadLetterSendError';
  }
}

/**
 * The `SendMessage` request that dead-letters `record`: the original body, `failure-reason`, `failure-detail`,
 * `failed-at` and `source-message-id`, and the original message attributes (minus any earlier `failure-*`)
 * that fit in SQS's 10 ({@link withAttributes}: `replay-count` first; `failure-detail` names any left out).
 * For a FIFO DLQ: the original message group and a deduplication id derived from the
 * SQS message id — a redelivery of the same message is deduplicated, while a replayed message (new message
 * id) that fails again is not silently dropped inside SQS's 5-minute deduplication window.
 *
 * @example
 * const input = deadLetterMessage('https://sqs.../crm-sync-dlq', record, { reason: 'vat-conflict', detail: '...' });
 */
export function deadLetterMessage(
  dlqUrl: string,
  record: SQSRecord,
  failure: DeadLetterFailure,
): SendMessageCommandInput {
  // Not carried: an earlier failure's attributes, and a deferral's (they describe a path, not the event).
  const carried = recordAttributes(
    record,
    (name) => isFailureAttribute(name) || REQUEUE_ATTRIBUTES.has(name),
  );
  const { attributes, dropped } = withAttributes(carried, {
    [FAILURE_ATTRIBUTES.reason]: text(failure.reason),
    [FAILURE_ATTRIBUTES.detail]: text(detailOf(failure.detail)),
    [FAILURE_ATTRIBUTES.failedAt]: text((failure.failedAt ?? new Date()).toISOString()),
    [FAILURE_ATTRIBUTES.sourceMessageId]: text(record.messageId),
  });
  if (dropped.length > 0) {
    const note = `message attributes not kept (SQS allows ${MAX_MESSAGE_ATTRIBUTES}): ${dropped.join(', ')}`;
    attributes[FAILURE_ATTRIBUTES.detail] = text(detailOf(`${note}. ${failure.detail}`));
  }
  const input: SendMessageCommandInput = {
    QueueUrl: dlqUrl,
    MessageBody: record.body,
    MessageAttributes: attributes,
  };
  if (dlqUrl.endsWith('.fifo')) {
    input.MessageGroupId = record.attributes.MessageGroupId ?? 'crm-sync';
    input.MessageDeduplicationId = deduplicationId(record.messageId);
  }
  return input;
}

/**
 * Dead-letters `record` (see {@link deadLetterMessage}); throws {@link DeadLetterSendError} if SQS refuses.
 *
 * @example
 * await sendToDeadLetter(sqs, config.dlqUrl, record, { reason: error.reason, detail: error.message });
 */
export async function sendToDeadLetter(
  sqs: SQSClient,
  dlqUrl: string,
  record: SQSRecord,
  failure: DeadLetterFailure,
): Promise<void> {
  try {
    await sqs.send(new SendMessageCommand(deadLetterMessage(dlqUrl, record, failure)));
  } catch (error) {
    throw new DeadLetterSendError(error);
  }
}

function text(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

function detailOf(detail: string): string {
  const clean = redactText(detail).trim();
  if (clean === '') return '(no detail)';
  return clean.length > MAX_DETAIL_LENGTH ? `${clean.slice(0, MAX_DETAIL_LENGTH - 1)}…` : clean;
}

// Deduplication ids allow 128 characters of [A-Za-z0-9!-/:-@[-`{-~]; message ids are UUIDs, but hash anything odd.
function deduplicationId(messageId: string): string {
  const safe = /^[\x21-\x7e]{1,124}$/.test(messageId)
    ? messageId
    : createHash('sha256').update(messageId).digest('hex');
  return `${safe}-dlq`;
}

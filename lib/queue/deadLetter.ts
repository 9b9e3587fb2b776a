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

/** Message attributes a dead-lettered message carries (docs/events.md#failures). */
export const FAILURE_ATTRIBUTES = {
  reason: 'failure-reason',
  detail: 'failure-detail',
  failedAt: 'failed-at',
  sourceMessageId: 'source-message-id',
} as const;

/** SQS allows 10 message attributes: 4 are ours, the original message keeps at most this many. */
const MAX_ORIGINAL_ATTRIBUTES = 6;
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
 * The `SendMessage` request that dead-letters `record`: the original body, the original message attributes
 * (minus any earlier `failure-*`), plus `failure-reason`, `failure-detail`, `failed-at` and
 * `source-message-id`. For a FIFO DLQ: the original message group and a deduplication id derived from the
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
  const attributes: Record<string, MessageAttributeValue> = {
    ...originalAttributes(record),
    [FAILURE_ATTRIBUTES.reason]: text(failure.reason),
    [FAILURE_ATTRIBUTES.detail]: text(detailOf(failure.detail)),
    [FAILURE_ATTRIBUTES.failedAt]: text((failure.failedAt ?? new Date()).toISOString()),
    [FAILURE_ATTRIBUTES.sourceMessageId]: text(record.messageId),
  };
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

// Lambda's record shape → the SDK's; binary values arrive base64-encoded.
function originalAttributes(record: SQSRecord): Record<string, MessageAttributeValue> {
  const ours = new Set<string>(Object.values(FAILURE_ATTRIBUTES));
  const out: Record<string, MessageAttributeValue> = {};
  const names = Object.keys(record.messageAttributes ?? {})
    .filter((name) => !ours.has(name))
    .sort()
    .slice(0, MAX_ORIGINAL_ATTRIBUTES);
  for (const name of names) {
    const value = record.messageAttributes[name]!;
    if (value.stringValue !== undefined) {
      out[name] = { DataType: value.dataType, StringValue: value.stringValue };
    } else if (value.binaryValue !== undefined) {
      out[name] = { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue, 'base64') };
    }
  }
  return out;
}

// Deduplication ids allow 128 characters of [A-Za-z0-9!-/:-@[-`{-~]; message ids are UUIDs, but hash anything odd.
function deduplicationId(messageId: string): string {
  const safe = /^[\x21-\x7e]{1,124}$/.test(messageId)
    ? messageId
    : createHash('sha256').update(messageId).digest('hex');
  return `${safe}-dlq`;
}

import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import {
  MESSAGE_ATTRIBUTES,
  recordAttributes,
  REQUEUE_ATTRIBUTES,
  requeueCountOf,
  withAttributes,
} from './messageAttributes.ts';
import { sqsModule, type SqsSender } from './lazySqs.ts';

/** SQS's longest per-message delay. */
export const MAX_DELAY_SECONDS = 900;
const BATCH = 10;

/** A received record to put back on its queue, after `delaySeconds`. */
export interface RequeueEntry {
  record: SQSRecord;
  delaySeconds: number;
}

/**
 * The `SendMessageBatch` entry that puts `record` back on its (standard) queue as a new message: the same body
 * and message attributes, `requeue-count` incremented, `requeued-from` its message id, `DelaySeconds` (0–900).
 * `undefined` when the attributes would exceed SQS's 10 (`withAttributes`; the record is then retried the
 * ordinary way).
 *
 * @example
 * requeueEntry(record, '0', 8); // { Id: '0', MessageBody, DelaySeconds: 8, MessageAttributes: { 'requeue-count': ... } }
 */
export function requeueEntry(
  record: SQSRecord,
  id: string,
  delaySeconds: number,
): SendMessageBatchRequestEntry | undefined {
  const carried = recordAttributes(record, (name) => REQUEUE_ATTRIBUTES.has(name));
  const { attributes, dropped } = withAttributes(carried, {
    [MESSAGE_ATTRIBUTES.requeueCount]: {
      DataType: 'Number',
      StringValue: String(requeueCountOf(record) + 1),
    },
    [MESSAGE_ATTRIBUTES.requeuedFrom]: { DataType: 'String', StringValue: record.messageId },
  });
  // A wait never drops one of the producer's attributes: such a record is retried the ordinary way instead.
  if (dropped.length > 0) return undefined;
  return {
    Id: id,
    MessageBody: record.body,
    MessageAttributes: attributes,
    DelaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.round(delaySeconds))),
  };
}

/**
 * Sends deferred records back to `queueUrl` as new messages (`SendMessageBatch`, 10 per request, requests in
 * parallel) and returns the message ids of those that are NOT on the queue again (SQS refused them, the
 * request failed, or they carry too many attributes): the caller leaves those on the queue the ordinary way
 * (a batch item failure), so nothing is lost. Only for standard queues: a FIFO queue has no per-message delay,
 * and a new message would go behind the rest of its group.
 *
 * A deferral is not a failed attempt: acknowledging the original after the send does not use up a receive of
 * the queue's redrive policy, and the CloudEvent id (the deduplication key) is unchanged.
 *
 * @example
 * const notRequeued = await requeueRecords(sqs, queueUrl, [{ record, delaySeconds: 8 }]);
 * if (notRequeued.has(record.messageId)) batchItemFailures.push({ itemIdentifier: record.messageId });
 */
export async function requeueRecords(
  sqs: SqsSender,
  queueUrl: string,
  entries: readonly RequeueEntry[],
): Promise<Set<string>> {
  const failed = new Set<string>();
  const requests: Array<Promise<void>> = [];
  let SendMessageBatchCommand: Awaited<ReturnType<typeof sqsModule>>['SendMessageBatchCommand'];
  try {
    ({ SendMessageBatchCommand } = await sqsModule());
  } catch {
    // The client cannot even load: nothing is sent, every record stays a batch item failure.
    return new Set(entries.map((entry) => entry.record.messageId));
  }
  for (let start = 0; start < entries.length; start += BATCH) {
    const chunk = entries.slice(start, start + BATCH);
    const batch: SendMessageBatchRequestEntry[] = [];
    chunk.forEach(({ record, delaySeconds }, n) => {
      const entry = requeueEntry(record, String(n), delaySeconds);
      if (entry === undefined) failed.add(record.messageId);
      else batch.push(entry);
    });
    if (batch.length === 0) continue;
    requests.push(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch })).then(
        ({ Failed = [] }) => {
          for (const refused of Failed) failed.add(chunk[Number(refused.Id)]!.record.messageId);
        },
        () => {
          for (const entry of batch) failed.add(chunk[Number(entry.Id)]!.record.messageId);
        },
      ),
    );
  }
  await Promise.all(requests);
  return failed;
}

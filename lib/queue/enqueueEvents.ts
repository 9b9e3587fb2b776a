import { createHash } from 'node:crypto';
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { CrmSyncError } from '../errors.ts';

/** One event to put on the queue. */
export interface OutgoingEvent {
  /** The CloudEvent id: FIFO deduplication id, and the sync's deduplication key. */
  id: string;
  tenantId: number;
  customerId: number;
  /** The message body (the CloudEvent as JSON). */
  body: string;
}

export interface EnqueueOptions {
  /** Extra `SendMessageBatch` rounds for entries SQS reported as failed. @default 1 */
  retries?: number;
  /** Cancels the sends (e.g. near the function's timeout). */
  abortSignal?: AbortSignal;
}

/**
 * Not every event could be put on the queue (the queue is unreachable, or entries kept failing).
 * Transient: the webhook answers 503 so the sender retries; events already sent are deduplicated downstream.
 */
export class EnqueueError extends CrmSyncError {
  /** Ids of the events that are not on the queue. */
  readonly failedIds: readonly string[];

  constructor(failedIds: readonly string[], detail: string, cause?: unknown) {
    super(`${failedIds.length} event(s) not enqueued: ${detail}`, {
      transient: true,
      reason: 'enqueue-failed',
      cause,
    });
    this.name = 'EnqueueError';
    this.failedIds = failedIds;
  }
}

/** SendMessageBatch takes at most 10 entries. */
const MAX_BATCH_ENTRIES = 10;
/** Keep each request under SQS's 256 KiB payload limit (some regions and emulators still enforce it). */
const MAX_BATCH_BYTES = 256 * 1024;

/** True for a FIFO queue URL (`…/name.fifo`). */
export function isFifoQueueUrl(queueUrl: string): boolean {
  return queueUrl.endsWith('.fifo');
}

/**
 * A FIFO deduplication id for an event id: the id itself when SQS accepts it (≤ 128 printable ASCII
 * characters), else its SHA-256 in hex — deterministic, so a redelivery is still deduplicated.
 */
export function deduplicationId(eventId: string): string {
  return /^[!-~]{1,128}$/.test(eventId) ? eventId : createHash('sha256').update(eventId).digest('hex');
}

/** The batch entry for one event; on FIFO queues one message group per customer keeps its events in order. */
export function batchEntry(event: OutgoingEvent, index: number, fifo: boolean): SendMessageBatchRequestEntry {
  return {
    Id: String(index),
    MessageBody: event.body,
    ...(fifo && {
      MessageGroupId: `${event.tenantId}-${event.customerId}`,
      MessageDeduplicationId: deduplicationId(event.id),
    }),
  };
}

/** Splits entries into SendMessageBatch requests of ≤ 10 entries and ≤ 256 KiB. */
export function chunkEntries(
  entries: readonly SendMessageBatchRequestEntry[],
): SendMessageBatchRequestEntry[][] {
  const chunks: SendMessageBatchRequestEntry[][] = [];
  let current: SendMessageBatchRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.MessageBody ?? '');
    if (current.length > 0 && (current.length === MAX_BATCH_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Puts events on the queue with `SendMessageBatch` (FIFO queues: group `<tenant>-<customer>`, deduplication
 * id = event id) and resolves only when every one is on it. Entries SQS reports as failed are sent again
 * (`retries` rounds); anything still missing, or a request that throws, rejects with {@link EnqueueError}.
 *
 * @example
 * await enqueueEvents(sqs, process.env.QUEUE_URL!, [{ id, tenantId: 42, customerId: 1, body }]);
 */
export async function enqueueEvents(
  sqs: SQSClient,
  queueUrl: string,
  events: readonly OutgoingEvent[],
  options: EnqueueOptions = {},
): Promise<void> {
  const fifo = isFifoQueueUrl(queueUrl);
  let pending = events.map((event, index) => batchEntry(event, index, fifo));
  const idOf = (entry: SendMessageBatchRequestEntry) => events[Number(entry.Id)]!.id;
  let lastDetail = '';
  for (let round = 0; round <= (options.retries ?? 1) && pending.length > 0; round += 1) {
    const failed: SendMessageBatchRequestEntry[] = [];
    for (const chunk of chunkEntries(pending)) {
      let result;
      try {
        result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk }), {
          abortSignal: options.abortSignal,
        });
      } catch (error) {
        // The SDK has already retried the request: the queue is out of reach for now.
        const unsent = [...failed, ...pending.slice(pending.indexOf(chunk[0]!))];
        throw new EnqueueError(unsent.map(idOf), `SendMessageBatch failed (${errorName(error)})`, error);
      }
      const failedIds = new Set((result.Failed ?? []).map((f) => f.Id));
      failed.push(...chunk.filter((entry) => failedIds.has(entry.Id)));
      const codes = (result.Failed ?? []).map((f) => f.Code ?? 'unknown');
      if (codes.length > 0) lastDetail = `entries failed (${[...new Set(codes)].join(', ')})`;
    }
    pending = failed;
  }
  if (pending.length > 0) throw new EnqueueError(pending.map(idOf), lastDetail);
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}

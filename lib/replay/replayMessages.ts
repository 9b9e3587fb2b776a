import {
  DeleteMessageBatchCommand,
  type Message,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { chunkEntries, isFifoQueueUrl } from '../queue/enqueueEvents.ts';
import { describeMessage } from './dlqMessage.ts';
import { ReplayOptionsError } from './errors.ts';
import { matchesFilter } from './dlqMessage.ts';
import { replayEntry } from './dlqMessage.ts';
import { scanDlq, type ScanDlqOptions } from './inspectDlq.ts';
import { TokenBucket } from '../queue/TokenBucket.ts';
import type { DlqMessage, ReplayFailure, ReplayFilter, ReplaySummary, StopReason } from './types.ts';

/** Options of a replay run (docs/events.md#replay). */
export interface ReplayOptions
  extends ReplayFilter, Pick<ScanDlqOptions, 'waitTimeSeconds' | 'idleReceives'> {
  sqs: SQSClient;
  /** The dead-letter queue URL. */
  from: string;
  /** The event queue URL (a `.fifo` URL is a FIFO queue). */
  to: string;
  /** Replay at most this many messages. @default unlimited */
  max?: number;
  /** Messages per second at most (token bucket). @default unlimited */
  rate?: number;
  /** Leave the DLQ intact (send without deleting). @default false */
  copy?: boolean;
  /** List what would be replayed; nothing moves. @default false */
  dryRun?: boolean;
  /** `SendMessageBatch` requests in a row that sent nothing, after which the run stops (e.g. the event queue is gone). @default 3 */
  maxConsecutiveFailures?: number;
  /** Visibility of received DLQ messages during the run; raised to cover a slow `rate`. @default 120 */
  visibilityTimeoutSeconds?: number;
  /** Polled before each send: true ends the run cleanly (the Lambda's remaining time). */
  shouldStop?: () => boolean;
  /** Called for every message looked at, with what happened to it. */
  onProgress?: (progress: ReplayProgress) => void;
  now?: () => number;
}

/**
 * One message's outcome, for progress bars and logs; each is counted in one field of the summary:
 * `replayed` → `replayed`, `matched` (dry run) → `matched`, `skipped` → `skippedByFilter`,
 * `failed-again` → `skippedFailedAgain`, `failed` → `failed`.
 */
export interface ReplayProgress {
  outcome: 'replayed' | 'matched' | 'skipped' | 'failed-again' | 'failed';
  message: DlqMessage;
}

/**
 * Moves (or with `copy`, copies) dead-lettered messages back to the event queue: scans the DLQ once
 * ({@link scanDlq}), selects messages by customer / type / reason up to `max`, sends them with
 * `SendMessageBatch` at most `rate` per second (body and attributes kept, `failure-*` dropped,
 * `replay-count` added; FIFO group kept, new deduplication id) and deletes from the DLQ only what SQS
 * confirmed sent. A message whose send fails stays in the DLQ (made visible again) and is reported; a message
 * this run sent that is dead-lettered again during the run is not replayed a second time. Never throws for a
 * single message: the summary says what happened.
 *
 * @example
 * const summary = await replayMessages({ sqs, from: dlqUrl, to: queueUrl, reason: 'vat-conflict', rate: 10 });
 * if (summary.failed > 0) process.exitCode = 1;
 */
export async function replayMessages(options: ReplayOptions): Promise<ReplaySummary> {
  validate(options);
  const { sqs, from, to } = options;
  const now = options.now ?? Date.now;
  const dryRun = options.dryRun ?? false;
  const copy = options.copy ?? false;
  const fifo = isFifoQueueUrl(to);
  const bucket = options.rate === undefined ? undefined : new TokenBucket(options.rate);
  // Batches of 10 at a low rate: ask for fewer at a time so the rate stays smooth.
  const chunkSize = options.rate === undefined ? 10 : Math.max(1, Math.min(10, Math.floor(options.rate)));
  const maxFailures = options.maxConsecutiveFailures ?? 3;
  const summary: ReplaySummary = {
    from,
    to,
    dryRun,
    copy,
    scanned: 0,
    matched: 0,
    replayed: 0,
    skippedByFilter: 0,
    skippedFailedAgain: 0,
    failed: 0,
    failures: [],
    stoppedBy: 'drained',
    ...(dryRun && { messages: [] }),
  };
  const sentIds = new Set<string>(); // message ids this run created on the event queue
  let consecutiveFailures = 0;
  const stop = (reason: StopReason) => {
    summary.stoppedBy = reason;
    return { stop: true };
  };
  const maxReached = () => options.max !== undefined && summary.matched >= options.max;
  const report = (outcome: ReplayProgress['outcome'], message: DlqMessage) =>
    options.onProgress?.({ outcome, message });

  await scanDlq(
    { ...options, queueUrl: from, visibilityTimeoutSeconds: visibilityFor(options) },
    async (messages) => {
      // Received but not looked at: released at the end of the scan, untouched.
      if (options.shouldStop?.()) return stop('deadline');
      const selected: Array<{ message: Message; row: DlqMessage }> = [];
      for (const message of messages) {
        const row = describeMessage(message, now());
        summary.scanned += 1;
        if (sentIds.has(row.messageId) || (row.sourceMessageId && sentIds.has(row.sourceMessageId))) {
          summary.skippedFailedAgain += 1;
          report('failed-again', row);
        } else if (!matchesFilter(row, options)) {
          summary.skippedByFilter += 1;
          report('skipped', row);
        } else if (maxReached()) {
          break; // this one and the rest of the batch are left in the DLQ, made visible again at the end
        } else {
          summary.matched += 1;
          selected.push({ message, row });
        }
      }
      if (dryRun) {
        for (const { row } of selected) {
          summary.messages!.push(row);
          report('matched', row);
        }
        return maxReached() ? stop('max') : {};
      }
      const removed: string[] = [];
      const entries = selected.map(({ message }, i) => replayEntry(message, String(i), fifo));
      for (const chunk of chunksOf(entries, chunkSize)) {
        if (options.shouldStop?.()) return { removed, ...stop('deadline') };
        await bucket?.take(chunk.length);
        const byEntry = (entry: SendMessageBatchRequestEntry) => selected[Number(entry.Id)]!;
        const { sent, failed } = await sendChunk(sqs, to, chunk);
        for (const { entry, error } of failed) {
          const { row } = byEntry(entry);
          summary.failed += 1;
          summary.failures.push({ messageId: row.messageId, stage: 'send', error });
          report('failed', row);
        }
        consecutiveFailures = sent.length > 0 ? 0 : consecutiveFailures + 1;
        for (const { messageId } of sent) sentIds.add(messageId);
        const deleteFailures = copy
          ? []
          : await deleteSent(
              sqs,
              from,
              sent.map((s) => byEntry(s.entry).message),
            );
        for (const { entry } of sent) {
          const { row } = byEntry(entry);
          const deleteFailure = deleteFailures.find((f) => f.messageId === row.messageId);
          if (deleteFailure) {
            summary.failed += 1;
            summary.failures.push(deleteFailure);
            report('failed', row);
            continue;
          }
          summary.replayed += 1;
          if (!copy) removed.push(row.messageId);
          report('replayed', row);
        }
        if (consecutiveFailures >= maxFailures) return { removed, ...stop('failures') };
      }
      return maxReached() ? { removed, ...stop('max') } : { removed };
    },
  );
  return summary;
}

// At most `size` entries per request (a low rate sends small batches), each within SQS's batch limits.
function chunksOf(entries: SendMessageBatchRequestEntry[], size: number): SendMessageBatchRequestEntry[][] {
  const chunks: SendMessageBatchRequestEntry[][] = [];
  for (let i = 0; i < entries.length; i += size) chunks.push(...chunkEntries(entries.slice(i, i + size)));
  return chunks;
}

interface ChunkResult {
  sent: Array<{ entry: SendMessageBatchRequestEntry; messageId: string }>;
  failed: Array<{ entry: SendMessageBatchRequestEntry; error: string }>;
}

async function sendChunk(
  sqs: SQSClient,
  queueUrl: string,
  chunk: SendMessageBatchRequestEntry[],
): Promise<ChunkResult> {
  try {
    const response = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk }));
    const byId = new Map(chunk.map((entry) => [entry.Id, entry]));
    return {
      sent: (response.Successful ?? []).map((s) => ({
        entry: byId.get(s.Id)!,
        messageId: s.MessageId ?? '',
      })),
      failed: (response.Failed ?? []).map((f) => ({ entry: byId.get(f.Id)!, error: f.Code ?? 'SendFailed' })),
    };
  } catch (error) {
    return { sent: [], failed: chunk.map((entry) => ({ entry, error: errorName(error) })) };
  }
}

async function deleteSent(sqs: SQSClient, queueUrl: string, messages: Message[]): Promise<ReplayFailure[]> {
  if (messages.length === 0) return [];
  const entries = messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! }));
  try {
    const response = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    return (response.Failed ?? []).map((f) => ({
      messageId: messages[Number(f.Id)]!.MessageId!,
      stage: 'delete' as const,
      error: f.Code ?? 'DeleteFailed',
    }));
  } catch (error) {
    return messages.map((m) => ({
      messageId: m.MessageId!,
      stage: 'delete' as const,
      error: errorName(error),
    }));
  }
}

// The error's name (SDK errors: the SQS error code), never its message: it could quote a request.
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'UnknownError';
}

// A batch waits for the bucket while its messages are hidden: keep them hidden for at least that long.
function visibilityFor(options: ReplayOptions): number {
  const base = options.visibilityTimeoutSeconds ?? 120;
  return options.rate === undefined ? base : Math.max(base, Math.ceil(20 / options.rate) + 30);
}

function validate(options: ReplayOptions): void {
  if (!options.from) throw new ReplayOptionsError('the DLQ URL (from) is required');
  if (!options.dryRun && !options.to) throw new ReplayOptionsError('the event queue URL (to) is required');
  if (options.max !== undefined && !(Number.isInteger(options.max) && options.max > 0))
    throw new ReplayOptionsError('max must be a positive integer');
  if (options.rate !== undefined && !(Number.isFinite(options.rate) && options.rate > 0))
    throw new ReplayOptionsError('rate must be a positive number (messages per second)');
  if (options.from === options.to) throw new ReplayOptionsError('from and to are the same queue');
}

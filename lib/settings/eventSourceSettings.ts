import { InfraConfigError } from './errors.ts';

/** How the customer-sync function polls the queue (the SQS event source mapping). */
export interface EventSourceSettings {
  /** Records per invocation. @default 25 (standard), 10 (FIFO, its maximum) */
  batchSize: number;
  /** Seconds the poller may wait to fill a batch. @default 2 (standard), 0 (FIFO: not supported) */
  maxBatchingWindowSeconds: number;
  /**
   * Concurrent invocations at most, i.e. the ceiling on parallel calls into Invisible Collector
   * (× the function's SYNC_CONCURRENCY). AWS requires 2–1000. @default 5
   */
  maxConcurrency: number;
}

/** Largest batch accepted for a standard queue (AWS allows 10 000; beyond 100 a batch no longer fits a timeout). */
export const MAX_STANDARD_BATCH_SIZE = 100;
/** AWS's limit for FIFO queues. */
export const MAX_FIFO_BATCH_SIZE = 10;

/**
 * Applies the defaults for the queue type and checks the combination against the event source's rules:
 * FIFO queues take batches of at most 10 and no batching window; standard queues need a window of at
 * least 1 s for batches above 10; `maxConcurrency` is 2–1000.
 *
 * @throws {InfraConfigError} naming the setting and its allowed range
 * @example
 * resolveEventSourceSettings({ fifo: false });                 // { batchSize: 25, maxBatchingWindowSeconds: 2, maxConcurrency: 5 }
 * resolveEventSourceSettings({ fifo: true, maxConcurrency: 2 }); // { batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 2 }
 */
export function resolveEventSourceSettings(
  input: { fifo: boolean } & Partial<EventSourceSettings>,
): EventSourceSettings {
  const batchSize = input.batchSize ?? (input.fifo ? MAX_FIFO_BATCH_SIZE : 25);
  const maxBatchingWindowSeconds = input.maxBatchingWindowSeconds ?? (input.fifo ? 0 : 2);
  const maxConcurrency = input.maxConcurrency ?? 5;
  const maxBatch = input.fifo ? MAX_FIFO_BATCH_SIZE : MAX_STANDARD_BATCH_SIZE;

  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > maxBatch) {
    throw new InfraConfigError(
      'batchSize',
      `must be an integer 1–${maxBatch} for a ${queueKind(input.fifo)} queue`,
    );
  }
  if (
    !Number.isInteger(maxBatchingWindowSeconds) ||
    maxBatchingWindowSeconds < 0 ||
    maxBatchingWindowSeconds > 300
  ) {
    throw new InfraConfigError('maxBatchingWindowSeconds', 'must be an integer 0–300');
  }
  if (input.fifo && maxBatchingWindowSeconds > 0) {
    throw new InfraConfigError(
      'maxBatchingWindowSeconds',
      'must be 0 for a FIFO queue (AWS does not support it)',
    );
  }
  if (batchSize > 10 && maxBatchingWindowSeconds < 1) {
    throw new InfraConfigError(
      'maxBatchingWindowSeconds',
      'must be ≥ 1 when batchSize is above 10 (AWS rule)',
    );
  }
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 2 || maxConcurrency > 1000) {
    throw new InfraConfigError('maxConcurrency', 'must be an integer 2–1000');
  }
  return { batchSize, maxBatchingWindowSeconds, maxConcurrency };
}

function queueKind(fifo: boolean): string {
  return fifo ? 'FIFO' : 'standard';
}

import { InfraConfigError } from './errors.ts';

/**
 * The main queue's visibility timeout, derived from the consumer's timeout and batching window as AWS
 * advises for Lambda event sources: at least six times the function timeout, and never shorter than the
 * timeout plus the batching window (records wait in the poller for up to the window before the invocation
 * starts, while already invisible).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-queueconfig
 *
 * @param functionTimeoutSeconds the consumer function's timeout
 * @param batchingWindowSeconds the event source's maximum batching window (0 when none)
 * @returns the visibility timeout in seconds (SQS allows at most 43 200 s, 12 hours)
 * @example
 * queueVisibilityTimeout(60, 2); // 360
 */
export function queueVisibilityTimeout(functionTimeoutSeconds: number, batchingWindowSeconds = 0): number {
  if (!Number.isFinite(functionTimeoutSeconds) || functionTimeoutSeconds <= 0) {
    throw new InfraConfigError(
      'syncTimeoutSeconds',
      `must be a positive number of seconds, got ${functionTimeoutSeconds}`,
    );
  }
  if (!Number.isFinite(batchingWindowSeconds) || batchingWindowSeconds < 0) {
    throw new InfraConfigError(
      'maxBatchingWindowSeconds',
      `must be ≥ 0 seconds, got ${batchingWindowSeconds}`,
    );
  }
  const seconds = Math.ceil(
    Math.max(6 * functionTimeoutSeconds, functionTimeoutSeconds + batchingWindowSeconds),
  );
  if (seconds > MAX_VISIBILITY_TIMEOUT_SECONDS) {
    throw new InfraConfigError(
      'syncTimeoutSeconds',
      `visibility timeout ${seconds} s (from a ${functionTimeoutSeconds} s function timeout) exceeds SQS's ` +
        `${MAX_VISIBILITY_TIMEOUT_SECONDS} s maximum: lower the function timeout`,
    );
  }
  return seconds;
}

/** SQS's upper bound for a visibility timeout (12 hours). */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

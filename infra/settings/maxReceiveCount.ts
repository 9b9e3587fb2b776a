import { InfraConfigError } from '../errors.ts';
import { DEFAULT_RETRY_BACKOFF, retryDelaySeconds, type RetryBackoff } from './retryBackoff.ts';

/** Fewest receives allowed before a message is dead-lettered, whatever the horizon. */
export const MIN_RECEIVE_COUNT = 5;
/** SQS's upper bound for a redrive policy's `maxReceiveCount`. */
export const MAX_RECEIVE_COUNT = 1000;

/**
 * The redrive policy's `maxReceiveCount`, derived from how long a transiently failing record should keep
 * being retried (the retry horizon) and the sync's backoff schedule: the smallest number of receives whose
 * waits between them add up to at least the horizon, and never fewer than {@link MIN_RECEIVE_COUNT}.
 * A message that has been received that many times and failed again moves to the DLQ (CONTRACT.md §5).
 *
 * @param retryHorizonSeconds how long an outage of Invisible Collector or CRO may last before records are
 *   dead-lettered (they can be replayed from the DLQ afterwards)
 * @example
 * maxReceiveCount(7_200); // 13 — the 12 waits 30+60+120+240+480+900×7 = 7 230 s ≥ 7 200 s
 * maxReceiveCount(60);    // 5 (the minimum)
 */
export function maxReceiveCount(
  retryHorizonSeconds: number,
  backoff: RetryBackoff = DEFAULT_RETRY_BACKOFF,
): number {
  if (!Number.isFinite(retryHorizonSeconds) || retryHorizonSeconds < 0) {
    throw new InfraConfigError('retryHorizonMinutes', `must be ≥ 0 seconds, got ${retryHorizonSeconds}`);
  }
  let receives = 1;
  let waited = 0;
  while (waited < retryHorizonSeconds) {
    waited += retryDelaySeconds(receives, backoff);
    receives += 1;
    if (receives > MAX_RECEIVE_COUNT) {
      throw new InfraConfigError(
        'retryHorizonMinutes',
        `a retry horizon of ${retryHorizonSeconds} s needs more than SQS's ${MAX_RECEIVE_COUNT} receives`,
      );
    }
  }
  return Math.max(receives, MIN_RECEIVE_COUNT);
}

import { CUSTOMER_SYNC_DEFAULTS } from '../config/customerSync.ts';
import { visibilityBackoffSeconds } from '../queue/visibility.ts';
import { InfraConfigError } from './errors.ts';

/** Fewest receives allowed before a message is dead-lettered, whatever the horizon. */
export const MIN_RECEIVE_COUNT = 5;
/** SQS's upper bound for a redrive policy's `maxReceiveCount`. */
export const MAX_RECEIVE_COUNT = 1000;

/**
 * The shortest wait customer-sync puts between a transient failure on the `receiveCount`-th receive and the
 * next receive: its visibility backoff (`CUSTOMER_SYNC_DEFAULTS.retryBackoff`, `min(30 × 2^(n−1), 900)` s with
 * equal jitter) with the jitter at its minimum, i.e. half of that. Deferred records (customer busy, a write
 * settling, no time left) are sent again as new messages and use up no receive.
 *
 * @example
 * shortestRetryDelaySeconds(1); // 15
 * shortestRetryDelaySeconds(9); // 450
 */
export function shortestRetryDelaySeconds(receiveCount: number): number {
  return visibilityBackoffSeconds(receiveCount, { ...CUSTOMER_SYNC_DEFAULTS.retryBackoff, random: () => 0 });
}

/**
 * The redrive policy's `maxReceiveCount`, derived from how long a transiently failing record must keep being
 * retried (the retry horizon) and customer-sync's backoff: the smallest number of receives whose waits
 * between them add up to at least the horizon even when the jitter is shortest, and never fewer than
 * {@link MIN_RECEIVE_COUNT}. A message received that many times that fails again moves to the DLQ.
 *
 * @param retryHorizonSeconds how long an outage of Invisible Collector or CRO may last before records are
 *   dead-lettered (they can be replayed from the DLQ afterwards)
 * @param delaySeconds wait after the n-th receive (1-based) @default shortestRetryDelaySeconds
 * @example
 * maxReceiveCount(7_200); // 21: waits 15+30+60+120+240+450×15 = 7 215 s ≥ 7 200 s
 * maxReceiveCount(60);    // 5 (the minimum)
 */
export function maxReceiveCount(
  retryHorizonSeconds: number,
  delaySeconds: (receiveCount: number) => number = shortestRetryDelaySeconds,
): number {
  if (!Number.isFinite(retryHorizonSeconds) || retryHorizonSeconds < 0) {
    throw new InfraConfigError('retryHorizonMinutes', `must be ≥ 0 seconds, got ${retryHorizonSeconds}`);
  }
  let receives = 1;
  let waited = 0;
  while (waited < retryHorizonSeconds) {
    waited += delaySeconds(receives);
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

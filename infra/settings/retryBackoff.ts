import { InfraConfigError } from '../errors.ts';

/**
 * The delay customer-sync puts on a record that failed transiently (it changes the message's visibility
 * from its `ApproximateReceiveCount`): exponential from {@link RetryBackoff.baseSeconds}, capped at
 * {@link RetryBackoff.capSeconds}. The stack derives the queue's `maxReceiveCount` from it, so both must
 * describe the same schedule (the sync design: `min(30 × 2^(n−1), 900)` s, jitter aside).
 */
export interface RetryBackoff {
  /** Delay after the first failed receive. @default 30 */
  baseSeconds: number;
  /** Longest delay between two receives. @default 900 */
  capSeconds: number;
}

/** The sync's backoff schedule (see the README `failures` section). */
export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { baseSeconds: 30, capSeconds: 900 };

/**
 * Seconds a record waits after its `receiveCount`-th failed receive (1-based), without jitter.
 *
 * @example
 * retryDelaySeconds(1); // 30
 * retryDelaySeconds(3); // 120
 * retryDelaySeconds(9); // 900 (capped)
 */
export function retryDelaySeconds(
  receiveCount: number,
  backoff: RetryBackoff = DEFAULT_RETRY_BACKOFF,
): number {
  if (!Number.isInteger(receiveCount) || receiveCount < 1) {
    throw new InfraConfigError('receiveCount', `must be an integer ≥ 1, got ${receiveCount}`);
  }
  // 2^(n-1) overflows to Infinity for huge n, which the cap absorbs.
  return Math.min(backoff.baseSeconds * 2 ** (receiveCount - 1), backoff.capSeconds);
}

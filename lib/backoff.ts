/** The shape of an exponential backoff: the first ceiling and the largest one, in the caller's unit. */
export interface BackoffShape {
  /** Ceiling of the first wait. */
  base: number;
  /** Largest ceiling. */
  cap: number;
}

/**
 * The one backoff formula of crm-sync — the HTTP clients' retries inside a call (ms), the visibility backoff of
 * a failed record (s) and the delay of a deferred one (s) all use it: ceiling `min(cap, base × 2^(attempt−1))`,
 * "equal jitter" (uniformly between half the ceiling and all of it, so retries that failed together spread out
 * while each still waits at least half the ceiling), never below `min`.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 *
 * @param attempt 1-based: the wait after the first failure is attempt 1
 * @param random a `Math.random`-like source in [0, 1)
 * @param min a floor, e.g. a 429's `Retry-After` (same unit) @default 0
 * @example
 * backoff(1, { base: 30, cap: 900 }, Math.random); // 15..30
 * backoff(4, { base: 100, cap: 2_000 }, () => 0); // 400
 */
export function backoff(attempt: number, shape: BackoffShape, random: () => number, min = 0): number {
  const n = Math.max(1, Math.floor(attempt) || 1);
  const ceiling = Math.min(shape.cap, shape.base * 2 ** Math.min(n - 1, 40));
  return Math.max(min, ceiling / 2 + random() * (ceiling / 2));
}

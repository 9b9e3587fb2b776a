import { ApiError } from './errors.ts';

/** Statuses never retried: the same request would get the same answer (401 is refreshed once by the client, not retried here). */
export const NO_RETRY_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 409, 422]);

/**
 * Whether attempt number `attempt` (1-based) that failed with `error` should be followed by another.
 * Only our transient `ApiError`s are retried, never a status on the no-retry list, never past `maxAttempts`.
 *
 * @example
 * shouldRetry(new ApiServerError(ctx), 1, 3); // true
 * shouldRetry(new ApiValidationError(ctx), 1, 3); // false
 */
export function shouldRetry(error: unknown, attempt: number, maxAttempts: number): boolean {
  if (attempt >= maxAttempts) return false;
  if (!(error instanceof ApiError)) return false;
  if (error.status !== undefined && NO_RETRY_STATUSES.has(error.status)) return false;
  return error.transient;
}

export interface BackoffOptions {
  /** First backoff ceiling. @default 100 */
  baseMs?: number;
  /** Largest backoff ceiling. @default 2000 */
  capMs?: number;
  /** @default Math.random */
  random?: () => number;
  /** The server's `Retry-After`, in ms: waited at least that long. */
  retryAfterMs?: number;
  /** Time left before the caller's deadline: the wait never exceeds it. */
  remainingMs?: number;
}

/**
 * Wait before attempt `attempt + 1`: "full jitter" (uniform in `[0, min(cap, base·2^(attempt-1)))`,
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), at least `Retry-After`,
 * never beyond the deadline.
 *
 * @example
 * backoffMs(1, { random: () => 0.5 }); // 50
 * backoffMs(3, { retryAfterMs: 1000 }); // ≥ 1000
 */
export function backoffMs(attempt: number, options: BackoffOptions = {}): number {
  const baseMs = options.baseMs ?? 100;
  const capMs = options.capMs ?? 2_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const jitter = Math.floor(random() * ceiling);
  const wait = Math.max(jitter, options.retryAfterMs ?? 0);
  return options.remainingMs === undefined ? wait : Math.max(0, Math.min(wait, options.remainingMs));
}

/**
 * `Retry-After` (delta seconds or an HTTP date, RFC 9110 §10.2.3) in ms from `now`;
 * `undefined` when absent or unreadable, 0 for a date in the past.
 *
 * @example
 * parseRetryAfter('2', Date.now()); // 2000
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

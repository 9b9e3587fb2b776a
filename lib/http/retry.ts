import { backoff } from '../backoff.ts';
import { ApiAuthError, ApiError } from './errors.ts';

/**
 * Whether attempt number `attempt` (1-based) that failed with `error` should be followed by another.
 * Only transient `ApiError`s are retried (each class says whether it is: 400/403/404/409/422 are permanent),
 * never a 401 (the client refreshes the token once instead; a 401 after that is transient for the record,
 * retried later, not hammered now), never past `maxAttempts`.
 *
 * @example
 * shouldRetry(new ApiServerError(ctx), 1, 3); // true
 * shouldRetry(new ApiValidationError(ctx), 1, 3); // false
 */
export function shouldRetry(error: unknown, attempt: number, maxAttempts: number): boolean {
  if (attempt >= maxAttempts) return false;
  if (!(error instanceof ApiError) || error instanceof ApiAuthError) return false;
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
 * Wait before attempt `attempt + 1`: crm-sync's one backoff formula (`lib/backoff.ts`: ceiling
 * `min(cap, base·2^(attempt-1))`, equal jitter), at least `Retry-After`, never beyond the deadline.
 *
 * @example
 * backoffMs(1, { random: () => 0.5 }); // 75
 * backoffMs(3, { retryAfterMs: 1000 }); // ≥ 1000
 */
export function backoffMs(attempt: number, options: BackoffOptions = {}): number {
  const shape = { base: options.baseMs ?? 100, cap: options.capMs ?? 2_000 };
  const wait = Math.floor(backoff(attempt, shape, options.random ?? Math.random, options.retryAfterMs));
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

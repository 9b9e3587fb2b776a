import { describe, expect, it } from '@jest/globals';
import {
  ApiAuthError,
  type ApiErrorContext,
  ApiNetworkError,
  ApiRateLimitedError,
  ApiServerError,
  ApiTimeoutError,
  backoffMs,
  fromResponse,
  parseRetryAfter,
  shouldRetry,
} from '../../../../lib/http/index.ts';
import { CrmSyncError } from '../../../../lib/errors.ts';

const ctx: ApiErrorContext = { api: 'invisible-collector', method: 'GET', path: '/customers/x' };
const errorFor = (status: number) => fromResponse({ ...ctx, status, bodyText: '' });

describe('shouldRetry', () => {
  it.each([500, 502, 503, 504, 429, 408])('retries a %i while attempts remain', (status) => {
    expect(shouldRetry(errorFor(status), 1, 3)).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 422])('never retries a %i', (status) => {
    expect(shouldRetry(errorFor(status), 1, 3)).toBe(false);
  });

  it('never retries a 401, which is transient for the record (the client refreshes the token once instead)', () => {
    const unauthorised = new ApiAuthError({ ...ctx, status: 401 }, { tokenRefreshed: true });

    expect(unauthorised.transient).toBe(true);
    expect(shouldRetry(unauthorised, 1, 3)).toBe(false);
  });

  it('retries network errors and timeouts', () => {
    expect(shouldRetry(new ApiNetworkError(ctx), 1, 3)).toBe(true);
    expect(shouldRetry(new ApiTimeoutError(ctx), 2, 3)).toBe(true);
  });

  it('stops at maxAttempts', () => {
    expect(shouldRetry(new ApiServerError({ ...ctx, status: 500 }), 3, 3)).toBe(false);
  });

  it('does not retry errors that are not API errors', () => {
    expect(shouldRetry(new Error('bug'), 1, 3)).toBe(false);
    expect(shouldRetry(new CrmSyncError('x', { transient: true, reason: 'x' }), 1, 3)).toBe(false);
  });
});

describe('backoffMs', () => {
  // The formula itself is lib/backoff.ts's (test/unit/lib/backoff.test.ts): here, how the client uses it.
  it('grows exponentially up to the cap, between half the ceiling and all of it', () => {
    const top = () => 0.999_999;

    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, { baseMs: 100, capMs: 1_000, random: top }))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffMs(4, { baseMs: 100, random: () => 0 })).toBe(400);
  });

  it('waits at least Retry-After', () => {
    expect(backoffMs(1, { retryAfterMs: 1_500, random: () => 0.5 })).toBe(1_500);
  });

  it('never waits past the remaining time before the deadline', () => {
    expect(backoffMs(1, { retryAfterMs: 5_000, remainingMs: 300 })).toBe(300);
    expect(backoffMs(1, { retryAfterMs: 5_000, remainingMs: -10 })).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');

  it('reads delta seconds, including fractions', () => {
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter(' 0.25 ', now)).toBe(250);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:03 GMT', now)).toBe(3_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });

  it('is what a 429 carries as retryAfterMs', () => {
    const error = fromResponse({ ...ctx, status: 429, headers: { 'Retry-After': '3' }, bodyText: '' });

    expect(error).toBeInstanceOf(ApiRateLimitedError);
    expect(error.retryAfterMs).toBe(3_000);
  });
});

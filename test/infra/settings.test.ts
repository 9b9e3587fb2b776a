import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { InfraConfigError } from '../../infra/errors.ts';
import { resolveEventSourceSettings } from '../../lib/settings/eventSourceSettings.ts';
import {
  MIN_RECEIVE_COUNT,
  maxReceiveCount,
  shortestRetryDelaySeconds,
} from '../../lib/settings/maxReceiveCount.ts';
import { queueVisibilityTimeout } from '../../lib/settings/queueVisibilityTimeout.ts';
import { visibilityBackoffSeconds } from '../../lib/queue/visibility.ts';

describe('queueVisibilityTimeout', () => {
  it('is six times the function timeout when the batching window is shorter than five timeouts', () => {
    expect(queueVisibilityTimeout(60, 2)).toBe(360);
  });

  it('covers the timeout plus a batching window longer than five timeouts', () => {
    expect(queueVisibilityTimeout(10, 120)).toBe(130);
  });

  it('is at least six timeouts and at least timeout + window, for any valid input', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 900 }), fc.integer({ min: 0, max: 300 }), (timeout, window) => {
        const visibility = queueVisibilityTimeout(timeout, window);
        expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
        expect(visibility).toBeGreaterThanOrEqual(timeout + window);
      }),
    );
  });

  it('refuses a timeout whose six-fold exceeds SQS’s 12-hour maximum, naming the setting', () => {
    expect(() => queueVisibilityTimeout(7201)).toThrow(InfraConfigError);
    expect(() => queueVisibilityTimeout(7201)).toThrow(/syncTimeoutSeconds/);
  });

  it('refuses a non-positive timeout and a negative window', () => {
    expect(() => queueVisibilityTimeout(0)).toThrow(/syncTimeoutSeconds/);
    expect(() => queueVisibilityTimeout(30, -1)).toThrow(/maxBatchingWindowSeconds/);
  });
});

describe('shortestRetryDelaySeconds', () => {
  it('is half of customer-sync’s backoff ceiling, which doubles from 30 s up to 900 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => shortestRetryDelaySeconds(n))).toEqual([
      15, 30, 60, 120, 240, 450, 450, 450,
    ]);
  });

  it('never exceeds the delay customer-sync actually applies, whatever the jitter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (n, r) => {
          expect(shortestRetryDelaySeconds(n)).toBeLessThanOrEqual(
            visibilityBackoffSeconds(n, { baseSeconds: 30, capSeconds: 900, random: () => r }),
          );
        },
      ),
    );
  });
});

describe('maxReceiveCount', () => {
  it('allows enough receives for the shortest waits between them to span a 2-hour horizon', () => {
    expect(maxReceiveCount(7_200)).toBe(21);
  });

  it('follows a given delay schedule', () => {
    expect(maxReceiveCount(100, () => 10)).toBe(11);
  });

  it('never goes below the minimum of 5 receives', () => {
    expect(maxReceiveCount(0)).toBe(MIN_RECEIVE_COUNT);
    expect(maxReceiveCount(60)).toBe(MIN_RECEIVE_COUNT);
  });

  it('is the smallest count whose waits reach the horizon (or the minimum)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 24 * 3600 }), (horizon) => {
        const count = maxReceiveCount(horizon);
        const waits = (receives: number) =>
          Array.from({ length: receives - 1 }, (_, i) => shortestRetryDelaySeconds(i + 1)).reduce(
            (a, b) => a + b,
            0,
          );
        expect(count).toBeGreaterThanOrEqual(MIN_RECEIVE_COUNT);
        expect(waits(count)).toBeGreaterThanOrEqual(horizon);
        if (count > MIN_RECEIVE_COUNT) expect(waits(count - 1)).toBeLessThan(horizon);
      }),
    );
  });

  it('refuses a horizon that would need more receives than SQS allows', () => {
    expect(() => maxReceiveCount(1_000 * 450)).toThrow(/retryHorizonMinutes/);
  });
});

describe('resolveEventSourceSettings', () => {
  it('defaults standard queues to batches of 25 with a 2 s window and 5 concurrent invocations', () => {
    expect(resolveEventSourceSettings({ fifo: false })).toEqual({
      batchSize: 25,
      maxBatchingWindowSeconds: 2,
      maxConcurrency: 5,
    });
  });

  it('defaults FIFO queues to batches of 10 without a window', () => {
    expect(resolveEventSourceSettings({ fifo: true })).toEqual({
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      maxConcurrency: 5,
    });
  });

  it.each([
    [{ fifo: false, batchSize: 101 }, /batchSize: must be an integer 1–100 for a standard queue/],
    [{ fifo: true, batchSize: 11 }, /batchSize: must be an integer 1–10 for a FIFO queue/],
    [{ fifo: true, maxBatchingWindowSeconds: 3 }, /must be 0 for a FIFO queue/],
    [{ fifo: false, batchSize: 50, maxBatchingWindowSeconds: 0 }, /must be ≥ 1 when batchSize is above 10/],
    [{ fifo: false, maxConcurrency: 1 }, /maxConcurrency: must be an integer 2–1000/],
    [{ fifo: false, maxBatchingWindowSeconds: 301 }, /maxBatchingWindowSeconds: must be an integer 0–300/],
  ])('refuses %j', (input, message) => {
    expect(() => resolveEventSourceSettings(input)).toThrow(message);
  });

  it('keeps valid explicit values', () => {
    expect(
      resolveEventSourceSettings({
        fifo: false,
        batchSize: 10,
        maxBatchingWindowSeconds: 0,
        maxConcurrency: 2,
      }),
    ).toEqual({ batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 2 });
  });
});

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { backoff } from '../../../lib/backoff.ts';

describe('backoff', () => {
  it('doubles its ceiling per attempt up to the cap, waiting between half the ceiling and all of it', () => {
    const shape = { base: 30, cap: 900 };

    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoff(n, shape, () => 0))).toEqual([
      15, 30, 60, 120, 240, 450, 450,
    ]);
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoff(n, shape, () => 1))).toEqual([
      30, 60, 120, 240, 480, 900, 900,
    ]);
  });

  it('never waits less than a floor such as Retry-After', () => {
    expect(backoff(1, { base: 100, cap: 2_000 }, () => 0, 1_500)).toBe(1_500);
  });

  it('treats attempts below 1, or not numbers, as the first', () => {
    expect(backoff(0, { base: 10, cap: 60 }, () => 1)).toBe(10);
    expect(backoff(Number.NaN, { base: 10, cap: 60 }, () => 1)).toBe(10);
  });

  it('stays within [ceiling / 2, ceiling] for any attempt and jitter (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, base, cap, r) => {
          const ceiling = Math.min(cap, base * 2 ** Math.min(attempt - 1, 40));
          const wait = backoff(attempt, { base, cap }, () => r);
          return wait >= ceiling / 2 && wait <= ceiling;
        },
      ),
    );
  });
});

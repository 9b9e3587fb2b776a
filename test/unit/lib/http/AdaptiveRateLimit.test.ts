import { describe, expect, it } from '@jest/globals';
import { AdaptiveRateLimit } from '../../../../lib/http/AdaptiveRateLimit.ts';
import type { Clock } from '../../../../lib/queue/TokenBucket.ts';

/** A clock moved by hand. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 1_000_000;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('AdaptiveRateLimit', () => {
  it('paces nothing until the API answers 429', () => {
    const limit = new AdaptiveRateLimit({ clock: manualClock() });
    for (let i = 0; i < 1_000; i += 1) {
      expect(limit.reserve()).toBe(0);
      limit.record(200);
    }
    expect(limit.rate).toBe(Number.POSITIVE_INFINITY);
  });

  it('on a 429, sets the rate below what the API admitted in the last second', () => {
    const clock = manualClock();
    const limit = new AdaptiveRateLimit({ clock, decrease: 0.8 });
    // 50 calls admitted over the last second, then a 429.
    for (let i = 0; i < 50; i += 1) {
      clock.advance(20);
      limit.record(200);
    }
    limit.record(429);
    expect(limit.rate).toBe(40);
  });

  it('counts the 429s of one burst once, and a later 429 again', () => {
    const clock = manualClock();
    const limit = new AdaptiveRateLimit({
      clock,
      decrease: 0.5,
      increase: 0,
      additive: 0,
      cooldownMs: 1_000,
    });
    for (let i = 0; i < 40; i += 1) {
      clock.advance(25);
      limit.record(200);
    }
    limit.record(429);
    limit.record(429);
    limit.record(429);
    expect(limit.rate).toBe(20);
    for (let i = 0; i < 20; i += 1) {
      clock.advance(50);
      limit.record(200);
    }
    limit.record(429);
    expect(limit.rate).toBe(10);
  });

  it('makes calls beyond the rate wait their turn, and ignores calls that got no answer', () => {
    const clock = manualClock();
    const limit = new AdaptiveRateLimit({ clock, decrease: 0.5, increase: 0, additive: 0, minRate: 10 });
    limit.record(429); // nothing admitted yet: the floor, 10/s
    limit.record(0);
    expect(limit.rate).toBe(10);
    const waits = Array.from({ length: 4 }, () => limit.reserve());
    // A burst of a tenth of a second's worth (1 call) passes, then one call per 100 ms.
    expect(waits).toEqual([0, 100, 200, 300]);
  });

  it('raises the rate again with every admitted call', () => {
    const clock = manualClock();
    const limit = new AdaptiveRateLimit({ clock, decrease: 0.5, increase: 0.5, additive: 0, minRate: 10 });
    limit.record(429);
    for (let i = 0; i < 10; i += 1) limit.record(200);
    expect(limit.rate).toBe(15);
    const additive = new AdaptiveRateLimit({ clock, decrease: 0.5, increase: 0, additive: 10, minRate: 10 });
    additive.record(429);
    additive.record(200); // + 10 ÷ 10
    expect(additive.rate).toBe(11);
  });
});

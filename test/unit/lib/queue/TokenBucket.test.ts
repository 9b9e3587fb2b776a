import { describe, expect, it } from '@jest/globals';
import { type Clock, TokenBucket } from '../../../../lib/queue/TokenBucket.ts';

/** A clock that only moves when the bucket sleeps, recording each wait. */
function fakeClock(): Clock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  };
}

describe('TokenBucket', () => {
  it('lets a burst up to its capacity through without waiting', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(5, { clock });
    await bucket.take(5);
    expect(clock.waits).toEqual([]);
  });

  it('makes the caller wait for the tokens it lacks', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(5, { clock });
    await bucket.take(5);
    await bucket.take(10);
    expect(clock.waits).toEqual([2000]);
  });

  it('averages the given rate over many takes', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(4, { clock });
    for (let i = 0; i < 40; i += 1) await bucket.take(1);
    // 4 free tokens, then 36 at 4 per second.
    expect(clock.now()).toBe(9000);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });
});

describe('TokenBucket.reserve and setRate', () => {
  it('reserves tokens into debt and says how long to wait, without sleeping', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, { clock, capacity: 2 });
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([
      0, 0, 100, 200,
    ]);
    expect(clock.waits).toEqual([]);
  });

  it('applies a new rate from now on, keeping at most the new capacity', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, { clock });
    bucket.setRate(2, 1);
    expect([bucket.reserve(), bucket.reserve()]).toEqual([0, 500]);
  });
});

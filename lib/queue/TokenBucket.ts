/** Clock and timer, injectable so the bucket is tested without waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket limiting work to `ratePerSecond` on average, with bursts up to `capacity`.
 * Hand-written (a dozen lines) because the limiters on npm are callback- or Redis-oriented; `take(n)` may
 * exceed the capacity (a batch of 10 at 2/s): the bucket goes into debt and the wait pays it back.
 *
 * @example
 * const bucket = new TokenBucket(5); // 5 messages per second
 * await bucket.take(10); // waits ~1 s (5 tokens start in the bucket)
 */
export class TokenBucket {
  private rate: number;
  private capacity: number;
  private readonly clock: Clock;
  private tokens: number;
  private updatedAt: number;

  constructor(ratePerSecond: number, options: { capacity?: number; clock?: Clock } = {}) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be > 0');
    this.rate = ratePerSecond;
    this.capacity = options.capacity ?? Math.max(1, ratePerSecond);
    this.clock = options.clock ?? realClock;
    this.tokens = this.capacity;
    this.updatedAt = this.clock.now();
  }

  /** Resolves once `n` tokens are taken (at once when the bucket holds them). */
  async take(n = 1): Promise<void> {
    const waitMs = this.reserve(n);
    if (waitMs > 0) await this.clock.sleep(waitMs);
  }

  /**
   * Takes `n` tokens now, into debt if need be, and returns how long the caller must wait before using them
   * (0 when the bucket held them): for a caller that sleeps its own way (e.g. abortable).
   */
  reserve(n = 1): number {
    this.refill();
    this.tokens -= n;
    return this.tokens < 0 ? (-this.tokens / this.rate) * 1000 : 0;
  }

  /** Changes the rate (and the burst capacity, default one second's worth) from now on; the tokens held are kept. */
  setRate(ratePerSecond: number, capacity = Math.max(1, ratePerSecond)): void {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be > 0');
    this.refill();
    this.rate = ratePerSecond;
    this.capacity = capacity;
    this.tokens = Math.min(this.tokens, capacity);
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
  }
}

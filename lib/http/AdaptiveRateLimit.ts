import { type Clock, TokenBucket } from '../queue/TokenBucket.ts';

export interface AdaptiveRateLimitOptions {
  /** The rate is multiplied by this on a 429. @default 0.8 */
  decrease?: number;
  /** Share of the rate gained per second of full use without a 429. @default 0.0125 */
  increase?: number;
  /** Requests per second gained per second of full use without a 429, on top of `increase`. @default 1 */
  additive?: number;
  /** The rate never goes below this, requests per second. @default 1 */
  minRate?: number;
  /** 429s within this long after a decrease belong to the same burst: one decrease. @default 1000 */
  cooldownMs?: number;
  clock?: Clock;
}

const WINDOW_MS = 1_000;

/**
 * A client-side request rate that adapts to an API's 429s (AIMD: multiplicative decrease, slow increase), one
 * per API client, so a container that hits a rate limit slows down instead of retrying into a 429 storm.
 *
 * - No limit until the first 429: the success path pays one array push per call.
 * - A 429 sets the rate to `decrease` × what the API admitted during the last second (or × the current rate,
 *   whichever is lower), once per `cooldownMs` (the concurrent 429s of one burst are one signal).
 * - Each admitted call raises the rate by `increase` + `additive` ÷ rate: at full use (`rate` calls a second)
 *   the rate grows by `additive` plus `increase` of itself per second, until the next 429 — from 80 back to
 *   100 requests/s in about 10 s with the defaults, from a floor of 1 in a few seconds.
 * - Calls wait for their turn in a {@link TokenBucket} (a tenth of a second's burst).
 *
 * Hand-written on the existing `TokenBucket`: cockatiel (the usual resilience library) has bulkheads and
 * circuit breakers with fixed limits, nothing that adapts to 429s; the algorithm is a dozen lines.
 *
 * @example
 * const limit = new AdaptiveRateLimit();
 * const waitMs = limit.reserve(); // 0 until a 429 was seen
 * // ... send, then:
 * limit.record(response.status);
 */
export class AdaptiveRateLimit {
  readonly #decrease: number;
  readonly #increase: number;
  readonly #additive: number;
  readonly #minRate: number;
  readonly #cooldownMs: number;
  readonly #clock: Clock | undefined;
  #bucket: TokenBucket | undefined;
  #rate = Number.POSITIVE_INFINITY;
  #decreasedAt = Number.NEGATIVE_INFINITY;
  /** When calls were admitted (not 429) during the last {@link WINDOW_MS}, oldest first. */
  readonly #admitted: number[] = [];

  constructor(options: AdaptiveRateLimitOptions = {}) {
    this.#decrease = options.decrease ?? 0.8;
    this.#increase = options.increase ?? 0.0125;
    this.#additive = options.additive ?? 1;
    this.#minRate = options.minRate ?? 1;
    this.#cooldownMs = options.cooldownMs ?? 1_000;
    this.#clock = options.clock;
  }

  /** Requests per second allowed now (`Infinity` until a 429). */
  get rate(): number {
    return this.#rate;
  }

  /** Takes a turn: how long to wait before sending (0 while no limit applies). */
  reserve(): number {
    return this.#bucket?.reserve(1) ?? 0;
  }

  /** Learns from an answer's status (0: no answer, which says nothing about the rate). */
  record(status: number): void {
    if (status === 0) return;
    const now = this.#now();
    while (this.#admitted.length > 0 && this.#admitted[0]! <= now - WINDOW_MS) this.#admitted.shift();
    if (status === 429) {
      if (now - this.#decreasedAt < this.#cooldownMs) return;
      this.#decreasedAt = now;
      const admitted = Math.max(this.#minRate, this.#admitted.length);
      this.#setRate(Math.max(this.#minRate, Math.min(this.#rate, admitted) * this.#decrease));
      return;
    }
    this.#admitted.push(now);
    if (Number.isFinite(this.#rate)) this.#setRate(this.#rate + this.#increase + this.#additive / this.#rate);
  }

  #setRate(rate: number): void {
    this.#rate = rate;
    const burst = Math.max(1, rate / 10);
    if (this.#bucket === undefined)
      this.#bucket = new TokenBucket(rate, { capacity: burst, ...(this.#clock && { clock: this.#clock }) });
    else this.#bucket.setRate(rate, burst);
  }

  #now(): number {
    return this.#clock?.now() ?? Date.now();
  }
}

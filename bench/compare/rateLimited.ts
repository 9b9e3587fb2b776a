import type { BenchDriver } from '../support/BenchDriver.ts';
import { customerEvent } from '../support/customerEvent.ts';
import { round } from '../support/stats.ts';
import { setLatencies, type Latencies } from './mixedLoad.ts';

/** What a run against a rate-limited Invisible Collector achieved. */
export interface RateLimitedRun {
  /** IC's limit, requests per second. */
  limitPerSecond: number;
  containers: number;
  seconds: number;
  events: number;
  eventsPerSecond: number;
  icCalls: number;
  /** IC calls per event that IC admitted (2xx and 404), the sync's own cost. */
  icCallsPerEvent: number;
  /** The ceiling: limit ÷ IC calls per event. */
  ceilingEventsPerSecond: number;
  /** eventsPerSecond ÷ ceiling. */
  shareOfCeiling: number;
  /** Share of IC calls answered 429. */
  rateLimitedShare: number;
  /** Records not applied (batch item failures: a 429 beyond the client's retries). */
  failures: number;
}

/**
 * Invisible Collector limited to `limitPerSecond` requests per second (429 with `Retry-After` beyond it), and
 * `drivers.length` containers (module instances of one bundle) each sending batches of 10 changed customers
 * from its own pool, one batch after the other, for `seconds`. The first second is a warm-up (not counted).
 *
 * @example
 * const run = await runRateLimited(drivers, { limitPerSecond: 100, seconds: 15, firstId: 50_000, latencies });
 */
export async function runRateLimited(
  drivers: readonly BenchDriver[],
  options: { limitPerSecond: number; seconds: number; firstId: number; latencies: Latencies },
): Promise<RateLimitedRun> {
  const pools = drivers.map((_, n) => Array.from({ length: 100 }, (_, i) => options.firstId + n * 1_000 + i));
  const remote = drivers[0]!.remote;
  await setLatencies(drivers[0]!, { apiMs: 0, dynamoMs: 0 });
  await Promise.all(drivers.map((driver, n) => driver.register(pools[n]!)));
  await setLatencies(drivers[0]!, options.latencies);
  await remote.setIcRateLimit(options.limitPerSecond);
  let counting = false;
  let events = 0;
  let failures = 0;
  const warmupEnds = Date.now() + 1_000;
  const ends = warmupEnds + options.seconds * 1_000;
  const loop = async (driver: BenchDriver, pool: number[]) => {
    let cursor = 0;
    while (Date.now() < ends) {
      const ids = Array.from({ length: 10 }, () => pool[cursor++ % pool.length]!);
      await driver.change(ids);
      const wasCounting = counting;
      const run = await driver.invoke(ids.map((customerId) => customerEvent({ customerId })));
      if (wasCounting && Date.now() <= ends) {
        events += ids.length - run.failures;
        failures += run.failures;
      }
    }
  };
  const started = Promise.all(drivers.map((driver, n) => loop(driver, pools[n]!)));
  await new Promise((resolve) => setTimeout(resolve, warmupEnds - Date.now()));
  await remote.clearCalls();
  counting = true;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, ends - Date.now())));
  const counts = await remote.counts();
  await started;
  await remote.setIcRateLimit(null);
  const status = counts.icStatus;
  const icCalls = Object.values(status).reduce((a, b) => a + b, 0);
  const limited = status['429'] ?? 0;
  const icCallsPerEvent = events === 0 ? Number.NaN : (icCalls - limited) / events;
  const eventsPerSecond = events / options.seconds;
  const ceiling = options.limitPerSecond / icCallsPerEvent;
  return {
    limitPerSecond: options.limitPerSecond,
    containers: drivers.length,
    seconds: options.seconds,
    events,
    eventsPerSecond: round(eventsPerSecond, 1),
    icCalls,
    icCallsPerEvent: round(icCallsPerEvent, 2),
    ceilingEventsPerSecond: round(ceiling, 1),
    shareOfCeiling: round(eventsPerSecond / ceiling, 2),
    rateLimitedShare: round(limited / Math.max(1, icCalls), 3),
    failures,
  };
}

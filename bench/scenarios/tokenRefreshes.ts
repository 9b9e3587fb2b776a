import { startFleet } from '../oauth/fleet.ts';
import { round } from '../support/stats.ts';

/** The OAuth fleet's token refreshes (see bench/oauth/fleet.ts). */
export interface TokenRefreshFigures {
  workers: number;
  /** The simulator's access token lifetime in this run. */
  tokenSeconds: number;
  seconds: number;
  events: number;
  /** Refreshes the OAuth server granted (the whole fleet). */
  refreshes: number;
  invalidGrants: number;
  /** Refreshes per hour for the fleet, measured at `tokenSeconds`. */
  perHour: number;
  /** Refreshes per refresh cycle (a token is replaced 10–20 % of its life before expiry): 1 is ideal. */
  perCycle: number;
  /** Refreshes per hour for the fleet with one-hour tokens (refreshed 5 minutes early), at `perCycle`. */
  perHourWithHourTokens: number;
}

/** The mean share of an access token's life used before it is replaced (the refresh margin is 10–20 %). */
const USED_SHARE = 0.85;

/**
 * Runs `workers` customer-sync processes sharing one grant for `seconds`, events flowing, with short-lived
 * access tokens and rotating refresh tokens, and counts the refreshes at the OAuth server.
 *
 * @example
 * const figures = await measureTokenRefreshes({ workers: 3, tokenSeconds: 3, seconds: 30 });
 */
export async function measureTokenRefreshes(options: {
  workers: number;
  tokenSeconds: number;
  seconds: number;
}): Promise<TokenRefreshFigures> {
  const fleet = await startFleet({
    accessTokenTtlSeconds: options.tokenSeconds,
    customers: 10,
    worker: { lambdaTimeoutMs: 12_000, timings: { pollMs: 100 } },
  });
  try {
    for (let i = 0; i < options.workers; i += 1) await fleet.startWorker();
    const started = Date.now();
    const events = await fleet.produce(options.seconds * 1000, 3);
    await fleet.drain(20_000);
    const seconds = (Date.now() - started) / 1000;
    const { refreshes, invalidGrants } = fleet.oauth.stats();
    const perCycle = refreshes / (seconds / (options.tokenSeconds * USED_SHARE));
    return {
      workers: options.workers,
      tokenSeconds: options.tokenSeconds,
      seconds: round(seconds, 1),
      events,
      refreshes,
      invalidGrants,
      perHour: Math.round((refreshes * 3600) / seconds),
      perCycle: round(perCycle, 2),
      perHourWithHourTokens: round((perCycle * 3600) / (3600 - 300), 2),
    };
  } finally {
    await fleet.stop();
  }
}

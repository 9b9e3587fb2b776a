// Issue 14's fleet run: three customer-sync processes share one CRO OAuth grant for 60 s while events flow,
// with 3-second access tokens and refresh tokens that rotate on every use (sending a rotated one revokes the
// grant). Real parts: the CRO and Invisible Collector simulators, fauxqs, dynalite (the refresh lease), one
// `file:` credentials secret, and three worker processes running the sync with the handler's wiring.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Fleet, startFleet, type WorkerStats } from '../../../bench/oauth/fleet.ts';
import { requestToken } from '../../../lib/oauth/tokenEndpoint.ts';

const WORKERS = 3;
const TOKEN_SECONDS = 3;
const PRODUCE_MS = 60_000;

describe(`${WORKERS} processes sharing one grant for ${PRODUCE_MS / 1000} s (${TOKEN_SECONDS}-s access tokens, rotating refresh tokens)`, () => {
  let fleet: Fleet;
  let sent: number;
  let drained: boolean;
  let totals: WorkerStats;
  let perWorker: WorkerStats[];
  let elapsedMs: number;

  beforeAll(async () => {
    fleet = await startFleet({
      accessTokenTtlSeconds: TOKEN_SECONDS,
      customers: 20,
      worker: {
        lambdaTimeoutMs: 12_000,
        timings: { pollMs: 100 },
        syncOptions: { backoff: { baseSeconds: 1, capSeconds: 2 }, busyBackoffSeconds: 1 },
      },
    });
    for (let i = 0; i < WORKERS; i += 1) await fleet.startWorker();
    const started = Date.now();
    sent = await fleet.produce(PRODUCE_MS, 3);
    drained = await fleet.drain(20_000);
    elapsedMs = Date.now() - started;
    perWorker = await Promise.all(fleet.workers.map((w) => w.stats()));
    totals = await fleet.totals();
    const { refreshes, invalidGrants } = fleet.oauth.stats();
    process.stderr.write(
      `oauth fleet: ${WORKERS} workers, ${sent} events in ${(elapsedMs / 1000).toFixed(1)} s, ` +
        `${refreshes} refreshes (${perWorker.map((w) => w.refreshes).join(' + ')}), ${invalidGrants} invalid_grant\n`,
    );
  }, 100_000);
  afterAll(async () => {
    await fleet?.stop();
  });

  it('loses no event: the queue drains, nothing is dead-lettered, Invisible Collector ends up to date', async () => {
    expect(drained).toBe(true);
    expect(await fleet.dlqDepth()).toBe(0);
    const handled =
      (totals.counts.Applied ?? 0) +
      Object.entries(totals.counts)
        .filter(([key]) => key.startsWith('Skipped:'))
        .reduce((n, [, count]) => n + count, 0);
    expect(handled).toBeGreaterThanOrEqual(sent);
    expect(Object.keys(totals.counts).filter((key) => key.startsWith('DeadLettered'))).toEqual([]);
    expect(fleet.finalState()).toMatchObject({ stale: 0, missing: 0, duplicateRegistrations: 0 });
  });

  it('never sends a rotated refresh token: no invalid_grant, no revoked grant, no authorization lost', () => {
    expect(fleet.oauth.stats()).toMatchObject({ invalidGrants: 0, reuseRevocations: 0, activeGrants: 1 });
    expect(totals.authorizationLost).toBe(0);
    expect(totals.tokenLines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('refreshes about once per access token lifetime for the whole fleet, not once per process', () => {
    const { refreshes } = fleet.oauth.stats();
    const lifetimes = elapsedMs / (TOKEN_SECONDS * 1000);

    expect(totals.refreshes).toBe(refreshes);
    expect(refreshes).toBeGreaterThanOrEqual(Math.floor(lifetimes * 0.8));
    expect(refreshes).toBeLessThanOrEqual(Math.ceil(lifetimes * 1.6));
  });

  it('shares the work: every process applied events; the secret holds the live refresh token of the grant', async () => {
    for (const worker of perWorker) expect(worker.counts.Applied ?? 0).toBeGreaterThan(0);
    const stored = fleet.storedCredentials();

    const refreshed = await requestToken({ url: fleet.oauth.tokenUrl }, stored, {
      type: 'refresh_token',
      refreshToken: stored.refreshToken,
    });

    expect(refreshed.refreshToken).toBeDefined();
  });
});

// Issue 14's failure runs, on the same fleet as the 60-s test (worker processes, one grant, strict rotation):
// a process killed between the token endpoint's answer and storing it, and a grant revoked while events flow.
// Both end with the grant lost, the records retried (not dead-lettered), the CrmAuthorizationLost count and
// one log line per process naming `npx crm-sync auth`; then `crm-sync auth` re-authorizes and nothing is lost.
import { afterEach, describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { type Fleet, type FleetWorker, startFleet, type WorkerStats } from '../../../bench/oauth/fleet.ts';
import { runCli } from '../../../lib/cli/program.ts';

const CUSTOMERS = 6;
const WORKER = {
  lambdaTimeoutMs: 12_000,
  timings: { leaseMs: 2_000, pollMs: 100, lostRecheckMs: 500, operatorRetryMs: 1_000 },
  syncOptions: { backoff: { baseSeconds: 1, capSeconds: 2 }, busyBackoffSeconds: 1 },
};

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.stop();
  fleet = undefined;
});

/** `npx crm-sync auth --secret-id <the fleet's file: secret>`, with an HTTP client playing the browser. */
async function reauthorize(f: Fleet): Promise<number> {
  const stdout = new PassThrough();
  let out = '';
  const printed = new Promise<string>((resolve) =>
    stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^(http\S+\/oauth\/authorize\S*)$/m.exec(out);
      if (match) resolve(match[1]!);
    }),
  );
  const exit = runCli(
    [
      'auth',
      '--secret-id',
      f.secretId,
      '--authorize-url',
      f.oauth.authorizeUrl,
      '--token-url',
      f.oauth.tokenUrl,
    ],
    { stdout, stderr: new PassThrough(), cwd: process.cwd(), env: {} },
  );
  await fetch(await printed);
  return exit;
}

/** Polls the workers' counts until `ready` holds (bounded). */
async function until(
  f: Fleet,
  ready: (totals: WorkerStats) => boolean,
  timeoutMs = 20_000,
): Promise<WorkerStats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const totals = await f.totals();
    if (ready(totals) || Date.now() > deadline) return totals;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const changeEveryCustomer = async (f: Fleet) => {
  for (let id = 1; id <= CUSTOMERS; id += 1) await f.change(id);
};

const lostLines = (totals: WorkerStats) =>
  totals.tokenLines.filter((l) => l.level === 'error' && l.message.includes('npx crm-sync auth'));

describe('the OAuth fleet when things go wrong', () => {
  it('a process killed between the refresh and storing it: the grant is lost, records wait, re-authorizing recovers with nothing lost', async () => {
    const victim: { worker?: FleetWorker } = {};
    let armed = false;
    fleet = await startFleet({
      accessTokenTtlSeconds: 3,
      customers: CUSTOMERS,
      worker: WORKER,
      // The OAuth server has rotated the refresh token and is about to answer: the requester dies now.
      onTokensIssued: (grant) => {
        if (armed && grant === 'refresh_token') {
          armed = false;
          victim.worker!.kill();
        }
      },
    });
    victim.worker = await fleet.startWorker();
    const sentToken = fleet.storedCredentials().refreshToken;
    armed = true;
    await fleet.change(1);
    await victim.worker.exited;

    expect(fleet.oauth.stats().refreshes).toBe(1);
    expect(fleet.storedCredentials().refreshToken).toBe(sentToken);

    await fleet.startWorker();
    await fleet.startWorker();
    await changeEveryCustomer(fleet);
    const lost = await until(fleet, (t) => t.authorizationLost > 0 && (t.counts.Retried ?? 0) > 0);

    expect(lost.authorizationLost).toBeGreaterThan(0);
    expect(fleet.oauth.stats()).toMatchObject({ reuseRevocations: 1, activeGrants: 0 });
    expect(lostLines(lost).length).toBeGreaterThanOrEqual(1);
    expect(lostLines(lost).length).toBeLessThanOrEqual(2);
    expect(JSON.stringify(lost.tokenLines)).not.toContain(sentToken);
    expect(await fleet.dlqDepth()).toBe(0);

    expect(await reauthorize(fleet)).toBe(0);
    const drained = await fleet.drain(40_000);

    expect(drained).toBe(true);
    expect(await fleet.dlqDepth()).toBe(0);
    expect(fleet.finalState()).toMatchObject({ stale: 0, missing: 0, duplicateRegistrations: 0 });
    expect(fleet.oauth.stats().activeGrants).toBe(1);
  }, 90_000);

  it('a grant revoked while events flow: 401s, invalid_grant, records retried and the metric counted; after `crm-sync auth` everything is applied', async () => {
    fleet = await startFleet({ accessTokenTtlSeconds: 3, customers: CUSTOMERS, worker: WORKER });
    await fleet.startWorker();
    await fleet.startWorker();
    await changeEveryCustomer(fleet);
    expect(await fleet.drain(20_000)).toBe(true);

    expect(fleet.oauth.revokeGrants()).toBe(1);
    await changeEveryCustomer(fleet);
    const lost = await until(fleet, (t) => t.authorizationLost > 0 && (t.counts.Retried ?? 0) > 0);

    expect(lost.authorizationLost).toBeGreaterThan(0);
    expect(lost.counts.Retried).toBeGreaterThan(0);
    expect(fleet.oauth.stats().invalidGrants).toBeGreaterThan(0);
    expect(fleet.cro.calls.some((c) => c.status === 401)).toBe(true);
    expect(lostLines(lost).length).toBeGreaterThanOrEqual(1);
    expect(lostLines(lost).length).toBeLessThanOrEqual(2);
    expect(Object.keys(lost.counts).filter((k) => k.startsWith('DeadLettered'))).toEqual([]);

    expect(await reauthorize(fleet)).toBe(0);
    const drained = await fleet.drain(40_000);

    expect(drained).toBe(true);
    expect(await fleet.dlqDepth()).toBe(0);
    expect(fleet.finalState()).toMatchObject({ stale: 0, missing: 0, duplicateRegistrations: 0 });
  }, 90_000);
});

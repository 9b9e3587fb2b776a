// The in-suite soak (issue 6): the same run as `npm run soak` (bench/soakRun.ts) at ~300 events — fauxqs with
// redrive, three concurrent containers with DynamoDB state (dynalite), both API simulators injecting 10% 5xx,
// 5% 429 and 2% timeouts, 20% duplicate deliveries, shuffled order, a token rotation midway, invalid events
// and events of customers CRO does not serve yet (created before the replay) — then every check of the soak, one per test. The containers run the sync from its sources (the
// handler's own wiring) with 1–2 s visibility backoffs so the run stays well under a minute.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { CountingSyncMetrics } from '../../../lib/sync/CountingSyncMetrics.ts';
import { sourceContainers } from '../../../bench/soak/containers.ts';
import { runSoak, type SoakResult } from '../../../bench/soakRun.ts';

const CHANGES = 300;
const CUSTOMERS = 60;
const INVALID = 4;
const LATE = 3;

describe('the fault-injection soak at 300 events', () => {
  let result: SoakResult;
  const metrics = new CountingSyncMetrics();

  beforeAll(async () => {
    result = await runSoak({
      changes: CHANGES,
      customers: CUSTOMERS,
      invalid: INVALID,
      lateCustomers: LATE,
      containers: 3,
      seed: 7,
      windowSize: 60,
      lambdaTimeoutMs: 10_000,
      visibilityTimeoutSeconds: 15,
      drainTimeoutMs: 40_000,
      containerFactory: sourceContainers(
        { retryBackoff: { baseSeconds: 1, capSeconds: 2 }, busyBackoff: { baseSeconds: 2, capSeconds: 4 } },
        metrics,
      ),
    });
  }, 58_000);

  it('really injected faults and duplicate deliveries', () => {
    const ic = result.api.ic!;
    const cro = result.api.cro!;

    expect(ic.serverErrors + cro.serverErrors).toBeGreaterThan(0);
    expect(ic.rateLimited + cro.rateLimited).toBeGreaterThan(0);
    expect(ic.abandoned + cro.abandoned).toBeGreaterThan(0);
    expect(result.sent.duplicates).toBeGreaterThan(CHANGES * 0.1);
    expect(metrics.counts['Skipped:duplicate'] ?? 0).toBeGreaterThan(0);
    expect(result.retriedRecords).toBeGreaterThan(0);
  });

  it('keeps working after the tokens rotate (old tokens are refused from then on)', () => {
    const refused = result.afterRotation.ic!.unauthorized + result.afterRotation.cro!.unauthorized;
    expect(refused).toBeGreaterThan(0);
    expect(result.afterRotation.ic!.ok).toBeGreaterThan(0);
    expect(result.afterRotation.cro!.ok).toBeGreaterThan(0);
  });

  it('loses nothing: every message is handled or in the DLQ with a reason', () => {
    expect(result.underFaults.queueDrained).toBe(true);
    expect(result.underFaults.dispositions.lost).toBe(0);
    expect(
      result.underFaults.dispositions.handled +
        result.underFaults.dispositions['dead-lettered'] +
        result.underFaults.dispositions.redriven,
    ).toBe(result.sent.messages);
    expect(check('0 lost')).toBe(true);
  });

  it('dead-letters each permanently invalid event on its first attempt with its reason', () => {
    expect(result.permanent).toEqual({
      sent: INVALID,
      firstAttemptOnly: INVALID,
      withExpectedReason: INVALID,
    });
    expect(result.underFaults.deadLetteredByReason).toMatchObject({ 'invalid-event': 3, 'wrong-tenant': 1 });
  });

  it('dead-letters the events of customers CRO does not serve yet (crm-not-found)', () => {
    expect(result.underFaults.deadLetteredByReason['crm-not-found']).toBe(LATE);
  });

  it('handles 100% of the valid events once the faults are fixed and the DLQ is replayed', () => {
    expect(result.replay.failed).toBe(0);
    expect(result.replay.replayed).toBeGreaterThanOrEqual(INVALID + LATE);
    expect(result.replay.queueDrained).toBe(true);
    expect(result.final.validEvents).toBe(CHANGES + LATE);
    expect(result.final.handledEvents).toBe(CHANGES + LATE);
  });

  it('leaves exactly the invalid events in the DLQ', () => {
    expect(result.final.dlqByReason).toEqual({ 'invalid-event': 3, 'wrong-tenant': 1 });
  });

  it('ends with every IC customer equal to its latest CRM state', () => {
    const customers = CUSTOMERS + LATE;
    expect(result.final.state).toMatchObject({ customers, upToDate: customers, stale: 0, missing: 0 });
  });

  it('never registers a customer twice', () => {
    expect(result.final.state.duplicateRegistrations).toBe(0);
    expect(result.final.state.icCustomers).toBe(CUSTOMERS + LATE);
  });

  it('passes every check it prints', () => {
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  });

  function check(prefix: string): boolean | undefined {
    return result.checks.find((c) => c.name.startsWith(prefix))?.ok;
  }
});

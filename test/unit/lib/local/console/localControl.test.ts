import { describe, expect, it } from '@jest/globals';
import { EventLog } from '../../../../../lib/local/console/eventLog.ts';
import {
  createLocalControl,
  NotRunningError,
  ReconcileFailedError,
} from '../../../../../lib/local/console/localControl.ts';
import type { ReconcileSummary } from '../../../../../lib/reconcile/types.ts';
import type { LocalSqs } from '../../../../../lib/local/localSqs.ts';
import { startIcSimulator } from '../../../../../lib/local/simulators/index.ts';

const base = {
  webhookUrl: 'http://127.0.0.1:9/webhook',
  webhookSecret: 'whsec_AAAA',
  tenantId: 42,
  sqs: {} as LocalSqs, // not reached by these calls
  queueUrl: 'http://127.0.0.1:9/000000000000/q',
  dlqUrl: 'http://127.0.0.1:9/000000000000/q-dlq',
};

describe('createLocalControl', () => {
  it('says a simulator is not running when its API URL points elsewhere', () => {
    const control = createLocalControl({ ...base, log: new EventLog() });

    expect(() => control.icCustomers()).toThrow(NotRunningError);
    expect(() => control.croCustomers()).toThrow(/the CRO simulator is not running/);
    expect(() => control.setFaults('ic', { serverErrorRate: 1 })).toThrow(
      /the Invisible Collector simulator is not running/,
    );
  });

  it('revokes the token by refusing every token, restores the same ones, and logs each change', async () => {
    const ic = await startIcSimulator({ tokens: ['t-1', 't-2'] });
    const log = new EventLog();
    const control = createLocalControl({ ...base, ic, log });
    try {
      control.setFaults('ic', { tokenRevoked: true });
      const revoked = ic.acceptedTokens();
      control.setFaults('ic', { latencyMs: 10 });
      control.setFaults('ic', { tokenRevoked: false });

      expect(revoked).toEqual([]);
      expect(ic.acceptedTokens()).toEqual(['t-1', 't-2']);
      expect(log.recent().map((e) => e.text)).toEqual([
        'Invisible Collector faults: 503 0%, 429 0%, latency 0 ms, token revoked',
        'Invisible Collector faults: 503 0%, 429 0%, latency 10 ms, token revoked',
        'Invisible Collector faults: 503 0%, 429 0%, latency 10 ms, token ok',
      ]);
    } finally {
      await ic.stop();
    }
  });

  it('uses the revocation it is given (e.g. revoking an OAuth grant) instead', async () => {
    const ic = await startIcSimulator();
    const calls: string[] = [];
    const control = createLocalControl({
      ...base,
      ic,
      revocation: { ic: { revoke: () => calls.push('revoke'), restore: () => calls.push('restore') } },
      log: new EventLog(),
    });
    try {
      control.setFaults('ic', { tokenRevoked: true });
      control.setFaults('ic', { tokenRevoked: true });
      control.setFaults('ic', { tokenRevoked: false });

      expect(calls).toEqual(['revoke', 'restore']);
      expect(ic.acceptedTokens()).toHaveLength(1);
    } finally {
      await ic.stop();
    }
  });

  it('runs the reconciliation it is given and logs the request and the outcome', async () => {
    const log = new EventLog();
    const summary: ReconcileSummary = {
      tenantId: 42,
      startedAt: '2026-12-01T10:00:00.000Z',
      locations: [{ locationId: 1, status: 'complete', listed: 3, enqueued: 2 }],
      listed: 3,
      enqueued: 2,
      inactiveSkipped: [],
    };
    let runs = 0;
    const control = createLocalControl({
      ...base,
      reconcile: async () => {
        runs += 1;
        return summary;
      },
      log,
    });

    expect(await control.reconcile()).toBe(summary);
    expect(runs).toBe(1);
    expect(log.recent().map((e) => e.text)).toEqual([
      'reconciliation requested',
      'reconciled 1 location(s): listed 3, enqueued 2',
    ]);
  });

  it('turns a failed run into ReconcileFailedError with the function error, and says when none is wired', async () => {
    const log = new EventLog();
    const failing = createLocalControl({
      ...base,
      reconcile: () => Promise.reject(new Error('reconcile failed: ReconcileRunError: location(s) 1')),
      log,
    });

    await expect(failing.reconcile()).rejects.toThrow(ReconcileFailedError);
    expect(log.recent().at(-1)?.text).toBe(
      'reconciliation failed: reconcile failed: ReconcileRunError: location(s) 1',
    );
    await expect(createLocalControl({ ...base, log }).reconcile()).rejects.toThrow(NotRunningError);
  });
});

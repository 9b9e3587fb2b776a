// The soak's two variants for issue 12, small enough for the suite (the figures of the 10,000-event runs are in
// bench/README.md): writes of unknown outcome — a share of IC writes answered 504 and applied 2 s later — and one
// hot customer every container receives while IC is slow. Same machinery as soak.test.ts (fauxqs with redrive,
// dynalite, both simulators with their faults, token rotation, replay), sync from its sources with short backoffs.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { sourceContainers } from '../../../bench/soak/containers.ts';
import { runSoak, type SoakOptions, type SoakResult } from '../../../bench/soakRun.ts';

const common: Omit<SoakOptions, 'changes' | 'customers'> = {
  invalid: 2,
  containers: 3,
  seed: 11,
  windowSize: 50,
  lambdaTimeoutMs: 10_000,
  visibilityTimeoutSeconds: 15,
  drainTimeoutMs: 40_000,
  containerFactory: sourceContainers({
    retryBackoff: { baseSeconds: 1, capSeconds: 2 },
    busyBackoff: { baseSeconds: 2, capSeconds: 4 },
  }),
};

function expectCorrect(result: SoakResult): void {
  expect(result.underFaults.dispositions).toMatchObject({ lost: 0, redriven: 0 });
  expect(result.final.state).toMatchObject({ stale: 0, missing: 0, duplicateRegistrations: 0 });
  expect(result.checks.filter((c) => !c.ok)).toEqual([]);
}

describe('the soak with IC writes applied after IC answered 504', () => {
  let result: SoakResult;
  beforeAll(async () => {
    result = await runSoak({ ...common, changes: 160, customers: 30, lateWriteRate: 0.05 });
  }, 58_000);

  it('really had Invisible Collector apply writes after answering 504', () => {
    expect(result.lateWrites).toBeGreaterThan(0);
  });

  it('ends with every IC customer at its latest CRM state, nothing lost, nothing redriven', () => {
    expectCorrect(result);
  });
});

describe('the soak with one hot customer in every container and a slow IC', () => {
  let result: SoakResult;
  beforeAll(async () => {
    result = await runSoak({ ...common, changes: 160, customers: 20, hotShare: 0.6, icLatencyMs: 100 });
  }, 58_000);

  it('really made the containers contend for the hot customer', () => {
    expect(result.deferredRecords).toBeGreaterThan(0);
  });

  it('ends with every IC customer at its latest CRM state, nothing lost, nothing redriven', () => {
    expectCorrect(result);
  });
});

import { describe, expect, it } from '@jest/globals';
import { MAX_LEASE_MS, TimeBudget } from '../../../../lib/sync/TimeBudget.ts';

const remaining = (ms: number) => ({ getRemainingTimeInMillis: () => ms });

describe('TimeBudget', () => {
  it('allows new work only outside the safety margin', () => {
    expect(new TimeBudget(remaining(5_000), 3_000).canStart()).toBe(true);
    expect(new TimeBudget(remaining(2_999), 3_000).canStart()).toBe(false);
  });

  it('gives the clients a deadline that keeps the margin', () => {
    expect(new TimeBudget(remaining(10_000), 3_000, () => 1_000_000).deadline()).toBe(1_007_000);
  });

  it('leases a customer for the rest of the invocation, capped', () => {
    expect(new TimeBudget(remaining(20_000), 3_000).leaseMs()).toBe(20_000);
    expect(new TimeBudget(remaining(60 * 60_000), 3_000).leaseMs()).toBe(MAX_LEASE_MS);
  });

  it('never leases for less than a second, so a lease taken at the very end still outlives its write', () => {
    expect(new TimeBudget(remaining(200), 3_000).leaseMs()).toBe(1_000);
  });
});

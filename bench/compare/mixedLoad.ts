import type { CustomerEvent } from '../../lib/events/schemas.ts';
import { croCustomer } from '../../lib/local/simulators/croCustomer.ts';
import { seededRandom } from '../../lib/local/simulators/prng.ts';
import type { CallCounts } from '../services/protocol.ts';
import type { BenchDriver, Invocation } from '../support/BenchDriver.ts';
import { customerEvent } from '../support/customerEvent.ts';
import { median, round } from '../support/stats.ts';
import { BenchError } from '../errors.ts';

/** The mixed load of issue 17: changed customers, customers IC does not know arriving as `updated`, duplicates. */
export const MIX = { changed: 140, unknown: 40, duplicates: 20, batchSize: 10 } as const;

/** One run of the mixed load by one handler. */
export interface MixedRun {
  events: number;
  wallMs: number;
  eventsPerSecond: number;
  /** Handler CPU (user + system) per event, ms (the services run in another process). */
  cpuMsPerEvent: number;
  icCallsPerEvent: number;
  croCallsPerEvent: number;
  dynamoCallsPerEvent: number;
  failures: number;
}

/** Latencies of the setup (none) and of the measured part. */
export interface Latencies {
  apiMs: number;
  dynamoMs: number;
}

/**
 * The mixed load on one handler (one container: batches one after the other): `MIX.changed` customers
 * registered beforehand and changed in CRO, `MIX.unknown` customers CRO has and IC does not, each with one
 * `crm.customer.updated` event carrying its VAT number, and `MIX.duplicates` second deliveries of events
 * already delivered in an earlier batch; shuffled (seeded), in batches of `MIX.batchSize`. Customers
 * `firstId…firstId+999` are used; setup (registration, CRO changes) runs at 0 ms and is not measured.
 *
 * @example
 * const run = await runMixedLoad(driver, { firstId: 10_000, seed: 1, latencies: { apiMs: 20, dynamoMs: 5 } });
 */
export async function runMixedLoad(
  driver: BenchDriver,
  options: { firstId: number; seed: number; latencies: Latencies },
): Promise<MixedRun> {
  const changed = range(options.firstId, MIX.changed);
  const unknown = range(options.firstId + 500, MIX.unknown);
  await setLatencies(driver, { apiMs: 0, dynamoMs: 0 });
  await driver.register(changed);
  await driver.remote.seedCro(unknown.map((id) => croCustomer({ id, name: `Customer ${id}` })));
  await driver.change(changed);
  const batches = mixedBatches(changed, unknown, seededRandom(options.seed));
  await setLatencies(driver, options.latencies);
  await driver.remote.clearCalls();
  const runs: Invocation[] = [];
  for (const batch of batches) runs.push(await driver.invoke(batch));
  const counts = await driver.remote.counts();
  const events = batches.reduce((n, b) => n + b.length, 0);
  const wallMs = runs.reduce((n, r) => n + r.wallMs, 0);
  const cpuMs = runs.reduce((n, r) => n + r.cpuMicros, 0) / 1000;
  const per = (value: number) => round(value / events, 2);
  return {
    events,
    wallMs: round(wallMs, 0),
    eventsPerSecond: round((events * 1000) / wallMs, 1),
    cpuMsPerEvent: round(cpuMs / events, 2),
    icCallsPerEvent: per(total(counts.ic)),
    croCallsPerEvent: per(total(counts.cro)),
    dynamoCallsPerEvent: per(total(counts.dynamo)),
    failures: runs.reduce((n, r) => n + r.failures, 0),
  };
}

/** Median wall time of one changed event alone, of 10 changed customers in one batch, and their ratio. */
export interface BatchRatio {
  singleMs: number;
  batchMs: number;
  ratio: number;
}

/**
 * Batch of 10 ÷ one event (medians of wall time): changed customers (registered by {@link runMixedLoad} with the
 * same `firstId`), each event without a snapshot.
 *
 * @example
 * const { ratio } = await runBatchRatio(driver, { firstId: 10_000, singles: 15, batches: 8, latencies });
 */
export async function runBatchRatio(
  driver: BenchDriver,
  options: { firstId: number; singles: number; batches: number; latencies: Latencies },
): Promise<BatchRatio> {
  const pool = range(options.firstId, MIX.changed);
  let cursor = 0;
  const next = (n: number) => Array.from({ length: n }, () => pool[cursor++ % pool.length]!);
  const measure = async (ids: number[]) => {
    await setLatencies(driver, { apiMs: 0, dynamoMs: 0 });
    await driver.change(ids);
    await setLatencies(driver, options.latencies);
    const run = await driver.invoke(ids.map((customerId) => customerEvent({ customerId })));
    if (run.failures > 0) throw new BenchError(`batch-ratio run: ${run.failures} failures`);
    return run.wallMs;
  };
  const singles: number[] = [];
  const batches: number[] = [];
  for (let i = 0; i < Math.max(options.singles, options.batches); i += 1) {
    if (i < options.singles) singles.push(await measure(next(1)));
    if (i < options.batches) batches.push(await measure(next(MIX.batchSize)));
  }
  const singleMs = median(singles);
  const batchMs = median(batches);
  return { singleMs: round(singleMs, 1), batchMs: round(batchMs, 1), ratio: round(batchMs / singleMs, 2) };
}

/**
 * IC calls of a `crm.customer.updated` event for a customer CRO has and IC does not (one event per
 * invocation, `customers` of them).
 *
 * @example
 * const calls = await icCallsOfUnknownUpdate(driver, { firstId: 10_900, customers: 5 });
 */
export async function icCallsOfUnknownUpdate(
  driver: BenchDriver,
  options: { firstId: number; customers: number },
): Promise<{ icCalls: number; detail: Record<string, number> }> {
  const ids = range(options.firstId, options.customers);
  await setLatencies(driver, { apiMs: 0, dynamoMs: 0 });
  await driver.remote.seedCro(ids.map((id) => croCustomer({ id, name: `Customer ${id}` })));
  await driver.remote.clearCalls();
  for (const customerId of ids) {
    const run = await driver.invoke([customerEvent({ customerId })]);
    if (run.failures > 0) throw new BenchError('unknown-customer update failed');
  }
  const { ic } = await driver.remote.counts();
  const detail = Object.fromEntries(
    Object.entries(ic).map(([route, n]) => [route, round(n / options.customers, 2)]),
  );
  return { icCalls: round(total(ic) / options.customers, 2), detail };
}

export async function setLatencies(driver: BenchDriver, latencies: Latencies): Promise<void> {
  await driver.remote.setLatency(latencies.apiMs);
  await driver.remote.setDynamoLatency(latencies.dynamoMs);
}

// Originals shuffled; each duplicate repeats an event of the first half and lands in the second half.
function mixedBatches(changed: number[], unknown: number[], random: () => number): CustomerEvent[][] {
  const originals = shuffle(
    [...changed, ...unknown].map((customerId) => customerEvent({ customerId })),
    random,
  );
  const half = Math.floor(originals.length / 2 / MIX.batchSize) * MIX.batchSize;
  const repeats = shuffle(originals.slice(0, half), random).slice(0, MIX.duplicates);
  const second = shuffle([...originals.slice(half), ...repeats], random);
  const all = [...originals.slice(0, half), ...second];
  const batches: CustomerEvent[][] = [];
  for (let i = 0; i < all.length; i += MIX.batchSize) batches.push(all.slice(i, i + MIX.batchSize));
  return batches;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const range = (first: number, n: number) => Array.from({ length: n }, (_, i) => first + i);
const total = (record: CallCounts[keyof CallCounts]) => Object.values(record).reduce((a, b) => a + b, 0);

import { customerEvent } from '../support/customerEvent.ts';
import type { BenchDriver, Invocation } from '../support/BenchDriver.ts';
import { percentile, round } from '../support/stats.ts';

/** How the records of a batch are spread over customers. */
export type BatchShape = 'distinct' | 'one-customer';

export interface ThroughputRow {
  batchSize: number;
  shape: BatchShape;
  batches: number;
  /** Events handled per second of handler wall time. */
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Batch item failures seen (should be 0: no faults are injected). */
  failures: number;
}

/** Customers used by the throughput runs: the distinct pool and the one hot customer. */
export const THROUGHPUT_POOL = Array.from({ length: 100 }, (_, i) => i + 1);
export const HOT_CUSTOMER = 500;

/**
 * Events/s and per-batch latency for each batch size, with every record on a different customer and
 * with every record on one customer. Each record is a real CRM change (no snapshot in the event, so the
 * sync reads CRO: lease → CRO GET → IC PUT ∥ attributes POST → commit).
 *
 * @example
 * const rows = await measureThroughput(driver, { sizes: [1, 10, 100], batches: { 1: 50, 10: 20, 100: 5 } });
 */
export async function measureThroughput(
  driver: BenchDriver,
  options: { sizes: readonly number[]; batches: Readonly<Record<number, number>> },
): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  let cursor = 0;
  for (const shape of ['distinct', 'one-customer'] as const) {
    for (const batchSize of options.sizes) {
      const runs: Invocation[] = [];
      for (let run = 0; run < (options.batches[batchSize] ?? 5); run += 1) {
        const ids =
          shape === 'distinct'
            ? Array.from({ length: batchSize }, () => THROUGHPUT_POOL[cursor++ % THROUGHPUT_POOL.length]!)
            : Array.from({ length: batchSize }, () => HOT_CUSTOMER);
        await driver.change(ids);
        runs.push(await driver.invoke(ids.map((customerId) => customerEvent({ customerId }))));
      }
      rows.push(toRow(batchSize, shape, runs));
    }
  }
  return rows;
}

function toRow(batchSize: number, shape: BatchShape, runs: Invocation[]): ThroughputRow {
  const walls = runs.map((r) => r.wallMs);
  const totalMs = walls.reduce((a, b) => a + b, 0);
  return {
    batchSize,
    shape,
    batches: runs.length,
    eventsPerSecond: round((batchSize * runs.length * 1000) / totalMs, 1),
    p50Ms: round(percentile(walls, 50), 1),
    p99Ms: round(percentile(walls, 99), 1),
    failures: runs.reduce((n, r) => n + r.failures, 0),
  };
}

/**
 * Batch wall time ÷ one event's chain latency for a batch of `size` distinct customers (medians): 1.0
 * means the customers ran fully in parallel, `size` means one after the other.
 */
export function concurrencyRatio(rows: readonly ThroughputRow[], size = 10): number | undefined {
  const single = rows.find((r) => r.shape === 'distinct' && r.batchSize === 1);
  const batch = rows.find((r) => r.shape === 'distinct' && r.batchSize === size);
  if (!single || !batch || single.p50Ms <= 0) return undefined;
  return round(batch.p50Ms / single.p50Ms, 2);
}

import { customerEvent } from '../support/customerEvent.ts';
import type { BenchDriver } from '../support/BenchDriver.ts';
import { round } from '../support/stats.ts';
import { BenchError } from '../errors.ts';

/** Bytes written per event for one way of receiving events. */
export interface LogVolumeRow {
  case: string;
  /** Records per invocation. */
  batch: number;
  events: number;
  /** Structured log lines (Powertools Logger) per event. */
  logBytes: number;
  /** EMF metric records per event. */
  emfBytes: number;
}

/** Customers of the log runs (apart from the throughput and economy pools). */
const FIRST_ID = 3_001;

/**
 * What the handler writes to CloudWatch Logs per event on the success path — its log lines and its EMF metric
 * records, as bytes (what CloudWatch Logs ingestion is billed on) — at a trickle (one changed customer per
 * invocation) and when busy (batches of 25 distinct changed customers, the default batch size), plus a batch of
 * duplicates. Lambda's own START / END / REPORT lines come on top (not written by the handler).
 *
 * @example
 * const rows = await measureLogVolume(driver, { customers: 50 });
 */
export async function measureLogVolume(
  driver: BenchDriver,
  options: { customers: number },
): Promise<LogVolumeRow[]> {
  const ids = Array.from({ length: options.customers }, (_, i) => FIRST_ID + i);
  await driver.register(ids);
  const rows: LogVolumeRow[] = [];
  const measure = async (kind: string, batch: number, events: ReturnType<typeof customerEvent>[]) => {
    let logBytes = 0;
    let emfBytes = 0;
    for (let i = 0; i < events.length; i += batch) {
      const invocation = await driver.invoke(events.slice(i, i + batch));
      if (invocation.failures > 0) throw new BenchError(`bench: "${kind}" events failed`);
      logBytes += invocation.logBytes;
      emfBytes += invocation.emfBytes;
    }
    rows.push({
      case: kind,
      batch,
      events: events.length,
      logBytes: round(logBytes / events.length, 0),
      emfBytes: round(emfBytes / events.length, 0),
    });
  };

  await driver.change(ids);
  await measure(
    'changed customer, one per invocation (trickle)',
    1,
    ids.map((customerId) => customerEvent({ customerId })),
  );
  await driver.change(ids);
  const changed = ids.map((customerId) => customerEvent({ customerId }));
  await measure('changed customers, batches of 25 (busy)', 25, changed);
  await measure('duplicates, batches of 25', 25, changed);
  return rows;
}

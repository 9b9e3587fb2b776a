import { customerEvent } from '../support/customerEvent.ts';
import type { BenchDriver } from '../support/BenchDriver.ts';
import { round } from '../support/stats.ts';
import { THROUGHPUT_POOL } from './throughput.ts';

export interface CpuRow {
  case: 'changed customer' | 'duplicate event';
  events: number;
  /** Handler CPU (user + system) per event, milliseconds. */
  cpuMsPerEvent: number;
}

/**
 * Handler CPU per event, excluding network waits: `process.cpuUsage()` deltas around each invocation,
 * against simulators answering at once (latency 0). The simulators, dynalite and fauxqs run in the service
 * child process, so none of their CPU is in the figure; setup between invocations is outside it too.
 * What is in it: the handler's own work, the HTTP and DynamoDB clients, structured logs and EMF metrics
 * (formatted, then dropped), and garbage collection.
 *
 * @example
 * const rows = await measureCpu(driver, { batches: 100, warmup: 20 });
 */
export async function measureCpu(
  driver: BenchDriver,
  options: { batches: number; warmup: number },
): Promise<CpuRow[]> {
  await driver.remote.setLatency(0);
  const size = 10;
  let cursor = 0;
  const nextIds = () =>
    Array.from({ length: size }, () => THROUGHPUT_POOL[cursor++ % THROUGHPUT_POOL.length]!);
  let micros = 0;
  let dupMicros = 0;
  for (let run = 0; run < options.warmup + options.batches; run += 1) {
    const ids = nextIds();
    await driver.change(ids);
    const events = ids.map((customerId) => customerEvent({ customerId }));
    const changed = await driver.invoke(events);
    const duplicate = await driver.invoke(events);
    if (run >= options.warmup) {
      micros += changed.cpuMicros;
      dupMicros += duplicate.cpuMicros;
    }
  }
  const events = options.batches * size;
  return [
    { case: 'changed customer', events, cpuMsPerEvent: round(micros / 1000 / events, 3) },
    { case: 'duplicate event', events, cpuMsPerEvent: round(dupMicros / 1000 / events, 3) },
  ];
}

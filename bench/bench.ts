// `npm run bench`: builds, then drives the BUNDLED customer-sync handler in this process with Lambda-shaped
// batches against the API simulators (fixed latency), dynalite state and fauxqs, all in a child process.
// Prints a report and writes bench/results.json (or the JSON to stdout with --json). A report, not a
// test: it never fails the build on a missed goal (exit code 0 unless the bench itself breaks).
//   node bench/bench.ts [--latency 20] [--concurrency 10] [--quick] [--json]
// --concurrency sets the handler's SYNC_CONCURRENCY (customers synced at once within a batch).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchResults, formatReport, judgeGoals } from './report.ts';
import { measureBundle } from './scenarios/bundleSize.ts';
import { measureColdInit } from './scenarios/coldInit.ts';
import { measureCpu } from './scenarios/cpu.ts';
import { profileCpu } from './scenarios/cpuProfile.ts';
import { measureEconomy } from './scenarios/economy.ts';
import { measureLogVolume } from './scenarios/logVolume.ts';
import { measureWebhookLogVolume } from './scenarios/webhookLogVolume.ts';
import { measureTokenRefreshes } from './scenarios/tokenRefreshes.ts';
import {
  concurrencyRatio,
  HOT_CUSTOMER,
  measureThroughput,
  THROUGHPUT_POOL,
} from './scenarios/throughput.ts';
import { forkServices } from './services/forkServices.ts';
import { INITIAL_TOKENS } from './services/startServices.ts';
import { BenchDriver } from './support/BenchDriver.ts';
import { importBundledHandler } from './support/bundledHandler.ts';
import { createCredentialsFile } from './support/credentialsFile.ts';
import { describeMachine } from './support/machine.ts';
import { installStdoutSink } from './support/stdoutSink.ts';
import { BenchError } from './errors.ts';

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

const { values: flags } = parseArgs({
  options: {
    latency: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '10' },
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const latencyMs = Number(flags.latency);
if (!Number.isFinite(latencyMs) || latencyMs < 0)
  throw new BenchError(`--latency must be a number of ms ≥ 0`);
const quick = flags.quick;
const SYNC_CONCURRENCY = Number(flags.concurrency);
if (!Number.isInteger(SYNC_CONCURRENCY) || SYNC_CONCURRENCY < 1)
  throw new BenchError('--concurrency must be an integer ≥ 1');
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

const services = await forkServices({ latencyMs });
const credentials = createCredentialsFile(INITIAL_TOKENS);
const env = {
  ...services.env,
  CREDENTIALS_SECRET_ID: credentials.secretId,
  SYNC_CONCURRENCY: String(SYNC_CONCURRENCY),
  POWERTOOLS_SERVICE_NAME: 'customer-sync',
};
try {
  const sink = installStdoutSink();
  const handler = await importBundledHandler({ env });
  const driver = new BenchDriver({ handler, services, sink });

  progress('registering customers (setup, not measured)');
  await services.setLatency(0);
  await driver.register([...THROUGHPUT_POOL, HOT_CUSTOMER]);
  await services.setLatency(latencyMs);

  progress('throughput');
  const throughput = await measureThroughput(driver, {
    sizes: [1, 10, 100],
    batches: quick ? { 1: 15, 10: 8, 100: 3 } : { 1: 60, 10: 30, 100: 8 },
  });
  progress('API calls per event');
  const economy = await measureEconomy(driver, { customers: quick ? 5 : 20 });
  progress('bytes logged per event');
  const logVolume = await measureLogVolume(driver, { customers: quick ? 25 : 100 });
  const webhookLogVolume = await measureWebhookLogVolume(sink, {
    queueUrl: services.env.QUEUE_URL!,
    tenantId: Number(services.env.CRM_TENANT_ID),
    requests: quick ? 10 : 50,
  });
  // Peak resident memory of this process (the handler, its clients and caches, plus the small bench driver;
  // the services run in their own process) after the throughput runs, the heaviest batches (100 records).
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  progress('CPU per event');
  const cpu = await measureCpu(driver, quick ? { batches: 30, warmup: 10 } : { batches: 200, warmup: 30 });
  progress('CPU profile');
  const cpuProfile = await profileCpu(() => measureCpu(driver, { batches: quick ? 20 : 60, warmup: 0 }));
  progress('cold init');
  const coldInit = await measureColdInit({ runs: quick ? 3 : 10, env });
  const bundle = await measureBundle();
  progress('CRO OAuth token refreshes (3 worker processes, one grant)');
  const tokenRefreshes = await measureTokenRefreshes({
    workers: 3,
    tokenSeconds: 3,
    seconds: quick ? 15 : 30,
  });

  const measured = {
    at: new Date().toISOString(),
    machine: describeMachine(),
    latencyMs,
    quick,
    syncConcurrency: SYNC_CONCURRENCY,
    throughput,
    concurrencyRatio: concurrencyRatio(throughput),
    economy,
    logVolume,
    webhookLogVolume,
    cpu,
    cpuProfile,
    coldInit,
    peakRssMb,
    bundle,
    tokenRefreshes,
  };
  const results: BenchResults = { ...measured, goals: judgeGoals(measured) };
  const json = JSON.stringify(results, null, 2);
  if (flags.json) {
    process.stdout.write(`${json}\n`);
  } else {
    const path = fileURLToPath(new URL('./results.json', import.meta.url));
    writeFileSync(path, `${json}\n`);
    process.stdout.write(`${formatReport(results)}\n\nFigures written to ${path}\n`);
  }
} finally {
  credentials.remove();
  await services.stop();
}

// A short message instead of Node's default dump (which prints a line of the minified bundle).
function fail(error: unknown): never {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`bench failed: ${text}\n`);
  process.exit(1);
}

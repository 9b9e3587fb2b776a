// `npm run bench:compare`: the customer-sync bundle of this checkout ("after"), the bundle of an earlier commit
// ("before", default: the base of the performance work) and a Powertools BatchProcessor peer (bench/peer/),
// side by side in one process run against the same simulators, so machine load affects all three alike.
// Prints a table and writes bench/compare.json (or the JSON to stdout with --json). A report, not a test.
//   node bench/compare.ts [--rounds 3] [--latency 20] [--dynamo-latency 5] [--before <commit>]
//                         [--cold-runs 7] [--rate-limit 100] [--containers 2] [--rate-seconds 10] [--quick] [--json]
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildComparedBundles, DEFAULT_BEFORE } from './compare/bundles.ts';
import { formatComparison, type Comparison, type VariantFigures } from './compare/formatComparison.ts';
import {
  icCallsOfUnknownUpdate,
  runBatchRatio,
  runMixedLoad,
  setLatencies,
  type BatchRatio,
  type Latencies,
  type MixedRun,
} from './compare/mixedLoad.ts';
import { runRateLimited, type RateLimitedRun } from './compare/rateLimited.ts';
import { probe, type Sample } from './scenarios/coldInit.ts';
import { profileCpu, type CpuShare } from './scenarios/cpuProfile.ts';
import { forkServices } from './services/forkServices.ts';
import { INITIAL_TOKENS } from './services/startServices.ts';
import { BenchDriver } from './support/BenchDriver.ts';
import { importBundledHandler } from './support/bundledHandler.ts';
import { createCredentialsFile } from './support/credentialsFile.ts';
import { describeMachine } from './support/machine.ts';
import { median, round } from './support/stats.ts';
import { installStdoutSink, type StdoutSink } from './support/stdoutSink.ts';
import { BenchError } from './errors.ts';

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    latency: { type: 'string', default: '20' },
    'dynamo-latency': { type: 'string', default: '5' },
    before: { type: 'string', default: DEFAULT_BEFORE },
    'cold-runs': { type: 'string', default: '7' },
    'rate-limit': { type: 'string', default: '100' },
    'rate-seconds': { type: 'string', default: '10' },
    containers: { type: 'string', default: '2' },
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const number = (name: keyof typeof flags, min: number) => {
  const value = Number(flags[name]);
  if (!Number.isFinite(value) || value < min) throw new BenchError(`--${name} must be a number ≥ ${min}`);
  return value;
};
const rounds = flags.quick ? 1 : number('rounds', 1);
const apiMs = number('latency', 0);
const awsModelMs = number('dynamo-latency', 0);
const coldRuns = flags.quick ? 3 : number('cold-runs', 1);
const rateLimit = number('rate-limit', 1);
const rateSeconds = flags.quick ? 5 : number('rate-seconds', 1);
const containers = number('containers', 1);
const progress = (line: string) => process.stderr.write(`bench:compare: ${line}\n`);

const VARIANTS = ['before', 'after', 'peer'] as const;
type Variant = (typeof VARIANTS)[number];
/**
 * The DynamoDB models: the in-memory model (concurrent, as DynamoDB) answering after `awsModelMs`, and dynalite
 * as it is (one call at a time, no added latency).
 */
const MODES = [
  { name: 'aws-model', model: true, latencies: { apiMs, dynamoMs: awsModelMs } },
  { name: 'dynalite', model: false, latencies: { apiMs, dynamoMs: 0 } },
] as const satisfies ReadonlyArray<{ name: string; model: boolean; latencies: Latencies }>;
type Mode = (typeof MODES)[number]['name'];

progress('building the before and peer bundles');
const bundles = await buildComparedBundles({ before: flags.before });
const services = await forkServices({ latencyMs: apiMs });
const credentials = createCredentialsFile(INITIAL_TOKENS);
const env = {
  ...services.env,
  CREDENTIALS_SECRET_ID: credentials.secretId,
  SYNC_CONCURRENCY: '10',
  POWERTOOLS_SERVICE_NAME: 'customer-sync',
};
try {
  const sink = installStdoutSink();
  const drivers = {} as Record<Variant, BenchDriver>;
  for (const variant of VARIANTS) {
    const handler = await importBundledHandler({ env, bundlePath: bundles[variant], instance: variant });
    drivers[variant] = new BenchDriver({ handler, services, sink });
  }
  const firstId = (variant: Variant, round: number, mode: number) =>
    100_000 * (1 + VARIANTS.indexOf(variant)) + 4_000 * round + 2_000 * mode;

  const mixed = emptyRuns<MixedRun>();
  const ratios = emptyRuns<BatchRatio>();
  for (let round = 0; round < rounds; round += 1) {
    // Rotated order, so no variant always runs first (or last) in a round.
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
    for (const [m, mode] of MODES.entries()) {
      await services.setDynamoModel(mode.model);
      for (const variant of order) {
        progress(`round ${round + 1}/${rounds}, ${mode.name}: mixed load, ${variant}`);
        const start = firstId(variant, round, m);
        const driver = drivers[variant];
        mixed[mode.name][variant].push(
          await runMixedLoad(driver, { firstId: start, seed: round + 1, latencies: mode.latencies }),
        );
        ratios[mode.name][variant].push(
          await runBatchRatio(driver, {
            firstId: start,
            singles: flags.quick ? 5 : 10,
            batches: flags.quick ? 3 : 6,
            latencies: mode.latencies,
          }),
        );
      }
    }
  }
  // The rest runs on the DynamoDB model.
  await services.setDynamoModel(true);
  progress('IC calls of an update for a customer IC does not know');
  const unknownUpdate = {} as Record<Variant, number>;
  const unknownDetail = {} as Record<Variant, Record<string, number>>;
  for (const variant of VARIANTS) {
    const found = await icCallsOfUnknownUpdate(drivers[variant], {
      firstId: firstId(variant, rounds, 0) + 900,
      customers: 5,
    });
    unknownUpdate[variant] = found.icCalls;
    unknownDetail[variant] = found.detail;
  }

  progress('CPU profiles (mixed load, API latency 0)');
  const profiles = {} as Record<'after' | 'peer', CpuShare[]>;
  for (const variant of ['after', 'peer'] as const) {
    profiles[variant] = await profileCpu(
      () =>
        runMixedLoad(drivers[variant], {
          firstId: firstId(variant, rounds + 1, 0),
          seed: 99,
          latencies: { apiMs: 0, dynamoMs: 0 },
        }),
      8,
      bundles[variant],
    );
  }

  progress(`IC limited to ${rateLimit} requests/s, ${containers} containers each`);
  const rateLimited = {} as Record<Variant, RateLimitedRun>;
  for (const variant of VARIANTS) {
    const instances = await containerDrivers(variant, containers, sink);
    sink.mute();
    try {
      rateLimited[variant] = await runRateLimited(instances, {
        limitPerSecond: rateLimit,
        seconds: rateSeconds,
        firstId: firstId(variant, rounds + 2, 0),
        latencies: MODES[0].latencies,
      });
    } finally {
      sink.unmute();
    }
  }
  await setLatencies(drivers.after, { apiMs, dynamoMs: 0 });

  progress(`cold init, ${coldRuns} fresh processes each`);
  const cold = { before: [], after: [], peer: [] } as Record<Variant, Sample[]>;
  for (let run = 0; run < coldRuns; run += 1)
    for (const variant of VARIANTS) cold[variant].push(await probe(env, bundles[variant]));

  const figures = {} as Record<Variant, VariantFigures>;
  for (const variant of VARIANTS) {
    figures[variant] = {
      eventsPerSecond: byMode((mode) => median(mixed[mode][variant].map((r) => r.eventsPerSecond))),
      batchRatio: byMode((mode) => median(ratios[mode][variant].map((r) => r.ratio))),
      singleMs: byMode((mode) => median(ratios[mode][variant].map((r) => r.singleMs))),
      cpuMsPerEvent: median(mixed['aws-model'][variant].map((r) => r.cpuMsPerEvent)),
      icCallsPerEvent: median(mixed['aws-model'][variant].map((r) => r.icCallsPerEvent)),
      croCallsPerEvent: median(mixed['aws-model'][variant].map((r) => r.croCallsPerEvent)),
      dynamoCallsPerEvent: median(mixed['aws-model'][variant].map((r) => r.dynamoCallsPerEvent)),
      failures: MODES.reduce(
        (n, mode) => n + mixed[mode.name][variant].reduce((k, r) => k + r.failures, 0),
        0,
      ),
      unknownUpdateIcCalls: unknownUpdate[variant],
      unknownUpdateDetail: unknownDetail[variant],
      coldImportMs: round(median(cold[variant].map((s) => s.importMs)), 1),
      rateLimited: rateLimited[variant],
    };
  }
  const comparison: Comparison = {
    at: new Date().toISOString(),
    machine: describeMachine(),
    beforeCommit: bundles.beforeCommit,
    apiLatencyMs: apiMs,
    awsModelMs,
    rounds,
    coldRuns,
    figures,
    profiles,
    runs: { mixed, ratios },
  };
  const json = JSON.stringify(comparison, null, 2);
  if (flags.json) process.stdout.write(`${json}\n`);
  else {
    const path = fileURLToPath(new URL('./compare.json', import.meta.url));
    writeFileSync(path, `${json}\n`);
    process.stdout.write(`${formatComparison(comparison)}\n\nFigures written to ${path}\n`);
  }
} finally {
  credentials.remove();
  await services.stop();
}

function byMode(value: (mode: Mode) => number): Record<Mode, number> {
  return { 'aws-model': round(value('aws-model'), 2), dynalite: round(value('dynalite'), 2) };
}

function emptyRuns<T>(): Record<Mode, Record<Variant, T[]>> {
  const make = () => ({ before: [], after: [], peer: [] }) as Record<Variant, T[]>;
  return { 'aws-model': make(), dynalite: make() };
}

// Separate module instances of one bundle (separate containers: own clients, caches and limiter), whose
// invocations overlap: the sink stays muted for all of them instead of each invocation toggling it.
async function containerDrivers(variant: Variant, count: number, sink: StdoutSink): Promise<BenchDriver[]> {
  const held: StdoutSink = { ...sink, mute: () => undefined, unmute: () => undefined };
  const out: BenchDriver[] = [];
  for (let n = 0; n < count; n += 1) {
    const handler = await importBundledHandler({
      env,
      bundlePath: bundles[variant],
      instance: `${variant}-rate-${n}`,
    });
    out.push(new BenchDriver({ handler, services, sink: held }));
  }
  return out;
}

// A short message instead of Node's default dump (which prints a line of the minified bundle).
function fail(error: unknown): never {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`bench:compare failed: ${text}\n`);
  process.exit(1);
}

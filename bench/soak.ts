// `npm run soak`: builds, then runs the fault-injection soak (bench/soakRun.ts) with the BUNDLED handler in
// several simulated Lambda containers. Prints the figures and the checks; exits 1 if a check fails.
//   node bench/soak.ts [--changes 10000] [--customers 1000] [--invalid 12] [--late 10] [--containers 8] [--seed 1]
//                      [--late-writes 0.01] [--hot 0.5 --ic-latency 200] [--source] [--json]
// --late-writes: that share of IC writes is answered 504 and applied 2 s later (writes of unknown outcome).
// --hot: that share of the changes hits customer 1 (every container receives it); --ic-latency slows IC down.
// --source runs the sync from its sources with 1–2 s visibility backoffs instead of the bundle's shipped
// 30 s+ backoffs: the same checks, a much shorter run.
import { parseArgs } from 'node:util';
import { formatSoak } from './soak/formatSoak.ts';
import { bundledContainers, sourceContainers } from './soak/containers.ts';
import { runSoak } from './soakRun.ts';
import { installStdoutSink } from './support/stdoutSink.ts';

const { values: flags } = parseArgs({
  options: {
    changes: { type: 'string', default: '10000' },
    customers: { type: 'string', default: '1000' },
    invalid: { type: 'string', default: '12' },
    late: { type: 'string', default: '10' },
    containers: { type: 'string', default: '8' },
    seed: { type: 'string', default: '1' },
    'late-writes': { type: 'string', default: '0' },
    hot: { type: 'string', default: '0' },
    'ic-latency': { type: 'string', default: '0' },
    source: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const share = (name: keyof typeof flags) => {
  const value = Number(flags[name]);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    process.stderr.write(`soak: --${name} must be a number between 0 and 1\n`);
    process.exit(2);
  }
  return value;
};
const int = (name: keyof typeof flags, min: number) => {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < min) {
    process.stderr.write(`soak: --${name} must be an integer ≥ ${min}\n`);
    process.exit(2);
  }
  return value;
};

// The containers' own output (Powertools warnings) is dropped; the soak's progress and report still print.
const sink = installStdoutSink();
sink.mute();
const result = await runSoak({
  changes: int('changes', 1),
  customers: int('customers', 1),
  invalid: int('invalid', 0),
  lateCustomers: int('late', 0),
  containers: int('containers', 1),
  seed: int('seed', 0),
  lateWriteRate: share('late-writes'),
  hotShare: share('hot'),
  icLatencyMs: int('ic-latency', 0),
  containerFactory: flags.source
    ? sourceContainers({
        retryBackoff: { baseSeconds: 1, capSeconds: 2 },
        busyBackoff: { baseSeconds: 2, capSeconds: 4 },
      })
    : bundledContainers,
  onProgress: (line) => sink.printError(`soak: ${line}\n`),
});
sink.unmute();
process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatSoak(result)}\n`);
if (result.checks.some((check) => !check.ok)) process.exitCode = 1;

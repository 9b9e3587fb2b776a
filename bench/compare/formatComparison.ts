import { loadavg } from 'node:os';
import type { CpuShare } from '../scenarios/cpuProfile.ts';
import type { Machine } from '../support/machine.ts';
import { round } from '../support/stats.ts';
import { formatTable, mark } from '../support/table.ts';
import type { BatchRatio, MixedRun } from './mixedLoad.ts';
import type { RateLimitedRun } from './rateLimited.ts';

type Variant = 'before' | 'after' | 'peer';
type Mode = 'aws-model' | 'dynalite';

/** One bundle's figures (medians over the rounds). */
export interface VariantFigures {
  eventsPerSecond: Record<Mode, number>;
  batchRatio: Record<Mode, number>;
  singleMs: Record<Mode, number>;
  cpuMsPerEvent: number;
  icCallsPerEvent: number;
  croCallsPerEvent: number;
  dynamoCallsPerEvent: number;
  failures: number;
  unknownUpdateIcCalls: number;
  unknownUpdateDetail: Record<string, number>;
  coldImportMs: number;
  rateLimited: RateLimitedRun;
}

/** Everything `npm run bench:compare` measured (also written to bench/compare.json). */
export interface Comparison {
  at: string;
  machine: Machine;
  beforeCommit: string;
  apiLatencyMs: number;
  awsModelMs: number;
  rounds: number;
  coldRuns: number;
  figures: Record<Variant, VariantFigures>;
  profiles: Record<'after' | 'peer', CpuShare[]>;
  runs: {
    mixed: Record<Mode, Record<Variant, MixedRun[]>>;
    ratios: Record<Mode, Record<Variant, BatchRatio[]>>;
  };
}

/**
 * The side-by-side table (before, after, peer) with issue 17's goals judged on "after".
 *
 * @example
 * process.stdout.write(formatComparison(comparison));
 */
export function formatComparison(c: Comparison): string {
  const { before, after, peer } = c.figures;
  const aws = `DynamoDB model, ${c.awsModelMs} ms per call`;
  type Row = [string, number | string, number | string, number | string, string, boolean | undefined];
  const rows: Row[] = [
    [
      `events/s, mixed load (${aws})`,
      before.eventsPerSecond['aws-model'],
      after.eventsPerSecond['aws-model'],
      peer.eventsPerSecond['aws-model'],
      `≥ 1.2 × peer (${ratio(after.eventsPerSecond['aws-model'], peer.eventsPerSecond['aws-model'])} ×)`,
      after.eventsPerSecond['aws-model'] >= 1.2 * peer.eventsPerSecond['aws-model'],
    ],
    [
      'events/s, mixed load (dynalite as is)',
      before.eventsPerSecond.dynalite,
      after.eventsPerSecond.dynalite,
      peer.eventsPerSecond.dynalite,
      `(${ratio(after.eventsPerSecond.dynalite, peer.eventsPerSecond.dynalite)} × peer)`,
      undefined,
    ],
    [
      `batch of 10 ÷ one event (${aws})`,
      before.batchRatio['aws-model'],
      after.batchRatio['aws-model'],
      peer.batchRatio['aws-model'],
      '≤ 1.2',
      after.batchRatio['aws-model'] <= 1.2,
    ],
    [
      'batch of 10 ÷ one event (dynalite as is)',
      before.batchRatio.dynalite,
      after.batchRatio.dynalite,
      peer.batchRatio.dynalite,
      '',
      undefined,
    ],
    [
      `one changed event, ms (${aws})`,
      before.singleMs['aws-model'],
      after.singleMs['aws-model'],
      peer.singleMs['aws-model'],
      '',
      undefined,
    ],
    [
      'CPU ms per event (mixed load)',
      before.cpuMsPerEvent,
      after.cpuMsPerEvent,
      peer.cpuMsPerEvent,
      '≤ peer',
      after.cpuMsPerEvent <= peer.cpuMsPerEvent,
    ],
    [
      `cold import ms (median of ${c.coldRuns})`,
      before.coldImportMs,
      after.coldImportMs,
      peer.coldImportMs,
      `≤ 1.2 × peer (${ratio(after.coldImportMs, peer.coldImportMs)} ×)`,
      after.coldImportMs <= 1.2 * peer.coldImportMs,
    ],
    [
      'IC calls per event (mixed load)',
      before.icCallsPerEvent,
      after.icCallsPerEvent,
      peer.icCallsPerEvent,
      `≤ 2/3 of peer (${round((2 / 3) * peer.icCallsPerEvent, 2)})`,
      after.icCallsPerEvent <= (2 / 3) * peer.icCallsPerEvent + 1e-9,
    ],
    [
      'IC calls, `updated` of a customer IC does not know',
      before.unknownUpdateIcCalls,
      after.unknownUpdateIcCalls,
      peer.unknownUpdateIcCalls,
      '≤ 3',
      after.unknownUpdateIcCalls <= 3,
    ],
    [
      'CRO calls per event (mixed load)',
      before.croCallsPerEvent,
      after.croCallsPerEvent,
      peer.croCallsPerEvent,
      '',
      undefined,
    ],
    [
      'DynamoDB calls per event (mixed load)',
      before.dynamoCallsPerEvent,
      after.dynamoCallsPerEvent,
      peer.dynamoCallsPerEvent,
      '',
      undefined,
    ],
    [
      `IC limited to ${after.rateLimited.limitPerSecond}/s: events/s ÷ (limit ÷ IC calls per event)`,
      before.rateLimited.shareOfCeiling,
      after.rateLimited.shareOfCeiling,
      peer.rateLimited.shareOfCeiling,
      '≥ 0.8',
      after.rateLimited.shareOfCeiling >= 0.8,
    ],
    [
      `IC limited to ${after.rateLimited.limitPerSecond}/s: share of IC calls answered 429`,
      pct(before.rateLimited.rateLimitedShare),
      pct(after.rateLimited.rateLimitedShare),
      pct(peer.rateLimited.rateLimitedShare),
      '< 5 %',
      after.rateLimited.rateLimitedShare < 0.05,
    ],
    [
      `IC limited to ${after.rateLimited.limitPerSecond}/s: events/s (records failed)`,
      `${before.rateLimited.eventsPerSecond} (${before.rateLimited.failures})`,
      `${after.rateLimited.eventsPerSecond} (${after.rateLimited.failures})`,
      `${peer.rateLimited.eventsPerSecond} (${peer.rateLimited.failures})`,
      '',
      undefined,
    ],
    [
      'records failed, mixed load (all rounds)',
      before.failures,
      after.failures,
      peer.failures,
      '',
      undefined,
    ],
  ];
  const [load1] = loadavg();
  return [
    `crm-sync bench:compare — ${c.at} — ${c.machine.cpus} × ${c.machine.cpuModel}, Node ${c.machine.node}, load ${round(load1 ?? 0, 1)}` +
      `\nbefore = ${c.beforeCommit.slice(0, 12)}, after = this checkout, peer = Powertools BatchProcessor consumer` +
      `\nAPI latency ${c.apiLatencyMs} ms per call; medians of ${c.rounds} rounds; mixed load: 140 changed, 40 unknown to IC as \`updated\`, 20 duplicates, batches of 10, one container`,
    formatTable(
      ['figure', 'before', 'after', 'peer', 'goal (after)', ''],
      rows.map(([name, b, a, p, goal, ok]) => [name, b, a, p, goal, ok === undefined ? '' : mark(ok)]),
    ),
    `IC calls of an unknown customer's update — after: ${describe(after.unknownUpdateDetail)}; peer: ${describe(peer.unknownUpdateDetail)}`,
    `Where the CPU goes (profile, share of busy time) — after: ${shares(c.profiles.after)}` +
      `\n  peer: ${shares(c.profiles.peer)}`,
  ].join('\n\n');
}

const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : 'n/a');
const pct = (share: number) => `${round(share * 100, 1)} %`;
const describe = (detail: Record<string, number>) =>
  Object.entries(detail)
    .map(([route, n]) => `${route} × ${n}`)
    .join(', ');
const shares = (list: readonly CpuShare[]) => list.map((s) => `${s.area} ${s.percent}%`).join(', ');

import type { BundleSize } from './scenarios/bundleSize.ts';
import type { ColdInit } from './scenarios/coldInit.ts';
import type { CpuRow } from './scenarios/cpu.ts';
import type { CpuShare } from './scenarios/cpuProfile.ts';
import type { EconomyRow } from './scenarios/economy.ts';
import type { LogVolumeRow } from './scenarios/logVolume.ts';
import type { WebhookLogVolume } from './scenarios/webhookLogVolume.ts';
import type { ThroughputRow } from './scenarios/throughput.ts';
import type { TokenRefreshFigures } from './scenarios/tokenRefreshes.ts';
import type { Machine } from './support/machine.ts';
import { formatTable, mark } from './support/table.ts';

/** One goal of issue 6 next to the figure measured. */
export interface Goal {
  name: string;
  value: number | string;
  target: string;
  ok: boolean;
}

/** Everything `npm run bench` measured (also written to bench/results.json). */
export interface BenchResults {
  at: string;
  machine: Machine;
  latencyMs: number;
  quick: boolean;
  syncConcurrency: number;
  throughput: ThroughputRow[];
  concurrencyRatio: number | undefined;
  economy: EconomyRow[];
  /** Bytes written to CloudWatch Logs per event (log lines, EMF records). */
  logVolume: LogVolumeRow[];
  /** The same for the webhook, per accepted request. */
  webhookLogVolume: WebhookLogVolume;
  cpu: CpuRow[];
  /** Where the handler's CPU goes (sampling profile of a separate run), biggest first. */
  cpuProfile: CpuShare[];
  coldInit: ColdInit;
  /** Peak resident memory of the bench process after the throughput runs (handler + bench driver), MB. */
  peakRssMb: number;
  bundle: BundleSize;
  /** CRO OAuth: refreshes of a fleet sharing one grant. */
  tokenRefreshes: TokenRefreshFigures;
  goals: Goal[];
}

/** The issue's goals, judged on the figures. */
export function judgeGoals(results: Omit<BenchResults, 'goals'>): Goal[] {
  const changedCpu = results.cpu.find((r) => r.case === 'changed customer')?.cpuMsPerEvent ?? Number.NaN;
  return [
    {
      name: 'batch of 10 distinct ÷ one event (wall, p50)',
      value: results.concurrencyRatio ?? 'n/a',
      target: '≤ 1.2',
      ok: (results.concurrencyRatio ?? Infinity) <= 1.2,
    },
    {
      name: 'IC writes only on change, 0 calls for duplicates',
      value: `${results.economy.filter((r) => r.ok).length}/${results.economy.length} cases`,
      target: 'all cases',
      ok: results.economy.every((r) => r.ok),
    },
    { name: 'handler CPU per changed event (ms)', value: changedCpu, target: '≤ 0.5', ok: changedCpu <= 0.5 },
    {
      name: 'cold init: import of the bundle (ms, median)',
      value: results.coldInit.importMs,
      target: '≤ 150',
      ok: results.coldInit.importMs <= 150,
    },
    {
      name: 'CRO token refreshes per refresh cycle, whole fleet',
      value: results.tokenRefreshes.perCycle,
      target: '≤ 1.2, 0 invalid_grant',
      ok: results.tokenRefreshes.perCycle <= 1.2 && results.tokenRefreshes.invalidGrants === 0,
    },
    {
      name: 'bundle size (KB minified, @aws-sdk/* external)',
      value: results.bundle.minifiedKb,
      target: '≤ 300',
      ok: results.bundle.minifiedKb <= 300,
    },
  ];
}

/** The human-readable report. */
export function formatReport(r: BenchResults): string {
  const sections = [
    `crm-sync bench — ${r.at} — ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}` +
      `\nAPI latency ${r.latencyMs} ms per call (both simulators), SYNC_CONCURRENCY ${r.syncConcurrency}` +
      `, DynamoDB state (dynalite)${r.quick ? ', --quick' : ''}`,
    'Throughput (each record a CRM change; the event carries no snapshot, so CRO is read)\n' +
      formatTable(
        ['batch', 'records on', 'batches', 'events/s', 'p50 ms', 'p99 ms', 'failures'],
        r.throughput.map((t) => [
          t.batchSize,
          t.shape,
          t.batches,
          t.eventsPerSecond,
          t.p50Ms,
          t.p99Ms,
          t.failures,
        ]),
      ),
    'API calls per event (one event per invocation)\n' +
      formatTable(
        ['event', 'CRO', 'IC reads', 'IC writes', 'DynamoDB', 'goal', ''],
        r.economy.map((e) => [e.case, e.croCalls, e.icReads, e.icWrites, e.dynamoCalls, e.goal, mark(e.ok)]),
      ),
    'Bytes written per event (CloudWatch Logs ingestion; Lambda START/END/REPORT lines not included)\n' +
      formatTable(
        ['events', 'records per invocation', 'log lines B', 'EMF B'],
        [
          ...r.logVolume.map((v) => [v.case, v.batch, v.logBytes, v.emfBytes]),
          [
            'webhook: one event per request (accepted)',
            1,
            r.webhookLogVolume.logBytes,
            r.webhookLogVolume.emfBytes,
          ],
        ],
      ),
    'Handler CPU per event (simulators at 0 ms latency, in a child process: not counted)\n' +
      formatTable(
        ['event', 'events', 'CPU ms/event'],
        r.cpu.map((c) => [c.case, c.events, c.cpuMsPerEvent]),
      ) +
      `\n  where it goes (profile, share of busy time): ${r.cpuProfile.map((s) => `${s.area} ${s.percent}%`).join(', ')}`,
    `Cold init: import ${r.coldInit.importMs} ms, process start → ready ${r.coldInit.processToReadyMs} ms` +
      ` (median of ${r.coldInit.runs} fresh processes)` +
      `\nMemory: ${r.coldInit.rssReadyMb} MB resident once ready; peak ${r.peakRssMb} MB after batches of 100 (handler + bench driver)` +
      `\nBundle: ${r.bundle.minifiedKb} KB minified, ${r.bundle.gzipKb} KB gzip; external: ${r.bundle.external.join(', ')}` +
      `\n  largest parts: ${r.bundle.largest.map((p) => `${p.module} ${p.kb} KB`).join(', ')}`,
    `CRO OAuth, ${r.tokenRefreshes.workers} processes sharing one grant (${r.tokenRefreshes.tokenSeconds}-s access tokens, ` +
      `rotating refresh tokens, ${r.tokenRefreshes.events} events in ${r.tokenRefreshes.seconds} s): ` +
      `${r.tokenRefreshes.refreshes} refreshes = ${r.tokenRefreshes.perHour} per hour for the fleet, ` +
      `${r.tokenRefreshes.perCycle} per refresh cycle, ${r.tokenRefreshes.invalidGrants} invalid_grant` +
      `\n  with one-hour tokens that is ${r.tokenRefreshes.perHourWithHourTokens} refreshes per hour for the whole fleet`,
    'Goals\n' +
      formatTable(
        ['goal', 'measured', 'target', ''],
        r.goals.map((g) => [g.name, g.value, g.target, mark(g.ok)]),
      ),
  ];
  return sections.join('\n\n');
}

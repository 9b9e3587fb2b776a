import type { DlqSummary } from '../replay/inspectDlq.ts';
import type { DlqMessage, ReplaySummary } from '../replay/types.ts';
import { Presets, SingleBar } from 'cli-progress';
import type { ReplayProgress } from '../replay/replayMessages.ts';
import { redactText } from '../observability/redact.ts';

/**
 * A duration as an operator reads it: `45s`, `12m`, `3h 5m`, `2d 4h`.
 *
 * @example
 * formatAge(90 * 60_000); // '1h 30m'
 */
export function formatAge(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/**
 * Left-aligned text columns with a header row.
 *
 * @example
 * renderTable(['reason', 'count'], [['vat-conflict', '2']]);
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Longest `failure-detail` shown in a table row (`--json` has it whole). */
const MAX_DETAIL_IN_TABLE = 80;

/**
 * The DLQ table (`dlq --list`, `replay --dry-run`): event id (the id `npm start` and the logs print; the
 * SQS message id when the body has none), customer, failure reason, age, and the failure detail — redacted
 * again (a DLQ may hold messages written by other tools) and cut to one line.
 *
 * @example
 * renderMessages([row]);
 * // event id  customer  reason        age  detail
 * // e-1       7         vat-conflict  2h   customer cro-42-7: its VAT number belongs to ...
 */
export function renderMessages(messages: readonly DlqMessage[]): string {
  if (messages.length === 0) return 'No matching messages in the DLQ.';
  return renderTable(
    ['event id', 'customer', 'reason', 'age', 'detail'],
    messages.map((m) => [
      m.eventId ?? `(message ${m.messageId})`,
      m.customerId ?? '-',
      m.reason,
      formatAge(m.ageMs),
      m.detail === undefined ? '-' : oneLine(redactText(m.detail), MAX_DETAIL_IN_TABLE),
    ]),
  );
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** Counts by reason and by type, and the oldest message's age. */
export function renderDlqSummary(summary: DlqSummary): string {
  if (summary.total === 0) return 'The DLQ holds no matching messages.';
  const counts = (title: string, byKey: Record<string, number>) =>
    renderTable(
      [title, 'messages'],
      Object.entries(byKey).map(([key, n]) => [key, String(n)]),
    );
  return [
    `${summary.total} message(s), the oldest ${formatAge(summary.oldestAgeMs)} old.`,
    '',
    counts('failure reason', summary.byReason),
    '',
    counts('event type', summary.byType),
  ].join('\n');
}

/** The final line(s) of a replay: replayed / skipped by filter / failed, and each failed message. */
export function renderReplaySummary(summary: ReplaySummary): string {
  const lines = [
    `${countsLine(summary.dryRun, summary.copy, {
      done: summary.dryRun ? summary.matched : summary.replayed,
      skipped: summary.skippedByFilter,
      failed: summary.failed,
      failedAgain: summary.skippedFailedAgain,
    })} (scanned ${summary.scanned}; ${STOP_TEXT[summary.stoppedBy]})`,
  ];
  for (const f of summary.failures) {
    lines.push(
      f.stage === 'send'
        ? `  not sent, still in the DLQ: ${f.messageId} (${f.error})`
        : `  sent but not deleted from the DLQ (it will be replayed again; the sync deduplicates it): ${f.messageId} (${f.error})`,
    );
  }
  return lines.join('\n');
}

interface Counts {
  done: number;
  skipped: number;
  failed: number;
  failedAgain: number;
}

// The one wording of a run's counts, shared by the progress bar and the summary so they always agree.
function countsLine(dryRun: boolean, copy: boolean, counts: Counts): string {
  const verb = dryRun ? 'would replay' : copy ? 'copied' : 'replayed';
  return (
    `${verb} ${counts.done}, skipped by filter ${counts.skipped}, failed ${counts.failed}` +
    (counts.failedAgain > 0 ? `, failed again during this run ${counts.failedAgain}` : '')
  );
}

const STOP_TEXT: Record<ReplaySummary['stoppedBy'], string> = {
  drained: 'no more matching messages',
  max: 'stopped at --max',
  failures: 'stopped after repeated send failures',
  deadline: 'stopped before the time limit: run again for the rest',
};

/** A progress reporter: `tick` per message looked at, `stop` at the end. */
export interface Progress {
  tick(progress: ReplayProgress): void;
  stop(): void;
}

const silent: Progress = { tick: () => undefined, stop: () => undefined };

// Which count of the summary each outcome adds to (see ReplayProgress).
const COUNTED: Record<ReplayProgress['outcome'], keyof Counts> = {
  replayed: 'done',
  matched: 'done',
  skipped: 'skipped',
  failed: 'failed',
  'failed-again': 'failedAgain',
};

/**
 * A cli-progress bar on `stream` when it is a terminal (never when output is piped or `--json`), counting
 * the messages looked at against the DLQ's approximate size, with the run's counts in the words of the final
 * summary ({@link renderReplaySummary}): each outcome adds to the count the summary reports it in.
 *
 * @example
 * const progress = createProgress(process.stderr, 120, { dryRun: false, copy: false });
 * await replayMessages({ ...options, onProgress: progress.tick });
 * progress.stop();
 */
export function createProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  total: number,
  mode: { dryRun: boolean; copy: boolean } = { dryRun: false, copy: false },
): Progress {
  if (!stream.isTTY || total <= 0) return silent;
  const bar = new SingleBar(
    {
      stream,
      format: ' {bar} {value}/{total} messages | {counts}',
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  const counts: Counts = { done: 0, skipped: 0, failed: 0, failedAgain: 0 };
  const payload = () => ({ counts: countsLine(mode.dryRun, mode.copy, counts) });
  let value = 0;
  bar.start(total, 0, payload());
  return {
    tick({ outcome }) {
      counts[COUNTED[outcome]] += 1;
      value += 1;
      // The queue may hold more than its approximate count said.
      if (value > total) bar.setTotal(value);
      bar.update(value, payload());
    },
    stop: () => bar.stop(),
  };
}

/** A backfill progress reporter: `enqueued` events so far (all locations), `stop` at the end. */
export interface BackfillProgress {
  update(enqueued: number): void;
  stop(): void;
}

/**
 * A cli-progress bar with rate and ETA on `stream` when it is a terminal (never when piped or `--json`),
 * counting events enqueued against the customers the windows hold.
 *
 * @example
 * const progress = createBackfillProgress(process.stderr, 12_000);
 * progress.update(1_000);
 */
export function createBackfillProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  total: number,
): BackfillProgress {
  if (!stream.isTTY || total <= 0) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    {
      stream,
      format: ' {bar} {value}/{total} events | {percentage}% | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update(enqueued) {
      // The overlap and customers in several locations can make the run send more than it counted.
      if (enqueued > total) bar.setTotal(enqueued);
      bar.update(enqueued);
    },
    stop: () => bar.stop(),
  };
}

/** The dry run's table: per location, where the window starts and how many customers it holds. */
export function renderWindowCounts(
  rows: ReadonlyArray<{
    locationId: number;
    since?: string;
    customers: number;
    atCap: boolean;
    inProgress: boolean;
  }>,
): string {
  if (rows.length === 0) return 'No location to list.';
  const total = rows.reduce((n, row) => n + row.customers, 0);
  return [
    renderTable(
      ['location', 'listed from', 'customers', 'note'],
      rows.map((row) => [
        String(row.locationId),
        row.since ?? 'the beginning',
        `${row.atCap ? '≥ ' : ''}${row.customers}`,
        row.inProgress ? 'resumes a listing in progress' : '',
      ]),
    ),
    '',
    `${total} customer(s) in ${rows.length} location(s) would be listed and enqueued.`,
  ].join('\n');
}

/** The closing table of a backfill: per location, what happened and where its checkpoint is. */
export function renderBackfillSummary(
  locations: ReadonlyArray<{
    locationId: number;
    status: string;
    listed: number;
    enqueued: number;
    checkpoint?: string;
    error?: { message: string };
  }>,
): string {
  const table = renderTable(
    ['location', 'status', 'listed', 'enqueued', 'checkpoint'],
    locations.map((l) => [
      String(l.locationId),
      l.status,
      String(l.listed),
      String(l.enqueued),
      l.checkpoint ?? '-',
    ]),
  );
  const errors = locations.flatMap((l) =>
    l.error ? [`  location ${l.locationId}: ${l.error.message}`] : [],
  );
  const enqueued = locations.reduce((n, l) => n + l.enqueued, 0);
  return [table, ...errors, '', `${enqueued} event(s) enqueued.`].join('\n');
}

import type { SoakResult } from '../soakRun.ts';
import { formatTable, mark } from '../support/table.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The soak's human-readable report. */
export function formatSoak(r: SoakResult): string {
  const f = r.config.faults;
  const pct = (rate: number | undefined) => `${Math.round((rate ?? 0) * 100)}%`;
  const lines = [
    `crm-sync soak — ${r.config.changes} changes over ${r.config.customers} customers, ${r.config.containers} containers, seed ${r.config.seed}`,
    `faults on both APIs: ${pct(f.serverErrorRate)} 5xx, ${pct(f.rateLimitRate)} 429 (Retry-After ${f.retryAfterSeconds ?? 1} s), ${pct(f.timeoutRate)} timeouts; tokens rotated midway`,
    ...((f.lateWriteRate ?? 0) > 0
      ? [
          `late writes: ${pct(f.lateWriteRate)} of IC writes answered 504 and applied ${((f.lateWriteMs ?? 0) / 1000).toFixed(1)} s later (${r.lateWrites} applied late)`,
        ]
      : []),
    ...(r.config.hotShare > 0 || r.config.icLatencyMs > 0
      ? [
          `hot customer: ${pct(r.config.hotShare)} of the changes hit customer 1; IC answers ${r.config.icLatencyMs} ms slower`,
        ]
      : []),
    `sent ${r.sent.messages} messages: ${r.sent.changes} valid events (${r.config.lateCustomers} for customers CRO does not serve yet), ${r.sent.duplicates} duplicate deliveries, ${r.sent.invalid} invalid; shuffled`,
    '',
    formatTable(
      ['phase', 'duration', 'handled', 'dead-lettered', 'redriven', 'lost'],
      [
        [
          'under faults',
          seconds(r.underFaults.durationMs),
          r.underFaults.dispositions.handled,
          r.underFaults.dispositions['dead-lettered'],
          r.underFaults.dispositions.redriven,
          r.underFaults.dispositions.lost,
        ],
      ],
    ),
    `DLQ under faults by reason: ${JSON.stringify(r.underFaults.deadLetteredByReason)}`,
    `the fix: faults off, late customers created in CRO; replay: ${r.replay.replayed} replayed, ${r.replay.failed} failed, ${seconds(r.replay.durationMs)}`,
    `batches ${r.batches}, records retried ${r.retriedRecords}, records deferred ${r.deferredRecords}, poll errors ${r.pollErrors}`,
    '',
    formatTable(
      ['API', 'calls', 'ok', '5xx', '429', '401', '404', '409', 'abandoned', 'other 4xx'],
      Object.entries(r.api).map(([api, t]) => [
        api,
        t.calls,
        t.ok,
        t.serverErrors,
        t.rateLimited,
        t.unauthorized,
        t.notFound,
        t.conflicts,
        t.abandoned,
        t.otherErrors,
      ]),
    ),
    `after the token rotation: ${Object.entries(r.afterRotation)
      .map(([api, t]) => `${api} ${t.unauthorized} × 401, ${t.ok} ok`)
      .join('; ')}`,
    `API calls per change: IC ${perChange(r, 'ic')}, CRO ${perChange(r, 'cro')} (faulted attempts included)`,
    '',
    formatTable(
      ['check', '', 'detail'],
      r.checks.map((c) => [c.name, mark(c.ok), c.detail]),
    ),
    `total ${seconds(r.durationMs)}`,
  ];
  return lines.join('\n');
}

function perChange(r: SoakResult, api: string): string {
  return ((r.api[api]?.calls ?? 0) / Math.max(1, r.sent.changes)).toFixed(2);
}

import type { DlqMessage } from '../../lib/replay/types.ts';
import type { FaultOptions } from '../../lib/local/simulators/index.ts';
import type { ApiTally } from './CallTally.ts';
import type { FinalStateCheck } from './finalState.ts';
import type { Disposition, Ledger } from './Ledger.ts';

/** One verdict of the soak. */
export interface SoakCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface SoakResult {
  config: {
    changes: number;
    customers: number;
    invalid: number;
    lateCustomers: number;
    containers: number;
    faults: FaultOptions;
    seed: number;
    /** Share of the changes for customer 1. */
    hotShare: number;
    icLatencyMs: number;
  };
  /** IC writes answered 504 and applied later. */
  lateWrites: number;
  /** Records the sync deferred (sent again as new messages): busy customer, settling write, no time. */
  deferredRecords: number;
  /** `changes` counts every valid event, the late customers' included. */
  sent: { messages: number; changes: number; duplicates: number; invalid: number };
  /** With faults on, before any replay. */
  underFaults: {
    durationMs: number;
    dispositions: Record<Disposition, number>;
    deadLetteredByReason: Record<string, number>;
    queueDrained: boolean;
  };
  replay: { replayed: number; failed: number; durationMs: number; queueDrained: boolean };
  final: {
    dlqByReason: Record<string, number>;
    validEvents: number;
    handledEvents: number;
    handledPercent: number;
    state: FinalStateCheck;
  };
  /** Permanently invalid messages: how they were received and dead-lettered. */
  permanent: { sent: number; firstAttemptOnly: number; withExpectedReason: number };
  api: Record<string, ApiTally>;
  /** Calls answered after the token rotation (the old tokens get 401 from then on). */
  afterRotation: Record<string, ApiTally>;
  batches: number;
  retriedRecords: number;
  pollErrors: number;
  durationMs: number;
  checks: SoakCheck[];
}

/**
 * Turns the soak's raw observations into its figures and checks: where each message went, how the
 * invalid messages were received and dead-lettered, which valid events were handled, and the final state.
 */
export function summarise(input: {
  options: SoakResult['config'];
  lateWrites: number;
  ledger: Ledger;
  dlqRows: DlqMessage[];
  finalRows: DlqMessage[];
  dispositions: Map<string, Disposition>;
  drained: boolean;
  replayDrained: boolean;
  replay: { replayed: number; failed: number };
  state: FinalStateCheck;
  api: Record<string, ApiTally>;
  afterRotation: Record<string, ApiTally>;
  timings: { underFaultsMs: number; replayMs: number; totalMs: number };
}): SoakResult {
  const { ledger, dlqRows, finalRows, dispositions, state, options } = input;
  const sentMessages = [...ledger.sent.values()];
  const count = <T extends string>(values: readonly T[]) =>
    values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});
  const dispositionCounts = {
    handled: 0,
    'dead-lettered': 0,
    redriven: 0,
    lost: 0,
    ...count([...dispositions.values()]),
  };

  const invalidSent = sentMessages.filter((m) => m.kind === 'invalid');
  const rowBySource = new Map(dlqRows.map((row) => [row.sourceMessageId, row]));
  const firstAttemptOnly = invalidSent.filter((m) => {
    const receives = ledger.receives.get(m.messageId) ?? [];
    return receives.length === 1 && receives[0] === 1;
  }).length;
  const withExpectedReason = invalidSent.filter(
    (m) => rowBySource.get(m.messageId)?.reason === m.expectedReason,
  ).length;

  const validEventIds = new Set(sentMessages.filter((m) => m.kind === 'change').map((m) => m.eventId!));
  const handled = ledger.handledEventIds();
  const handledEvents = [...validEventIds].filter((id) => handled.has(id)).length;
  const finalByReason = count(finalRows.map((row) => row.reason));
  const invalidReasons = new Set(invalidSent.map((m) => m.expectedReason));
  const finalOnlyInvalid =
    finalRows.length === invalidSent.length && finalRows.every((row) => invalidReasons.has(row.reason));
  const rowsWithoutReason = dlqRows.filter((row) => row.reason === '').length;

  const checks: SoakCheck[] = [
    {
      name: '0 lost: every message handled or in the DLQ with a reason',
      ok: input.drained && dispositionCounts.lost === 0 && rowsWithoutReason === 0,
      detail: `${dispositionCounts.handled} handled, ${dispositionCounts['dead-lettered']} dead-lettered by the function, ${dispositionCounts.redriven} redriven after maxReceiveCount, ${dispositionCounts.lost} lost${input.drained ? '' : ' (queue did not drain)'}`,
    },
    {
      name: '0 redriven: no record reached the DLQ without a failure-reason',
      ok: dispositionCounts.redriven === 0 && rowsWithoutReason === 0,
      detail: `${dispositionCounts.redriven} redriven after maxReceiveCount; ${ledger.deferredRecords} records deferred (customer busy, a write settling, no time left) without using up a receive`,
    },
    {
      name: 'permanent failures dead-lettered on their first attempt',
      ok: firstAttemptOnly === invalidSent.length && withExpectedReason === invalidSent.length,
      detail: `${invalidSent.length} invalid: ${firstAttemptOnly} received exactly once (receive count 1), ${withExpectedReason} in the DLQ with the expected failure-reason`,
    },
    {
      name: 'after the fix, replaying the DLQ handles 100% of valid events',
      ok: input.replayDrained && input.replay.failed === 0 && handledEvents === validEventIds.size,
      detail: `${input.replay.replayed} replayed; ${handledEvents}/${validEventIds.size} valid events applied or superseded`,
    },
    {
      name: 'the DLQ ends with exactly the permanently invalid events',
      ok: finalOnlyInvalid,
      detail: `${finalRows.length} left: ${JSON.stringify(finalByReason)}`,
    },
    {
      name: '0 stale: each IC customer equals its latest CRM state',
      ok: state.stale === 0 && state.missing === 0,
      detail: `${state.upToDate}/${state.customers} up to date, ${state.stale} stale, ${state.missing} missing${state.examples.length > 0 ? ` (e.g. customers ${state.examples.join(', ')})` : ''}`,
    },
    {
      name: 'no duplicate registrations',
      ok: state.duplicateRegistrations === 0 && state.icCustomers === state.customers,
      detail: `${state.icCustomers} IC customers for ${state.customers} CRM customers, ${state.duplicateRegistrations} external ids registered twice`,
    },
  ];

  return {
    config: {
      changes: options.changes,
      customers: options.customers,
      invalid: options.invalid,
      lateCustomers: options.lateCustomers,
      containers: options.containers,
      faults: options.faults,
      seed: options.seed,
      hotShare: options.hotShare,
      icLatencyMs: options.icLatencyMs,
    },
    lateWrites: input.lateWrites,
    deferredRecords: ledger.deferredRecords,
    sent: {
      messages: sentMessages.length,
      changes: validEventIds.size,
      duplicates: sentMessages.filter((m) => m.kind === 'duplicate').length,
      invalid: invalidSent.length,
    },
    underFaults: {
      durationMs: input.timings.underFaultsMs,
      dispositions: dispositionCounts,
      deadLetteredByReason: count(dlqRows.map((row) => row.reason)),
      queueDrained: input.drained,
    },
    replay: {
      replayed: input.replay.replayed,
      failed: input.replay.failed,
      durationMs: input.timings.replayMs,
      queueDrained: input.replayDrained,
    },
    final: {
      dlqByReason: finalByReason,
      validEvents: validEventIds.size,
      handledEvents,
      handledPercent:
        validEventIds.size === 0 ? 100 : Number(((100 * handledEvents) / validEventIds.size).toFixed(2)),
      state,
    },
    permanent: { sent: invalidSent.length, firstAttemptOnly, withExpectedReason },
    api: input.api,
    afterRotation: input.afterRotation,
    batches: ledger.batches,
    retriedRecords: ledger.retriedRecords,
    pollErrors: ledger.handlerErrors,
    durationMs: input.timings.totalMs,
    checks,
  };
}

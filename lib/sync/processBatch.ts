import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import type { Context, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { FifoGroupBlockedError, TimeBudgetError, WaitError } from './errors.ts';
import { forEachConcurrently } from './forEachConcurrently.ts';
import { parseRecord } from './parseRecord.ts';
import { planUnits, type Step, type WorkUnit } from './planUnits.ts';
import { deferRecords, routeFailure, type Failure, type RoutedFailure } from './routeFailure.ts';
import { syncCustomer } from './syncCustomer.ts';
import { TimeBudget } from './TimeBudget.ts';
import type { ParsedEntry, RecordResult, RejectedEntry, SyncDeps } from './types.ts';

type Entry = ParsedEntry | RejectedEntry;

/**
 * Processes one SQS batch (the customer-sync Lambda's whole job) and returns the partial batch response.
 *
 * Every record is parsed; valid records are grouped per customer (per message group on FIFO queues) and
 * the groups run concurrently (`concurrency`), each customer synced once for all its records. Permanent
 * failures are dead-lettered (handled); transient ones — and dead-letter sends that fail — are returned in
 * `batchItemFailures` with a visibility backoff. Records that only have to wait (customer busy, a write
 * settling, not started for lack of time) are deferred on a standard queue: sent again as new messages with a
 * delay and acknowledged, so waiting uses up no receive. No group starts inside the time margin; records not
 * done by then are deferred or failures, so nothing is lost. On FIFO queues, a failed record fails the rest of
 * its group, and waits are ordinary failures.
 *
 * @example
 * export const run = (event: SQSEvent, context: Context) => processBatch(event.Records, deps, context);
 */
export async function processBatch(
  records: readonly SQSRecord[],
  deps: SyncDeps,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<SQSBatchResponse> {
  const budget = new TimeBudget(context, deps.options.timeMarginMs, deps.now);
  const entries = records.map((record, index) => parseRecord(record, index, deps.tenantId));
  const results = new Map<number, RecordResult>();
  await forEachConcurrently(planUnits(entries), deps.options.concurrency, (unit) =>
    runUnit(unit, deps, budget, results),
  );
  const batchItemFailures = entries
    .filter((entry) => results.get(entry.index)?.kind === 'failed' || !results.has(entry.index))
    .map((entry) => ({ itemIdentifier: entry.record.messageId }));
  return { batchItemFailures };
}

async function runUnit(
  unit: WorkUnit,
  deps: SyncDeps,
  budget: TimeBudget,
  results: Map<number, RecordResult>,
): Promise<void> {
  const fifo = unit.messageGroupId !== undefined;
  let blocked = false;
  for (const step of unit.steps) {
    const entries = entriesOf(step);
    let stepResults: Map<number, RecordResult>;
    if (blocked) {
      stepResults = failed(entries, new FifoGroupBlockedError(unit.messageGroupId ?? ''));
    } else if (!budget.canStart()) {
      stepResults = failed(entries, new TimeBudgetError(`not started, ${budget.usableMs()} ms usable`));
    } else {
      stepResults = await runStep(step, deps, budget);
    }
    // The step's records are settled together (DLQ sends, deferrals, visibility changes run in parallel).
    const settled = await settleStep(entries, stepResults, deps, fifo);
    settled.forEach((result, n) => results.set(entries[n]!.index, result));
    if (fifo && settled.some((r) => r.kind === 'failed')) blocked = true;
  }
}

async function runStep(step: Step, deps: SyncDeps, budget: TimeBudget): Promise<Map<number, RecordResult>> {
  if (step.kind === 'rejected') return failed([step.entry], step.entry.error);
  try {
    return await syncCustomer(step.entries, deps, budget, stepKeys(step.entries));
  } catch (error) {
    // syncCustomer turns failures into results; this is a bug guard, the records are retried.
    return failed(step.entries, error);
  }
}

/**
 * Settles a step's records and returns their final results: logs and counts the applied and skipped ones,
 * defers the waits with one send (standard queue), routes the other failures (DLQ or retry). One line per
 * record with its ids (a child logger per record costs more than the line itself; failures, rare, use one).
 */
async function settleStep(
  entries: readonly Entry[],
  stepResults: Map<number, RecordResult>,
  deps: SyncDeps,
  fifo: boolean,
): Promise<RecordResult[]> {
  const settled: RecordResult[] = [];
  const waits: Array<{ n: number; failure: Failure & { error: WaitError } }> = [];
  const failures: Array<{ n: number; failure: Failure }> = [];
  entries.forEach((entry, n) => {
    const current: RecordResult = stepResults.get(entry.index) ?? {
      kind: 'failed',
      error: new TimeBudgetError('no result'),
    };
    settled[n] = current;
    if (current.kind === 'applied') {
      deps.metrics.applied();
      deps.logger.info('applied', recordKeys(entry));
    } else if (current.kind === 'skipped') {
      deps.metrics.skipped(current.why);
      deps.logger.info('skipped', { ...recordKeys(entry), why: current.why });
    } else if (current.kind === 'failed') {
      const { error, notBefore } = current;
      const failure: Failure = { record: entry.record, error, ...(notBefore !== undefined && { notBefore }) };
      if (error instanceof WaitError && !fifo) waits.push({ n, failure: { ...failure, error } });
      else failures.push({ n, failure });
    }
  });
  const [deferred, routed] = await Promise.all([
    waits.length === 0
      ? []
      : deferRecords(
          waits.map((wait) => wait.failure),
          deps,
        ),
    Promise.all(
      failures.map(({ n, failure }) => routeFailure(failure, deps, childLogger(entries[n]!, deps))),
    ),
  ]);
  waits.forEach(({ n }, i) => (settled[n] = afterRouting(entries[n]!, deferred[i]!, settled[n]!, deps)));
  failures.forEach(({ n }, i) => (settled[n] = afterRouting(entries[n]!, routed[i]!, settled[n]!, deps)));
  return settled;
}

// Logs and counts where a failed record ended up; returns its final result.
function afterRouting(
  entry: Entry,
  routed: RoutedFailure,
  current: RecordResult,
  deps: SyncDeps,
): RecordResult {
  if (routed.kind === 'deferred') {
    deps.metrics.deferred(routed.reason);
    deps.logger.info('deferred', {
      ...recordKeys(entry),
      reason: routed.reason,
      delaySeconds: routed.delaySeconds,
    });
    return { kind: 'deferred', reason: routed.reason, delaySeconds: routed.delaySeconds };
  }
  const logger = childLogger(entry, deps);
  if (routed.kind === 'dead-lettered') {
    deps.metrics.deadLettered(routed.reason);
    logger.warn('dead-lettered', { reason: routed.reason, detail: routed.detail });
    return { kind: 'dead-lettered', reason: routed.reason };
  }
  deps.metrics.retried(routed.reason);
  logger.warn('will be retried', {
    reason: routed.reason,
    detail: routed.detail,
    receiveCount: Number(entry.record.attributes.ApproximateReceiveCount) || 1,
    ...(routed.visibilitySeconds !== undefined && { visibilitySeconds: routed.visibilitySeconds }),
  });
  return current;
}

function childLogger(entry: Entry, deps: SyncDeps) {
  return deps.logger.createChild({ persistentKeys: recordKeys(entry) });
}

function entriesOf(step: Step): Entry[] {
  return step.kind === 'rejected' ? [step.entry] : step.entries;
}

function failed(entries: readonly Entry[], error: unknown): Map<number, RecordResult> {
  return new Map(entries.map((entry) => [entry.index, { kind: 'failed', error }]));
}

function recordKeys(entry: Entry): LogAttributes {
  return 'event' in entry
    ? { messageId: entry.record.messageId, eventId: entry.event.id, customerId: entry.key.customerId }
    : { messageId: entry.record.messageId };
}

// Group-level lines carry the newest record's ids, plus all of them when several records were coalesced.
function stepKeys(entries: readonly ParsedEntry[]): LogAttributes {
  return {
    ...recordKeys(entries.at(-1)!),
    ...(entries.length > 1 && {
      messageIds: entries.map((e) => e.record.messageId),
      eventIds: entries.map((e) => e.event.id),
    }),
  };
}

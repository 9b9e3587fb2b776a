import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import type { Context, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { FifoGroupBlockedError, TimeBudgetError } from './errors.ts';
import { forEachConcurrently } from './forEachConcurrently.ts';
import { parseRecord } from './parseRecord.ts';
import { planUnits, type Step, type WorkUnit } from './planUnits.ts';
import { routeFailure } from './routeFailure.ts';
import { syncCustomer } from './syncCustomer.ts';
import { TimeBudget } from './TimeBudget.ts';
import type { ParsedEntry, RecordResult, RejectedEntry, SyncDeps } from './types.ts';

/** @default 10 */
const DEFAULT_CONCURRENCY = 10;
/** @default 3000 */
const DEFAULT_TIME_MARGIN_MS = 3_000;

/**
 * Processes one SQS batch (the customer-sync Lambda's whole job) and returns the partial batch response.
 *
 * Every record is parsed; valid records are grouped per customer (per message group on FIFO queues) and
 * the groups run concurrently (`concurrency`), each customer synced once for all its records. Permanent
 * failures are dead-lettered (handled); transient ones — and dead-letter sends that fail — are returned in
 * `batchItemFailures` with a visibility backoff. No group starts inside the time margin; records not done
 * by then are failures, so nothing is lost. On FIFO queues, a failed record fails the rest of its group.
 *
 * @example
 * export const run = (event: SQSEvent, context: Context) => processBatch(event.Records, deps, context);
 */
export async function processBatch(
  records: readonly SQSRecord[],
  deps: SyncDeps,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<SQSBatchResponse> {
  const budget = new TimeBudget(context, deps.options?.timeMarginMs ?? DEFAULT_TIME_MARGIN_MS, deps.now);
  const entries = records.map((record, index) => parseRecord(record, index, deps.tenantId));
  const results = new Map<number, RecordResult>();
  await forEachConcurrently(planUnits(entries), deps.options?.concurrency ?? DEFAULT_CONCURRENCY, (unit) =>
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
    // The step's records are routed together (DLQ sends, visibility changes run in parallel).
    const settled = await Promise.all(
      entries.map((entry) => settle(entry, stepResults.get(entry.index), deps)),
    );
    settled.forEach((result, n) => results.set(entries[n]!.index, result));
    if (unit.messageGroupId !== undefined && settled.some((r) => r.kind === 'failed')) blocked = true;
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

// Routes a failure (DLQ or retry), then logs and counts the record's final result: one line per record,
// its ids passed with the line (a child logger per record costs more than the line itself).
async function settle(
  entry: ParsedEntry | RejectedEntry,
  result: RecordResult | undefined,
  deps: SyncDeps,
): Promise<RecordResult> {
  const keys = recordKeys(entry);
  const current = result ?? { kind: 'failed', error: new TimeBudgetError('no result') };
  if (current.kind === 'applied') {
    deps.metrics.applied();
    deps.logger.info('applied', keys);
    return current;
  }
  if (current.kind === 'skipped') {
    deps.metrics.skipped(current.why);
    deps.logger.info('skipped', { ...keys, why: current.why });
    return current;
  }
  if (current.kind === 'dead-lettered') return current;
  // Failures are rare: their lines (and routeFailure's) come from a child logger carrying the ids.
  const logger = deps.logger.createChild({ persistentKeys: keys });
  const routed = await routeFailure(entry.record, current.error, deps, logger);
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

function entriesOf(step: Step): Array<ParsedEntry | RejectedEntry> {
  return step.kind === 'rejected' ? [step.entry] : step.entries;
}

function failed(
  entries: ReadonlyArray<ParsedEntry | RejectedEntry>,
  error: unknown,
): Map<number, RecordResult> {
  return new Map(entries.map((entry) => [entry.index, { kind: 'failed', error }]));
}

function recordKeys(entry: ParsedEntry | RejectedEntry): LogAttributes {
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

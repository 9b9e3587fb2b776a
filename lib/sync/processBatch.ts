import type { Logger } from '@aws-lambda-powertools/logger';
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
  // Emitted even when 0: a steady series for alarms, and the EMF buffer is never empty.
  deps.metrics.retried(batchItemFailures.length);
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
    const logger = stepLogger(deps.logger, step);
    let stepResults: Map<number, RecordResult>;
    if (blocked) {
      stepResults = failed(entries, new FifoGroupBlockedError(unit.messageGroupId ?? ''));
    } else if (!budget.canStart()) {
      stepResults = failed(entries, new TimeBudgetError(`not started, ${budget.usableMs()} ms usable`));
    } else {
      stepResults = await runStep(step, deps, budget, logger);
    }
    // The step's records are routed together (DLQ sends, visibility changes run in parallel).
    const settled = await Promise.all(
      entries.map((entry) => settle(entry, stepResults.get(entry.index), deps, logger)),
    );
    settled.forEach((result, n) => results.set(entries[n]!.index, result));
    if (unit.messageGroupId !== undefined && settled.some((r) => r.kind === 'failed')) blocked = true;
  }
}

async function runStep(
  step: Step,
  deps: SyncDeps,
  budget: TimeBudget,
  logger: Logger,
): Promise<Map<number, RecordResult>> {
  if (step.kind === 'rejected') return failed([step.entry], step.entry.error);
  try {
    return await syncCustomer(step.entries, deps, budget, logger);
  } catch (error) {
    // syncCustomer turns failures into results; this is a bug guard, the records are retried.
    return failed(step.entries, error);
  }
}

// Routes a failure (DLQ or retry), then logs and counts the record's final result.
async function settle(
  entry: ParsedEntry | RejectedEntry,
  result: RecordResult | undefined,
  deps: SyncDeps,
  stepLog: Logger,
): Promise<RecordResult> {
  const logger = stepLog.createChild({ persistentKeys: recordKeys(entry) });
  const current = result ?? { kind: 'failed', error: new TimeBudgetError('no result') };
  if (current.kind === 'applied') {
    deps.metrics.applied();
    logger.info('applied');
    return current;
  }
  if (current.kind === 'skipped') {
    deps.metrics.skipped(current.why);
    logger.info('skipped', { why: current.why });
    return current;
  }
  if (current.kind === 'dead-lettered') return current;
  const routed = await routeFailure(entry.record, current.error, deps, logger);
  if (routed.kind === 'dead-lettered') {
    deps.metrics.deadLettered(routed.reason);
    logger.warn('dead-lettered', { reason: routed.reason, detail: routed.detail });
    return { kind: 'dead-lettered', reason: routed.reason };
  }
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

function recordKeys(entry: ParsedEntry | RejectedEntry): Record<string, string | number> {
  return 'event' in entry
    ? { messageId: entry.record.messageId, eventId: entry.event.id, customerId: entry.key.customerId }
    : { messageId: entry.record.messageId };
}

// Group-level lines carry the newest record's ids, plus all of them when several records were coalesced.
function stepLogger(logger: Logger, step: Step): Logger {
  if (step.kind === 'rejected') return logger;
  const newest = step.entries.at(-1)!;
  return logger.createChild({
    persistentKeys: {
      ...recordKeys(newest),
      ...(step.entries.length > 1 && {
        messageIds: step.entries.map((e) => e.record.messageId),
        eventIds: step.entries.map((e) => e.event.id),
      }),
    },
  });
}

import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import { backoff } from '../backoff.ts';
import { ApiError } from '../http/errors.ts';
import { sendToDeadLetter } from '../queue/deadLetter.ts';
import { requeueCountOf } from '../queue/messageAttributes.ts';
import { requeueRecords } from '../queue/requeue.ts';
import { changeVisibility, queueUrlFromArn, visibilityBackoffSeconds } from '../queue/visibility.ts';
import { classifyFailure } from './classifyFailure.ts';
import { TimeBudgetError, WaitError, WriteSettlingError } from './errors.ts';
import type { SyncDeps } from './types.ts';

/** Where a failed record ended up. */
export type RoutedFailure =
  /** Sent to the DLQ with `reason`: handled, deleted from the source queue. */
  | { kind: 'dead-lettered'; reason: string; detail: string }
  /** Sent again to its queue as a new message after `delaySeconds`: handled, its receive count untouched. */
  | { kind: 'deferred'; reason: string; detail: string; delaySeconds: number }
  /** Left on the queue (batch item failure) with a visibility backoff. */
  | { kind: 'retry'; reason: string; detail: string; visibilitySeconds?: number };

/** A failed record and what is known of its failure. */
export interface Failure {
  record: SQSRecord;
  error: unknown;
  /** Epoch ms before which the record must not come back (a write of unknown outcome settling). */
  notBefore?: number;
}

/**
 * Routes one failed record (docs/events.md#failures): a permanent failure is sent to `DLQ_URL` with the failure
 * attributes — if that send fails, the record is retried instead (nothing lost); a transient failure gets
 * a visibility backoff from its `ApproximateReceiveCount` (`ChangeMessageVisibility`), so the retry does
 * not hammer a failing API: at least a 429's Retry-After, and not before a settling write may have landed.
 * A wait ({@link WaitError}) reaching here (a FIFO queue, or a deferral that could not be sent) waits its own
 * delay instead.
 *
 * @example
 * const routed = await routeFailure({ record, error }, deps);
 * if (routed.kind === 'retry') batchItemFailures.push({ itemIdentifier: record.messageId });
 */
export async function routeFailure(
  failure: Failure,
  deps: SyncDeps,
  logger: Logger = deps.logger,
): Promise<RoutedFailure> {
  const { record, error } = failure;
  const kind = classifyFailure(error);
  if (!kind.transient) {
    try {
      await sendToDeadLetter(deps.sqs, deps.dlqUrl, record, {
        reason: kind.reason,
        detail: kind.detail,
        failedAt: new Date(deps.now()),
      });
      return { kind: 'dead-lettered', reason: kind.reason, detail: kind.detail };
    } catch (sendError) {
      const retry = classifyFailure(sendError);
      logger.error('dead-letter send failed; the record stays on the queue', {
        failureReason: kind.reason,
        error: sendError,
      });
      return retryLater(
        { record, error: sendError },
        { ...retry, detail: `${retry.detail} (was: ${kind.reason})` },
        deps,
        logger,
      );
    }
  }
  return retryLater(failure, kind, deps, logger);
}

/**
 * Defers records that have to wait ({@link WaitError}) on a standard queue: each is sent again to its queue as
 * a new message after its wait (`requeue.ts`), in one `SendMessageBatch` per 10, and acknowledged — so waiting
 * for a busy customer, a settling write or time in the invocation never uses up the redrive policy's receives.
 * A record that could not be sent is retried the ordinary way (a batch item failure, nothing lost).
 *
 * @example
 * const routed = await deferRecords([{ record, error: new CustomerBusyError(key) }], deps);
 */
export async function deferRecords(
  waits: ReadonlyArray<Failure & { error: WaitError }>,
  deps: SyncDeps,
  logger: Logger = deps.logger,
): Promise<RoutedFailure[]> {
  const delays = waits.map(({ record, error }) => waitSeconds(record, error, deps));
  let notSent: Set<string>;
  try {
    // A batch's records all come from the queue of its event source.
    const queueUrl = queueUrlFromArn(waits[0]!.record.eventSourceARN);
    notSent = await requeueRecords(
      deps.sqs,
      queueUrl,
      waits.map(({ record }, n) => ({ record, delaySeconds: delays[n]! })),
    );
  } catch {
    notSent = new Set(waits.map(({ record }) => record.messageId));
  }
  return Promise.all(
    waits.map(async (wait, n) => {
      const kind = classifyFailure(wait.error);
      if (!notSent.has(wait.record.messageId))
        return {
          kind: 'deferred',
          reason: kind.reason,
          detail: kind.detail,
          delaySeconds: delays[n]!,
        } as const;
      logger.warn('could not defer the record; it is retried instead', { messageId: wait.record.messageId });
      return retryLater(wait, kind, deps, logger);
    }),
  );
}

async function retryLater(
  failure: Failure,
  kind: { reason: string; detail: string },
  deps: SyncDeps,
  logger: Logger,
): Promise<RoutedFailure> {
  const seconds = visibilityFor(failure, deps);
  try {
    await changeVisibility(
      deps.sqs,
      queueUrlFromArn(failure.record.eventSourceARN),
      failure.record.receiptHandle,
      seconds,
    );
    return { kind: 'retry', reason: kind.reason, detail: kind.detail, visibilitySeconds: seconds };
  } catch (visibilityError) {
    // The record is still a batch item failure; it just comes back after the queue's own timeout.
    logger.warn('could not change the visibility timeout', { error: visibilityError });
    return { kind: 'retry', reason: kind.reason, detail: kind.detail };
  }
}

function visibilityFor({ record, error, notBefore }: Failure, deps: SyncDeps): number {
  if (error instanceof WaitError) return waitSeconds(record, error, deps);
  const retryAfterMs = error instanceof ApiError ? error.retryAfterMs : undefined;
  const settleSeconds = notBefore === undefined ? 0 : secondsUntil(notBefore, deps);
  return visibilityBackoffSeconds(Number(record.attributes.ApproximateReceiveCount) || 1, {
    ...deps.options.retryBackoff,
    random: deps.random,
    minSeconds: Math.max(settleSeconds, retryAfterMs === undefined ? 0 : Math.ceil(retryAfterMs / 1000)),
  });
}

/**
 * How long a waiting record waits: nothing when it ran out of time; until the settle window ends for a settling
 * write (plus up to 2 s, so records deferred together spread out); the busy backoff, longer each time the same
 * record is deferred again (its `requeue-count`), for a busy customer.
 */
function waitSeconds(record: SQSRecord, error: WaitError, deps: SyncDeps): number {
  if (error instanceof TimeBudgetError) return 0;
  if (error instanceof WriteSettlingError)
    return secondsUntil(error.untilMs, deps) + Math.round(2 * deps.random());
  const attempt = requeueCountOf(record) + 1;
  const shape = { base: deps.options.busyBackoff.baseSeconds, cap: deps.options.busyBackoff.capSeconds };
  return Math.round(backoff(attempt, shape, deps.random));
}

function secondsUntil(epochMs: number, deps: SyncDeps): number {
  return Math.max(0, Math.ceil((epochMs - deps.now()) / 1000));
}

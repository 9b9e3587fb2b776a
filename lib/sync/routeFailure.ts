import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import { ApiError } from '../http/errors.ts';
import { sendToDeadLetter } from '../queue/deadLetter.ts';
import { changeVisibility, queueUrlFromArn, visibilityBackoffSeconds } from '../queue/visibility.ts';
import { CustomerBusyError } from './state/errors.ts';
import { classifyFailure } from './classifyFailure.ts';
import { TimeBudgetError } from './errors.ts';
import type { SyncDeps } from './types.ts';

/** Where a failed record ended up. */
export type RoutedFailure =
  /** Sent to the DLQ with `reason`: handled, deleted from the source queue. */
  | { kind: 'dead-lettered'; reason: string; detail: string }
  /** Left on the queue (batch item failure) with a visibility backoff. */
  | { kind: 'retry'; reason: string; detail: string; visibilitySeconds?: number };

/**
 * Routes one failed record (docs/events.md#failures): a permanent failure is sent to `DLQ_URL` with the failure
 * attributes — if that send fails, the record is retried instead (nothing lost); a transient failure gets
 * a visibility backoff from its `ApproximateReceiveCount` (`ChangeMessageVisibility`), so the retry does
 * not hammer a failing API: at least a 429's Retry-After, a short wait when another invocation holds the
 * customer, none for a record that was never started for lack of time.
 *
 * @example
 * const routed = await routeFailure(record, error, deps);
 * if (routed.kind === 'retry') batchItemFailures.push({ itemIdentifier: record.messageId });
 */
export async function routeFailure(
  record: SQSRecord,
  error: unknown,
  deps: SyncDeps,
  logger: Logger = deps.logger,
): Promise<RoutedFailure> {
  const failure = classifyFailure(error);
  if (!failure.transient) {
    try {
      await sendToDeadLetter(deps.sqs, deps.dlqUrl, record, {
        reason: failure.reason,
        detail: failure.detail,
        failedAt: new Date((deps.now ?? Date.now)()),
      });
      return { kind: 'dead-lettered', reason: failure.reason, detail: failure.detail };
    } catch (sendError) {
      const retry = classifyFailure(sendError);
      logger.error('dead-letter send failed; the record stays on the queue', {
        failureReason: failure.reason,
        error: sendError,
      });
      return retryLater(
        record,
        sendError,
        { ...retry, detail: `${retry.detail} (was: ${failure.reason})` },
        deps,
        logger,
      );
    }
  }
  return retryLater(record, error, failure, deps, logger);
}

async function retryLater(
  record: SQSRecord,
  error: unknown,
  failure: { reason: string; detail: string },
  deps: SyncDeps,
  logger: Logger,
): Promise<RoutedFailure> {
  const seconds = visibilityFor(record, error, deps);
  try {
    const queueUrl = deps.options?.queueUrl ?? queueUrlFromArn(record.eventSourceARN);
    await changeVisibility(deps.sqs, queueUrl, record.receiptHandle, seconds);
    return { kind: 'retry', reason: failure.reason, detail: failure.detail, visibilitySeconds: seconds };
  } catch (visibilityError) {
    // The record is still a batch item failure; it just comes back after the queue's own timeout.
    logger.warn('could not change the visibility timeout', { error: visibilityError });
    return { kind: 'retry', reason: failure.reason, detail: failure.detail };
  }
}

function visibilityFor(record: SQSRecord, error: unknown, deps: SyncDeps): number {
  const random = deps.random ?? Math.random;
  if (error instanceof TimeBudgetError) return 0;
  if (error instanceof CustomerBusyError) {
    const busy = deps.options?.busyBackoffSeconds ?? 5;
    return Math.round(busy * (1 + random()));
  }
  const retryAfterMs = error instanceof ApiError ? error.retryAfterMs : undefined;
  return visibilityBackoffSeconds(Number(record.attributes.ApproximateReceiveCount) || 1, {
    ...deps.options?.backoff,
    random,
    ...(retryAfterMs !== undefined && { minSeconds: Math.ceil(retryAfterMs / 1000) }),
  });
}

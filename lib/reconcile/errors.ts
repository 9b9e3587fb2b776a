import { CrmSyncError } from '../errors.ts';

/**
 * A location's window holds more customers than CRO will list (its `total_count` cap) and the list's order
 * does not allow splitting it by `last_updated_on`. Permanent for this location: its checkpoint stays, the
 * run fails, and the message says what to do.
 *
 * @example
 * throw new ListingTooLargeError(7, 'CRO did not list it in last_updated_on order');
 */
export class ListingTooLargeError extends CrmSyncError {
  readonly locationId: number;

  constructor(locationId: number, why: string) {
    super(
      `location ${locationId}: the window has more customers than CRO lists at once (100,000) and cannot be ` +
        `split: ${why}. Run \`crm-sync backfill --location ${locationId} --since <later ISO time>\` to list ` +
        `a narrower window, or ask CRO for a larger cap`,
      { transient: false, reason: 'listing-too-large' },
    );
    this.name = 'ListingTooLargeError';
    this.locationId = locationId;
  }
}

/**
 * The checkpoint record is held by another run (its lease was taken over after expiring). Transient: this
 * run stops working on the location; the holder carries on.
 */
export class CheckpointLeaseLostError extends CrmSyncError {
  readonly locationId: number;

  constructor(locationId: number) {
    super(`location ${locationId}: the checkpoint lease was lost to another run`, {
      transient: true,
      reason: 'checkpoint-lease-lost',
    });
    this.name = 'CheckpointLeaseLostError';
    this.locationId = locationId;
  }
}

/** The checkpoint store (DynamoDB or the local file) failed. Transient: the next run tries again. */
export class CheckpointStoreError extends CrmSyncError {
  readonly operation: string;

  constructor(operation: string, cause: unknown) {
    const name = cause instanceof Error ? cause.name : 'unknown error';
    super(`checkpoint store ${operation} failed: ${name}`, {
      transient: true,
      reason: 'checkpoint-unavailable',
      cause,
    });
    this.name = 'CheckpointStoreError';
    this.operation = operation;
  }
}

/**
 * Some locations failed in this run (each keeps its checkpoint, so the next run lists their changes again).
 * Thrown by the scheduled function after every location was tried, so the invocation counts as failed
 * and the run-failure alarm fires.
 *
 * @example
 * if (failed.length > 0) throw new ReconcileRunError(failed);
 */
export class ReconcileRunError extends CrmSyncError {
  readonly locationIds: readonly number[];

  constructor(failed: ReadonlyArray<{ locationId: number; error?: { reason: string } }>) {
    const list = failed.map((f) => `${f.locationId} (${f.error?.reason ?? 'unknown'})`).join(', ');
    super(`reconciliation failed for location(s) ${list}`, { transient: true, reason: 'reconcile-failed' });
    this.name = 'ReconcileRunError';
    this.locationIds = failed.map((f) => f.locationId);
  }
}

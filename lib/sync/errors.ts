import { CrmSyncError } from '../errors.ts';
import type { CustomerKey } from './state/types.ts';

/**
 * The event names a tenant this deployment does not serve (`CRM_TENANT_ID`). Permanent: reason `wrong-tenant`.
 *
 * @example
 * throw new WrongTenantError(43, 42);
 */
export class WrongTenantError extends CrmSyncError {
  constructor(eventTenantId: number, servedTenantId: number) {
    super(`event for tenant ${eventTenantId}, this deployment serves tenant ${servedTenantId}`, {
      transient: false,
      reason: 'wrong-tenant',
    });
    this.name = 'WrongTenantError';
  }
}

/**
 * The customer is not in Invisible Collector yet and cannot be registered without a VAT number
 * (`data.vatNumber`), and its `crm.customer.created` event had time enough to arrive. Permanent: reason
 * `missing-vat`.
 *
 * @example
 * throw new MissingVatError('cro-42-7');
 */
export class MissingVatError extends CrmSyncError {
  constructor(externalId: string) {
    super(
      `customer ${externalId} is not in Invisible Collector and the event has no vatNumber to register it`,
      {
        transient: false,
        reason: 'missing-vat',
      },
    );
    this.name = 'MissingVatError';
  }
}

/**
 * Like {@link MissingVatError}, but for an update received only a few times on a standard queue: its customer's
 * `crm.customer.created` (with the VAT number) may still be on its way, overtaken by this update. Transient:
 * reason `awaiting-created` (docs/events.md#failures: the first 3 receives).
 *
 * @example
 * throw new AwaitingCreatedError('cro-42-7');
 */
export class AwaitingCreatedError extends CrmSyncError {
  constructor(externalId: string) {
    super(
      `customer ${externalId} is not in Invisible Collector yet and the event has no vatNumber: waiting for its crm.customer.created`,
      { transient: true, reason: 'awaiting-created' },
    );
    this.name = 'AwaitingCreatedError';
  }
}

/**
 * Registering the customer hit a 409: another Invisible Collector customer already has its VAT number and the
 * policy is `dead-letter` (or `adopt` found nobody to adopt). Permanent: reason `vat-conflict`; the detail
 * names the existing gid (an opaque id, not personal data) so an operator can link or merge by hand.
 *
 * @example
 * throw new VatConflictError('cro-42-7', 'c0ffee-gid');
 */
export class VatConflictError extends CrmSyncError {
  /** gid of the Invisible Collector customer that already has the VAT number, when IC said so. */
  readonly existingGid: string | undefined;

  constructor(externalId: string, existingGid: string | undefined, cause?: unknown) {
    super(
      existingGid === undefined
        ? `customer ${externalId}: its VAT number belongs to another Invisible Collector customer (gid not given)`
        : `customer ${externalId}: its VAT number belongs to Invisible Collector customer ${existingGid}`,
      { transient: false, reason: 'vat-conflict', cause },
    );
    this.name = 'VatConflictError';
    this.existingGid = existingGid;
  }
}

/**
 * Invisible Collector answered 404 for a gid it had just returned (register/adopt). Permanent: reason
 * `ic-not-found` — retrying cannot fix an inconsistency on the vendor's side.
 *
 * @example
 * throw new IcNotFoundError('c0ffee-gid', error);
 */
export class IcNotFoundError extends CrmSyncError {
  constructor(gid: string, cause?: unknown) {
    super(`Invisible Collector customer ${gid} disappeared right after it was registered or adopted`, {
      transient: false,
      reason: 'ic-not-found',
      cause,
    });
    this.name = 'IcNotFoundError';
  }
}

/**
 * CRO answered with a customer older than the state already applied (a lagging replica, clock skew) while the
 * sync must write — the events carry newer values, or a repair is due. Transient: reason `crm-behind`; the
 * retry reads CRO again.
 *
 * @example
 * throw new CroBehindError(7);
 */
export class CroBehindError extends CrmSyncError {
  constructor(customerId: number) {
    super(`CRO returned customer ${customerId} older than the state already applied to Invisible Collector`, {
      transient: true,
      reason: 'crm-behind',
    });
    this.name = 'CroBehindError';
  }
}

/**
 * The record has to wait rather than fail: nothing went wrong with it. Transient; on a standard queue the batch
 * defers it — sends it again as a new message with a delay, and acknowledges the original — so waiting never
 * uses up the receives of the queue's redrive policy (docs/events.md#failures). On a FIFO queue (no per-message delay,
 * order matters) it is an ordinary batch item failure.
 */
export abstract class WaitError extends CrmSyncError {
  constructor(message: string, reason: string) {
    super(message, { transient: true, reason });
    this.name = 'WaitError';
  }
}

/**
 * The record was not started because the invocation ran out of time. A wait: reason `timeout`, deferred with no
 * delay.
 *
 * @example
 * throw new TimeBudgetError('not started: 1200 ms left');
 */
export class TimeBudgetError extends WaitError {
  constructor(detail: string) {
    super(`time budget exhausted: ${detail}`, 'timeout');
    this.name = 'TimeBudgetError';
  }
}

/**
 * Another invocation holds the customer's lease. A wait: reason `customer-busy`, deferred a few seconds (longer
 * each time the same record is deferred again).
 *
 * @example
 * throw new CustomerBusyError({ tenantId: 42, customerId: 7 });
 */
export class CustomerBusyError extends WaitError {
  readonly customerId: number;

  constructor(key: CustomerKey) {
    super(`customer ${key.customerId} is being synced by another worker`, 'customer-busy');
    this.name = 'CustomerBusyError';
    this.customerId = key.customerId;
  }
}

/**
 * An Invisible Collector write for the customer had an unknown outcome (no answer, or a 5xx) and may still land
 * until `untilMs`: nothing is written for the customer before then, so that late write can never land after a
 * newer one. A wait: reason `write-settling`, deferred until `untilMs`; the first sync after it rewrites the
 * customer from CRO.
 *
 * @example
 * throw new WriteSettlingError({ tenantId: 42, customerId: 7 }, Date.now() + 30_000);
 */
export class WriteSettlingError extends WaitError {
  readonly customerId: number;
  /** Epoch ms before which the customer is not written. */
  readonly untilMs: number;

  constructor(key: CustomerKey, untilMs: number) {
    super(
      `customer ${key.customerId}: an Invisible Collector write of unknown outcome may still land until ${new Date(untilMs).toISOString()}`,
      'write-settling',
    );
    this.name = 'WriteSettlingError';
    this.customerId = key.customerId;
    this.untilMs = untilMs;
  }
}

/**
 * An earlier record of the same FIFO message group failed, so this one must not be applied before it
 * (AWS rule for FIFO partial batch responses). Transient: reason `fifo-blocked`.
 *
 * @example
 * throw new FifoGroupBlockedError('customer-42-7');
 */
export class FifoGroupBlockedError extends CrmSyncError {
  constructor(messageGroupId: string) {
    super(`an earlier record of FIFO message group ${messageGroupId} failed`, {
      transient: true,
      reason: 'fifo-blocked',
    });
    this.name = 'FifoGroupBlockedError';
  }
}

import { CrmSyncError } from '../errors.ts';

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
 * (`data.vatNumber`). Permanent: reason `missing-vat`.
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
 * The record was not (fully) processed because the invocation ran out of time. Transient: reason `timeout`;
 * the record is reported as a batch item failure and comes back.
 *
 * @example
 * throw new TimeBudgetError('not started: 1200 ms left');
 */
export class TimeBudgetError extends CrmSyncError {
  constructor(detail: string) {
    super(`time budget exhausted: ${detail}`, { transient: true, reason: 'timeout' });
    this.name = 'TimeBudgetError';
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

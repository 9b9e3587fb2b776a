import { createHash } from 'node:crypto';
import type { CroListedCustomer } from '../crm/schemas.ts';
import { customerEvent } from '../events/customerEvent.ts';
import { normaliseSourceTimestamp } from '../mapping/sourceTimestamp.ts';
import type { OutgoingEvent } from '../queue/enqueueEvents.ts';

/** Above this size a snapshot is left out of the event (the sync then reads CRO): SQS takes 256 KiB. */
const MAX_SNAPSHOT_BYTES = 200 * 1024;
/** IC's limit for a VAT number. */
const MAX_VAT_LENGTH = 64;

/** What an event of a listing needs besides the customer. */
export interface ReconcileEventContext {
  tenantId: number;
  /**
   * `last_updated_gte` of the listing (canonical UTC); absent for a listing of every customer. A customer
   * created at or after it (or any customer, when absent) was created inside the window.
   */
  since?: string;
  /** When the listing began (canonical UTC): versions the id of a customer without a readable `last_updated_on`. */
  startedAt: string;
  /** Path of the VAT number in CRO's CustomerModel (`CRM_VAT_FIELD` split on dots), if the tenant keeps one. */
  vatField?: readonly string[];
}

/**
 * The event id of a customer version: `reconcile-` + the first 32 hex digits of
 * SHA-256(`<tenant>:<customer>:<canonical last_updated_on>`). Deterministic, so listing the same version
 * again (the overlap, a rerun, another location of the same customer) yields the same id, which the sync
 * recognises as applied: no Invisible Collector call.
 *
 * @example
 * reconcileEventId(42, 7, '2020-04-22T17:23:17.363000'); // 'reconcile-…' (same for '2020-04-22T17:23:17.363Z')
 */
export function reconcileEventId(tenantId: number, customerId: number, version: string): string {
  const canonical = normaliseSourceTimestamp(version) ?? version;
  const digest = createHash('sha256').update(`${tenantId}:${customerId}:${canonical}`).digest('hex');
  return `reconcile-${digest.slice(0, 32)}`;
}

/**
 * The §1 event for one listed customer, ready for the queue: it carries the listed CustomerModel as its
 * snapshot (so the sync needs no CRO read) and its `time` is the customer's `last_updated_on`, so it orders
 * among webhook events by the change it describes.
 *
 * - `crm.customer.created` when the customer was created inside the listed window AND the event carries a
 *   VAT number (the sync then registers first: 2 Invisible Collector calls); otherwise
 *   `crm.customer.updated` (update by externalId first, register on a 404 when a VAT number is there).
 * - `data.vatNumber` from `vatField` when the tenant keeps the VAT number in CRO (CustomerModel has no VAT
 *   field of its own).
 *
 * @example
 * const outgoing = reconcileEvent(customer, { tenantId: 42, startedAt, vatField: ['tax_id'] });
 * await enqueueEvents(sqs, queueUrl, [outgoing]);
 */
export function reconcileEvent(customer: CroListedCustomer, context: ReconcileEventContext): OutgoingEvent {
  const { tenantId } = context;
  const version = normaliseSourceTimestamp(customer.last_updated_on);
  const vatNumber = context.vatField === undefined ? undefined : readVat(customer, context.vatField);
  const createdOn = normaliseSourceTimestamp(customer.created_on);
  const createdInWindow =
    context.since === undefined || (createdOn !== undefined && createdOn >= context.since);
  const snapshotFits = Buffer.byteLength(JSON.stringify(customer)) <= MAX_SNAPSHOT_BYTES;
  const event = customerEvent({
    tenantId,
    customerId: customer.id,
    type: createdInWindow && vatNumber !== undefined ? 'crm.customer.created' : 'crm.customer.updated',
    id: reconcileEventId(tenantId, customer.id, version ?? `unversioned:${context.startedAt}`),
    time: version ?? context.startedAt,
    data: {
      // Without a readable version the snapshot cannot prove its age: the sync reads CRO instead.
      ...(version !== undefined && snapshotFits && { customer: customer as Record<string, unknown> }),
      ...(vatNumber !== undefined && { vatNumber }),
    },
  });
  return { id: event.id, tenantId, customerId: customer.id, body: JSON.stringify(event) };
}

/** The VAT number at `path` (object keys; a numeric segment indexes an array), if it is a usable string. */
export function readVat(customer: Record<string, unknown>, path: readonly string[]): string | undefined {
  let value: unknown = customer;
  for (const segment of path) {
    if (Array.isArray(value) && /^\d+$/.test(segment)) value = value[Number(segment)];
    else if (value !== null && typeof value === 'object' && !Array.isArray(value))
      value = (value as Record<string, unknown>)[segment];
    else return undefined;
  }
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= MAX_VAT_LENGTH ? trimmed : undefined;
}

import type { CroCustomer } from '../../lib/crm/schemas.ts';
import { customerEvent as buildCustomerEvent } from '../../lib/events/customerEvent.ts';
import type { CustomerEvent } from '../../lib/events/schemas.ts';
import { TENANT_ID } from '../services/startServices.ts';

export interface CustomerEventInput {
  customerId: number;
  /** @default 'crm.customer.updated' */
  type?: CustomerEvent['type'];
  /** @default a random UUID */
  id?: string;
  /** The CRO snapshot to carry (`data.customer`); without it the sync reads CRO. */
  customer?: CroCustomer;
  /** @default the tenant of the bench/soak services */
  tenantId?: number;
}

/**
 * A customer CloudEvent (docs/events.md#event) for a bench/soak customer, with its VAT number ({@link vatNumberOf}), locale
 * `pt-PT` and one custom attribute that never changes (so the latest IC attributes are well defined).
 *
 * @example
 * const event = customerEvent({ customerId: 7, type: 'crm.customer.created' });
 */
export function customerEvent(input: CustomerEventInput): CustomerEvent {
  return buildCustomerEvent({
    tenantId: input.tenantId ?? TENANT_ID,
    customerId: input.customerId,
    ...(input.type !== undefined && { type: input.type }),
    ...(input.id !== undefined && { id: input.id }),
    data: {
      ...(input.customer !== undefined && { customer: input.customer as Record<string, unknown> }),
      vatNumber: vatNumberOf(input.customerId),
      locale: 'pt-PT',
      attributes: { segment: segmentOf(input.customerId) },
    },
  });
}

/** A distinct, stable VAT number per customer (no VAT conflicts between bench customers). */
export const vatNumberOf = (customerId: number): string => `PT5${String(customerId).padStart(8, '0')}`;

/** The customer's constant custom attribute. */
export const segmentOf = (customerId: number): string => (customerId % 2 === 0 ? 'enterprise' : 'smb');

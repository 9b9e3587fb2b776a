// The tests' customer CloudEvent: lib/events' builder for tenant 42, with any field overridden.
import { customerEvent as buildCustomerEvent } from '../../lib/events/customerEvent.ts';
import type { CustomerEvent } from '../../lib/events/schemas.ts';

export const TENANT = 42;

/** Top-level fields to replace, and `data` fields to add or replace. */
export type CustomerEventOverrides = Partial<Omit<CustomerEvent, 'data'>> & {
  data?: Partial<CustomerEvent['data']>;
};

/**
 * A valid `crm.customer.updated` CloudEvent of tenant 42 with a fresh id.
 *
 * @example
 * const event = customerEvent(7, { type: 'crm.customer.created', data: { vatNumber: 'PT500000007' } });
 */
export function customerEvent(customerId: number, overrides: CustomerEventOverrides = {}): CustomerEvent {
  const { data, ...rest } = overrides;
  const event = buildCustomerEvent({ tenantId: TENANT, customerId });
  return { ...event, ...rest, data: { ...event.data, ...data } };
}

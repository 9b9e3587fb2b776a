// Builders for the webhook tests.
import { randomUUID } from 'node:crypto';
import type { CustomerEvent } from '../../../../lib/events/schemas.ts';

export const TENANT = 42;

/** A valid customer CloudEvent for tenant 42 with a fresh id (override anything). */
export function webhookEvent(
  customerId: number,
  overrides: Partial<Omit<CustomerEvent, 'data'>> & { data?: Partial<CustomerEvent['data']> } = {},
): CustomerEvent {
  const { data, ...rest } = overrides;
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: `cro-software/tenants/${TENANT}`,
    type: 'crm.customer.updated',
    time: new Date().toISOString(),
    subject: `customers/${customerId}`,
    ...rest,
    data: { tenantId: TENANT, customerId, ...data },
  };
}

import { randomUUID } from 'node:crypto';
import type { CustomerEvent } from './schemas.ts';

/** What a producer knows about a change; everything else gets its default (docs/events.md#event). */
export interface CustomerEventInput {
  tenantId: number;
  customerId: number;
  /** @default 'crm.customer.updated' */
  type?: CustomerEvent['type'];
  /** The deduplication key: keep it stable when sending the same change again. @default a random UUID */
  id?: string;
  /** @default now, ISO 8601 */
  time?: string;
  /** Optional fields of `data` (`customer` snapshot, `vatNumber`, `locale`, `attributes`). */
  data?: Omit<Partial<CustomerEvent['data']>, 'tenantId' | 'customerId'>;
}

/**
 * A `crm.customer.*` CloudEvent as the sync expects it (docs/events.md#event): `source` `cro-software/tenants/<tenant>`,
 * `subject` `customers/<id>`. For producers that send events to the queue directly, and for the local example.
 *
 * @example
 * const event = customerEvent({ tenantId: 42, customerId: 7, data: { vatNumber: 'PT500000007' } });
 * await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(event) }));
 */
export function customerEvent(input: CustomerEventInput): CustomerEvent {
  const { tenantId, customerId } = input;
  // The input's ids win over any in `data` (a cast or plain-JS caller could pass them there).
  const {
    tenantId: _tenant,
    customerId: _customer,
    ...rest
  }: Partial<CustomerEvent['data']> = input.data ?? {};
  return {
    specversion: '1.0',
    id: input.id ?? randomUUID(),
    source: `cro-software/tenants/${tenantId}`,
    type: input.type ?? 'crm.customer.updated',
    time: input.time ?? new Date().toISOString(),
    subject: `customers/${customerId}`,
    data: { tenantId, customerId, ...rest },
  };
}

import { z } from 'zod';

/** Event types crm-sync consumes (CONTRACT.md §1). */
export const CUSTOMER_EVENT_TYPES = ['crm.customer.created', 'crm.customer.updated'] as const;

const positiveInt = z.number().int().positive();

/** `data` of a customer-changed event. Unknown extra fields are accepted and dropped. */
export const CustomerEventDataSchema = z.object({
  tenantId: positiveInt,
  customerId: positiveInt,
  /** Optional snapshot of CRO's CustomerModel, as `GET /customers/{id}` returns it. Validated by the sync. */
  customer: z.record(z.string(), z.unknown()).optional(),
  vatNumber: z.string().trim().min(1).max(64).optional(),
  locale: z.string().trim().min(1).max(16).optional(),
  attributes: z.record(z.string(), z.string()).optional(),
});

/**
 * A CloudEvents 1.0 structured-mode JSON event announcing that a CRO customer changed.
 *
 * @example
 * CustomerEventSchema.parse({
 *   specversion: '1.0', id: 'e-1', source: 'cro-software/tenants/42', type: 'crm.customer.updated',
 *   data: { tenantId: 42, customerId: 1 },
 * });
 */
export const CustomerEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(256),
  source: z.string().min(1).max(1024),
  type: z.enum(CUSTOMER_EVENT_TYPES),
  time: z.iso.datetime({ offset: true }).optional(),
  subject: z.string().optional(),
  datacontenttype: z.string().optional(),
  data: CustomerEventDataSchema,
});

export type CustomerEvent = z.infer<typeof CustomerEventSchema>;
export type CustomerEventData = z.infer<typeof CustomerEventDataSchema>;

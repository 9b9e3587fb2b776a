import * as z from '../zod.ts';

/** Event types crm-sync consumes (docs/events.md#event). */
export const CUSTOMER_EVENT_TYPES = ['crm.customer.created', 'crm.customer.updated'] as const;

const positiveInt = z.number().check(z.int(), z.positive());
const trimmedText = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

/** `data` of a customer-changed event. Unknown extra fields are accepted and dropped. */
export const CustomerEventDataSchema = z.object({
  tenantId: positiveInt,
  customerId: positiveInt,
  /** Optional snapshot of CRO's CustomerModel, as `GET /customers/{id}` returns it. Validated by the sync. */
  customer: z.optional(z.record(z.string(), z.unknown())),
  vatNumber: z.optional(trimmedText(64)),
  locale: z.optional(trimmedText(16)),
  attributes: z.optional(z.record(z.string(), z.string())),
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
  id: z.string().check(z.minLength(1), z.maxLength(256)),
  source: z.string().check(z.minLength(1), z.maxLength(1024)),
  type: z.enum(CUSTOMER_EVENT_TYPES),
  time: z.optional(z.iso.datetime({ offset: true })),
  subject: z.optional(z.string()),
  datacontenttype: z.optional(z.string()),
  data: CustomerEventDataSchema,
});

export type CustomerEvent = z.infer<typeof CustomerEventSchema>;
export type CustomerEventData = z.infer<typeof CustomerEventDataSchema>;

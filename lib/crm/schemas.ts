import { z } from 'zod';

// CRO Software's CustomerModel (GET /customers/{customer_id}); see ../shared/docs/cro-software-GET-customer.txt.
// Validated leniently: unknown fields are stripped, nullable fields accept null, so a vendor addition
// never breaks the sync.

const nullableString = z.string().nullish();

export const CroAddressSchema = z.object({
  id: z.number().int().optional(),
  country: nullableString,
  is_active: z.boolean().default(true),
  is_billing: z.boolean().default(false),
  is_physical: z.boolean().nullish(),
  is_shipping: z.boolean().nullish(),
  line_1: nullableString,
  line_2: nullableString,
  line_3: nullableString,
  line_4: nullableString,
  locality: nullableString,
  postcode: nullableString,
  region: nullableString,
  latitude: z.number().nullish(),
  longitude: z.number().nullish(),
});

export const CroContactSchema = z.object({
  id: z.number().int().optional(),
  /** A comma-separated list of addresses. */
  email: nullableString,
  name: nullableString,
  number: nullableString,
  fax: nullableString,
});

export const CroCustomerSchema = z.object({
  id: z.number().int(),
  name: z.string().min(1).max(64),
  parent_id: z.number().int().nullish(),
  created_on: nullableString,
  last_updated_on: nullableString,
  addresses: z.array(CroAddressSchema).default([]),
  contacts: z.array(CroContactSchema).default([]),
  locations: z.array(z.unknown()).default([]),
});

export type CroAddress = z.infer<typeof CroAddressSchema>;
export type CroContact = z.infer<typeof CroContactSchema>;
export type CroCustomer = z.infer<typeof CroCustomerSchema>;

import * as z from '../zod.ts';

// CRO Software's CustomerModel, as its API reference documents GET /customers/{customer_id}.
// Validated leniently: unknown fields are stripped, nullable fields accept null, so a vendor addition
// never breaks the sync.

const nullableString = z.nullish(z.string());
const nullableBoolean = z.nullish(z.boolean());
const nullableNumber = z.nullish(z.number());
const int = z.number().check(z.int());

export const CroAddressSchema = z.object({
  id: z.optional(int),
  country: nullableString,
  is_active: z._default(z.boolean(), true),
  is_billing: z._default(z.boolean(), false),
  is_physical: nullableBoolean,
  is_shipping: nullableBoolean,
  line_1: nullableString,
  line_2: nullableString,
  line_3: nullableString,
  line_4: nullableString,
  locality: nullableString,
  postcode: nullableString,
  region: nullableString,
  latitude: nullableNumber,
  longitude: nullableNumber,
});

export const CroContactSchema = z.object({
  id: z.optional(int),
  /** A comma-separated list of addresses. */
  email: nullableString,
  name: nullableString,
  number: nullableString,
  fax: nullableString,
});

export const CroCustomerSchema = z.object({
  id: int,
  name: z.string().check(z.minLength(1), z.maxLength(64)),
  parent_id: z.nullish(int),
  created_on: nullableString,
  last_updated_on: nullableString,
  addresses: z._default(z.array(CroAddressSchema), []),
  contacts: z._default(z.array(CroContactSchema), []),
  locations: z._default(z.array(z.unknown()), []),
});

export type CroAddress = z.infer<typeof CroAddressSchema>;
export type CroContact = z.infer<typeof CroContactSchema>;
export type CroCustomer = z.infer<typeof CroCustomerSchema>;

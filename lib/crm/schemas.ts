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

// The list endpoints (`GET /locations`, `GET /locations/{id}/customers`) answer pages of this shape.
const count = z.number().check(z.int(), z.gte(0));

/** A page of a CRO list: `{current_limit, current_page, results, total_count, total_pages}`. */
export const croPageSchema = <T extends z.ZodMiniType>(item: T) =>
  z.object({
    current_limit: count,
    current_page: count,
    results: z.array(item),
    /** Capped by CRO at {@link CRO_LIST_CAPS}.totalCount: a capped value is a lower bound. */
    total_count: count,
    total_pages: count,
  });

/** CRO's documented limits of the list endpoints. */
export const CRO_LIST_CAPS = {
  /** `total_count` never exceeds this (the list serves at most this many results). */
  totalCount: 100_000,
  /** `total_pages` never exceeds this. */
  totalPages: 1_000,
  /** Largest `page_index` accepted. */
  pageIndex: 10_000,
  /** Largest `page_limit` accepted. */
  pageLimit: 1_000,
} as const;

/** A LocationModel, reduced to what the reconciliation reads; other fields are kept as they come. */
export const CroLocationSchema = z.looseObject({
  id: int,
  name: nullableString,
  is_active: z._default(z.boolean(), true),
});

/**
 * A CustomerModel as the customer list returns it: only the fields the listing itself reads are checked
 * (the id and the timestamps); every field is kept, so the object is the snapshot `GET /customers/{id}` would
 * give and travels as such in the event (the sync validates it with {@link CroCustomerSchema}).
 */
export const CroListedCustomerSchema = z.looseObject({
  id: int,
  created_on: nullableString,
  last_updated_on: nullableString,
});

export const CroLocationPageSchema = croPageSchema(CroLocationSchema);
export const CroCustomerPageSchema = croPageSchema(CroListedCustomerSchema);

export type CroLocation = z.infer<typeof CroLocationSchema>;
export type CroListedCustomer = z.infer<typeof CroListedCustomerSchema>;
export type CroPage<T> = {
  current_limit: number;
  current_page: number;
  results: T[];
  total_count: number;
  total_pages: number;
};

import { z } from 'zod';

/** The only locales Invisible Collector accepts (POST/PUT /customers); the API's default is `pt`. */
export const IC_LOCALES = ['pt', 'es', 'en', 'fr-fr', 'de', 'zh-CN'] as const;
export const IcLocaleSchema = z.enum(IC_LOCALES);
export type IcLocale = z.infer<typeof IcLocaleSchema>;

const country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in upper case');
const text = z.string().trim().min(1).max(1024);

/** Writable customer fields, validated strictly before any request (unknown keys are an error). */
const customerFields = {
  name: text,
  externalId: text,
  vatNumber: z.string().trim().min(1).max(64),
  address: text,
  zipCode: z.string().trim().min(1).max(64),
  city: text,
  country,
  email: z.string().trim().min(3).max(320),
  phone: z.string().trim().min(1).max(64),
  mobile: z.string().trim().min(1).max(64),
  locale: IcLocaleSchema,
};

/** Body of `POST /customers` (register): name, vatNumber and country are mandatory. */
export const IcRegisterCustomerSchema = z
  .object(customerFields)
  .partial()
  .required({ name: true, vatNumber: true, country: true })
  .strict();

/** Body of `PUT /customers/:id` (update): country is mandatory. */
export const IcUpdateCustomerSchema = z.object(customerFields).partial().required({ country: true }).strict();

/** A customer as the API returns it: lenient (the vendor's own fixtures omit locale and phone). */
export const IcCustomerSchema = z.looseObject({
  gid: z.string().min(1),
  name: z.string().nullish(),
  externalId: z.string().nullish(),
  vatNumber: z.string().nullish(),
  address: z.string().nullish(),
  zipCode: z.string().nullish(),
  city: z.string().nullish(),
  country: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  mobile: z.string().nullish(),
  locale: z.string().nullish(),
});

/** Custom attributes: non-empty keys and values (the API rejects empty ones). */
export const IcAttributesSchema = z.record(z.string().min(1), z.string().min(1));

/**
 * Attributes as the API returns them: lenient (numbers/booleans become strings, nulls are dropped),
 * so one odd value set elsewhere never fails a sync.
 */
export const IcAttributesResponseSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .transform((map) =>
    Object.fromEntries(
      Object.entries(map)
        .filter(([, value]) => value !== null)
        .map(([key, value]) => [key, String(value)]),
    ),
  );

/** Error body: `{ code, message, gid? }`, `code` as number or string. */
export const IcErrorBodySchema = z.looseObject({
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
  gid: z.string().optional(),
});

export type IcRegisterCustomer = z.infer<typeof IcRegisterCustomerSchema>;
export type IcUpdateCustomer = z.infer<typeof IcUpdateCustomerSchema>;
export type IcCustomer = z.infer<typeof IcCustomerSchema>;
export type IcAttributes = z.infer<typeof IcAttributesSchema>;

import { COUNTRY_CODE_PROBLEM, isIsoCountryCode } from '../countries.ts';
import * as z from '../zod.ts';

/** The only locales Invisible Collector accepts (POST/PUT /customers); the API's default is `pt`. */
export const IC_LOCALES = ['pt', 'es', 'en', 'fr-fr', 'de', 'zh-CN'] as const;
export const IcLocaleSchema = z.enum(IC_LOCALES);
export type IcLocale = z.infer<typeof IcLocaleSchema>;

const country = z.string().check(z.refine(isIsoCountryCode, COUNTRY_CODE_PROBLEM));
/** A string trimmed, then of `min`–`max` characters. */
const trimmed = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max));
const text = trimmed(1, 1024);

/** Writable customer fields, validated strictly before any request (unknown keys are an error). */
const customerFields = {
  name: text,
  externalId: text,
  vatNumber: trimmed(1, 64),
  address: text,
  zipCode: trimmed(1, 64),
  city: text,
  country,
  email: trimmed(3, 320),
  phone: trimmed(1, 64),
  mobile: trimmed(1, 64),
  locale: IcLocaleSchema,
};

/** Body of `POST /customers` (register): name, vatNumber and country are mandatory. */
export const IcRegisterCustomerSchema = z.required(z.partial(z.strictObject(customerFields)), {
  name: true,
  vatNumber: true,
  country: true,
});

/** Body of `PUT /customers/:id` (update): country is mandatory. */
export const IcUpdateCustomerSchema = z.required(z.partial(z.strictObject(customerFields)), {
  country: true,
});

const nullableString = z.nullish(z.string());

/** A customer as the API returns it: lenient (the vendor's own fixtures omit locale and phone). */
export const IcCustomerSchema = z.looseObject({
  gid: z.string().check(z.minLength(1)),
  name: nullableString,
  externalId: nullableString,
  vatNumber: nullableString,
  address: nullableString,
  zipCode: nullableString,
  city: nullableString,
  country: nullableString,
  email: nullableString,
  phone: nullableString,
  mobile: nullableString,
  locale: nullableString,
});

/** Custom attributes: non-empty keys and values (the API rejects empty ones). */
const nonEmpty = z.string().check(z.minLength(1));
export const IcAttributesSchema = z.record(nonEmpty, nonEmpty);

/**
 * Attributes as the API returns them: lenient (numbers/booleans become strings, nulls are dropped),
 * so one odd value set elsewhere never fails a sync.
 */
export const IcAttributesResponseSchema = z.pipe(
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  z.transform((map: Record<string, string | number | boolean | null>) =>
    Object.fromEntries(
      Object.entries(map)
        .filter(([, value]) => value !== null)
        .map(([key, value]) => [key, String(value)]),
    ),
  ),
);

/** Error body: `{ code, message, gid? }`, `code` as number or string. */
export const IcErrorBodySchema = z.looseObject({
  code: z.optional(z.union([z.number(), z.string()])),
  message: z.optional(z.string()),
  gid: z.optional(z.string()),
});

export type IcRegisterCustomer = z.infer<typeof IcRegisterCustomerSchema>;
export type IcUpdateCustomer = z.infer<typeof IcUpdateCustomerSchema>;
export type IcCustomer = z.infer<typeof IcCustomerSchema>;
export type IcAttributes = z.infer<typeof IcAttributesSchema>;

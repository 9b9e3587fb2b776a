import { COUNTRY_CODE_PROBLEM, isIsoCountryCode } from '../countries.ts';
import type { IcLocale, IcUpdateCustomer } from '../invisible-collector/schemas.ts';
import { MappingError } from './errors.ts';
import { normaliseLocale } from './normaliseLocale.ts';
import type { MappingSources } from './selectSources.ts';

/** What the field rules read besides the CRO customer: the event's extras and the configured fallbacks. */
export interface FieldContext {
  sources: MappingSources;
  tenantId: number;
  customerId: number;
  vatNumber?: string;
  locale?: string;
  defaultCountry?: string;
  defaultLocale?: string;
}

/** One row of the mapping table (docs/events.md#mapping): the IC field, where it comes from (for humans), how it is read. */
export interface FieldRule {
  field: keyof IcUpdateCustomer;
  from: string;
  /** The value, `undefined` to leave the field out; throws {@link MappingError} when it cannot be produced. */
  read(context: FieldContext): string | undefined;
}

/** The locale when neither the event nor DEFAULT_LOCALE gives a supported one (IC's own default). */
export const FALLBACK_LOCALE: IcLocale = 'pt';

/**
 * CRO → Invisible Collector, one row per IC field (docs/events.md#mapping). The order is the document's key order.
 * Absent or blank source values leave the field out, so an update never blanks a field in IC.
 */
export const FIELD_TABLE: readonly FieldRule[] = [
  {
    field: 'externalId',
    from: '`cro-<tenantId>-<customerId>`',
    read: ({ tenantId, customerId }) => externalIdOf(tenantId, customerId),
  },
  { field: 'name', from: '`customer.name`', read: ({ sources }) => text(sources.customer.name) },
  {
    field: 'address',
    from: 'the address: `line_1..line_4`, non-empty, joined with ", "',
    read: ({ sources: { address } }) =>
      text(
        [address?.line_1, address?.line_2, address?.line_3, address?.line_4]
          .map((line) => line?.trim())
          .filter((line) => line !== undefined && line !== '')
          .join(', '),
      ),
  },
  {
    field: 'zipCode',
    from: 'the address `postcode`',
    read: ({ sources }) => text(sources.address?.postcode),
  },
  { field: 'city', from: 'the address `locality`', read: ({ sources }) => text(sources.address?.locality) },
  { field: 'country', from: 'the address `country`, else DEFAULT_COUNTRY', read: readCountry },
  {
    field: 'email',
    from: 'first address of the first contact with one',
    read: ({ sources }) => sources.email,
  },
  {
    field: 'phone',
    from: "that contact's `number`, else the first number",
    read: ({ sources }) => sources.phone,
  },
  { field: 'vatNumber', from: '`data.vatNumber`', read: ({ vatNumber }) => text(vatNumber) },
  {
    field: 'locale',
    from: '`data.locale` normalised, else DEFAULT_LOCALE, else `pt`',
    read: ({ locale, defaultLocale }) =>
      normaliseLocale(locale) ?? normaliseLocale(defaultLocale) ?? FALLBACK_LOCALE,
  },
];

/**
 * The externalId under which a CRO customer lives in Invisible Collector.
 *
 * @example
 * externalIdOf(42, 1); // 'cro-42-1'
 */
export function externalIdOf(tenantId: number, customerId: number): string {
  return `cro-${tenantId}-${customerId}`;
}

function readCountry({ sources, defaultCountry }: FieldContext): string {
  const fromAddress = text(sources.address?.country)?.toUpperCase();
  if (fromAddress !== undefined) {
    // A country name, an alpha-3 or a reserved code (UK) is not guessed at: dead-letter so the CRM data gets fixed.
    if (!isIsoCountryCode(fromAddress)) {
      throw new MappingError('missing-country', 'country', `the address country ${COUNTRY_CODE_PROBLEM}`);
    }
    return fromAddress;
  }
  const fallback = text(defaultCountry)?.toUpperCase();
  if (fallback !== undefined) return fallback;
  throw new MappingError(
    'missing-country',
    'country',
    sources.address === undefined
      ? 'the customer has no active address and DEFAULT_COUNTRY is not set'
      : 'the address has no country and DEFAULT_COUNTRY is not set',
  );
}

function text(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

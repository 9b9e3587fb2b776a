import { iso31661 } from 'iso-3166';

/**
 * The 249 officially assigned ISO 3166-1 alpha-2 codes, from the `iso-3166` package (the ISO 3166
 * Maintenance Agency's list). Invisible Collector takes "the customer's ISO 3166-1 country code": a code
 * that is merely well-formed (`XX`) or only reserved (`UK`, `EL`) is refused here, with a clear error,
 * before anything is sent.
 */
export const ISO_COUNTRY_CODES: ReadonlySet<string> = new Set(iso31661.map((country) => country.alpha2));

/**
 * True for an officially assigned ISO 3166-1 alpha-2 code, in upper case.
 *
 * @example
 * isIsoCountryCode('GB'); // true
 * isIsoCountryCode('UK'); // false (reserved, not assigned: the United Kingdom is GB)
 */
export function isIsoCountryCode(code: string): boolean {
  return ISO_COUNTRY_CODES.has(code);
}

/** The error text for a code that is not one (`UK` is a common slip for `GB`). */
export const COUNTRY_CODE_PROBLEM =
  'must be an officially assigned ISO 3166-1 alpha-2 code in upper case (GB, not UK)';

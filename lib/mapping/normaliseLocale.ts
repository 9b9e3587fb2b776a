import { IC_LOCALES, type IcLocale } from '../invisible-collector/schemas.ts';

/** Invisible Collector locale for each supported primary language subtag (BCP 47, lower case). */
const BY_LANGUAGE: Readonly<Record<string, IcLocale>> = {
  pt: 'pt',
  es: 'es',
  en: 'en',
  fr: 'fr-fr',
  de: 'de',
  zh: 'zh-CN',
};

/**
 * Normalises a locale tag (BCP 47 or POSIX style, any case) to one Invisible Collector accepts
 * (`pt, es, en, fr-fr, de, zh-CN`), by its primary language: `pt-PT`/`pt_BR` → `pt`, `en-GB` → `en`,
 * `fr`/`fr-CA` → `fr-fr`, `zh`/`zh-Hant-TW` → `zh-CN` (IC's only Chinese locale).
 * Returns `undefined` for an unsupported language or a malformed tag, so the caller falls back.
 *
 * @example
 * normaliseLocale('pt-PT'); // 'pt'
 * normaliseLocale('it');    // undefined
 */
export function normaliseLocale(value: string | null | undefined): IcLocale | undefined {
  if (typeof value !== 'string') return undefined;
  const tag = value.trim().replace(/_/g, '-');
  const exact = IC_LOCALES.find((locale) => locale.toLowerCase() === tag.toLowerCase());
  if (exact !== undefined) return exact;
  const match = /^([A-Za-z]{2,3})(?:-[A-Za-z0-9]{1,8})*$/.exec(tag);
  if (match === null) return undefined;
  return BY_LANGUAGE[match[1]!.toLowerCase()];
}

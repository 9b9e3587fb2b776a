// CRO sends zone-less ISO 8601 timestamps with microseconds ("2020-04-22T17:23:17.363000"); an event's
// own timestamps may carry an offset. One canonical form makes watermarks comparable as plain strings.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Canonical UTC form of an ISO 8601 timestamp, `YYYY-MM-DDTHH:mm:ss.ffffffZ` (microseconds, as CRO keeps
 * them), so that two canonical timestamps compare correctly with `<` / `>` as strings. A timestamp
 * without an offset is taken as UTC (CRO's convention). Returns `undefined` when `value` is not a timestamp.
 *
 * @example
 * normaliseSourceTimestamp('2020-04-22T17:23:17.363000');      // '2020-04-22T17:23:17.363000Z'
 * normaliseSourceTimestamp('2020-04-22T19:23:17.3+02:00');     // '2020-04-22T17:23:17.300000Z'
 */
export function normaliseSourceTimestamp(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  // A sync compares the same few timestamps many times (events, CRO, the watermark): parse each once.
  const known = CANONICAL.get(value);
  if (known !== undefined || CANONICAL.has(value)) return known;
  const canonical = canonicalOf(value);
  if (CANONICAL.size >= CACHE_SIZE) CANONICAL.delete(CANONICAL.keys().next().value!);
  CANONICAL.set(value, canonical);
  return canonical;
}

const CACHE_SIZE = 1_000;
/** Inputs → canonical form (or `undefined`), the oldest dropped first. */
const CANONICAL = new Map<string, string | undefined>();

function canonicalOf(value: string): string | undefined {
  const match = ISO_8601.exec(value.trim());
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second = '00', fraction = '', zone = 'Z'] = match;
  const wholeMs = Date.UTC(+year!, +month! - 1, +day!, +hour!, +minute!, +second);
  const check = new Date(wholeMs);
  // Date.UTC silently rolls 2026-02-30 over to March: reject instead.
  const parts = [check.getUTCMonth() + 1, check.getUTCDate(), check.getUTCHours(), check.getUTCMinutes()];
  if (parts.join() !== [+month!, +day!, +hour!, +minute!].join() || +second > 59) return undefined;
  const shifted = new Date(wholeMs - offsetMinutes(zone) * 60_000);
  if (Number.isNaN(shifted.getTime())) return undefined;
  const micros = fraction.padEnd(6, '0').slice(0, 6);
  return `${shifted.toISOString().slice(0, 19)}.${micros}Z`;
}

/**
 * Orders two timestamps (any form {@link normaliseSourceTimestamp} accepts); an unreadable one counts as
 * the oldest. Returns a negative number, 0 or a positive number like `Array.prototype.sort` expects.
 *
 * @example
 * compareSourceTimestamps('2020-04-22T17:23:17.363000', '2020-04-22T17:23:17.363Z'); // 0
 */
export function compareSourceTimestamps(a: string | null | undefined, b: string | null | undefined): number {
  const left = normaliseSourceTimestamp(a) ?? '';
  const right = normaliseSourceTimestamp(b) ?? '';
  return left < right ? -1 : left > right ? 1 : 0;
}

function offsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

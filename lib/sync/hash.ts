import { createHash } from 'node:crypto';

/** Characters of the base64url sha256 kept: 22 → 132 bits, ample for "did this document change". */
const HASH_LENGTH = 22;

/**
 * A short, stable hash of a JSON-like value: object keys are sorted at every depth, `undefined` members
 * are dropped (as JSON does), so two documents with the same content hash alike whatever their key order.
 * Used to skip writes to Invisible Collector when the mapped document or attributes did not change.
 *
 * @example
 * stableHash({ b: 1, a: 'x' }) === stableHash({ a: 'x', b: 1 }); // true
 */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, HASH_LENGTH);
}

/** JSON with object keys sorted at every depth (the hashed form). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

/** Characters of each half of a {@link splitHash}: 66 bits each. */
const HALF_LENGTH = 11;

/**
 * The hash of what was last written in two halves, so a write is skipped when nothing changed even though
 * events carry different subsets of values: the first half covers what every sync writes (`base`: the
 * document from CRO, the `cro_*` attributes), the second what only some events carry (`carried`: a VAT number,
 * event attributes — only those newer than the last ones). A sync carrying nothing compares the first half
 * only, and keeps the stored second half.
 *
 * @example
 * const doc = splitHash({ name: 'Acme' }, { vatNumber: 'PT1' }, state.docHash);
 * if (doc.changed) await ic.updateCustomer(...); // then store doc.hash
 */
export function splitHash(
  base: unknown,
  carried: unknown,
  previous: string | undefined,
): { hash: string; changed: boolean } {
  const baseHalf = stableHash(base).slice(0, HALF_LENGTH);
  const [previousBase, previousCarried = ''] =
    previous === undefined ? [] : [previous.slice(0, HALF_LENGTH), previous.slice(HALF_LENGTH)];
  const carriedHalf = carried === undefined ? previousCarried : stableHash(carried).slice(0, HALF_LENGTH);
  return {
    hash: baseHalf + carriedHalf,
    changed: baseHalf !== previousBase || carriedHalf !== previousCarried,
  };
}

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

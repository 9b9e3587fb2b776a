import { createHash, randomBytes } from 'node:crypto';
import type { CustomerKey, FieldTimes, SyncState } from './types.ts';
import { MAX_ATTRIBUTE_TIMES, MAX_EVENT_IDS } from './types.ts';

/** The state table's schema, shared by the store, `startLocalDynamo` and the CDK stack. */
export const STATE_TABLE = {
  /** Partition key (string); no sort key. */
  partitionKey: 'pk',
  /** TTL attribute (epoch seconds), refreshed on every commit. */
  ttlAttribute: 'ttl',
} as const;

/** How long a customer's state outlives its last commit. @default 400 days */
export const STATE_TTL_SECONDS = 400 * 24 * 3600;

/** base64url characters kept of an event id's SHA-256: 66 bits, so a new id matches one of 40 kept by chance ~1 in 2^60. */
const EVENT_KEY_LENGTH = 11;
/** base64url characters kept of an attribute key's SHA-256 (36 bits; a clash only shares an event time). */
const ATTRIBUTE_KEY_LENGTH = 6;

/**
 * The partition key of a customer's item.
 *
 * @example
 * statePk({ tenantId: 42, customerId: 1 }); // 'customer#42#1'
 */
export function statePk(key: CustomerKey): string {
  return `customer#${key.tenantId}#${key.customerId}`;
}

/**
 * A new lease owner id: 16 base64url characters (96 random bits), short because it is stored in the item.
 *
 * @example
 * const owner = newLeaseOwner();
 */
export function newLeaseOwner(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * What the state remembers of a CloudEvent id: 11 base64url characters of its SHA-256. Event ids may be 256
 * characters long; 40 of these fit the item's 1 KB budget.
 *
 * @example
 * eventKey('4f1c7a52-0d7e-4c2e-9a55-0b7f3e4d2a10'); // 11 characters of [A-Za-z0-9_-]
 */
export function eventKey(eventId: string): string {
  return shortHash(eventId, EVENT_KEY_LENGTH);
}

/**
 * How the state names an attribute key in {@link FieldTimes}: 6 base64url characters of its SHA-256.
 *
 * @example
 * attributeKey('segment');
 */
export function attributeKey(name: string): string {
  return shortHash(name, ATTRIBUTE_KEY_LENGTH);
}

function shortHash(value: string, length: number): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, length);
}

/** `previous` then `added`, each key once (its latest position), the newest `max` kept. */
export function mergeEventKeys(
  previous: readonly string[],
  added: readonly string[],
  max = MAX_EVENT_IDS,
): string[] {
  const all = [...previous, ...added];
  const lastIndex = new Map(all.map((id, index) => [id, index]));
  return all.filter((id, index) => lastIndex.get(id) === index).slice(-max);
}

/**
 * `times` with at most {@link MAX_ATTRIBUTE_TIMES} attribute entries: the oldest ones are folded into
 * `attributesFloor` (the newest time dropped), so a dropped key is treated as set at that time — an old value
 * can still never replace a newer one; at worst an older value for such a key is not taken.
 */
export function boundFieldTimes(times: FieldTimes, max = MAX_ATTRIBUTE_TIMES): FieldTimes {
  const entries = Object.entries(times.attributes).sort(([, a], [, b]) => b - a);
  if (entries.length <= max) return cloneTimes(times);
  const dropped = entries.slice(max);
  const floor = Math.max(times.attributesFloor ?? -Infinity, ...dropped.map(([, time]) => time));
  return {
    ...definedTimes(times),
    attributes: Object.fromEntries(entries.slice(0, max)),
    attributesFloor: floor,
  };
}

/** A copy of `state` without undefined members. */
export function cloneState(state: SyncState): SyncState {
  const { eventKeys, fieldTimes, ...rest } = state;
  return {
    ...(Object.fromEntries(
      Object.entries(rest).filter(([, value]) => value !== undefined),
    ) as Partial<SyncState>),
    eventKeys: [...eventKeys],
    fieldTimes: cloneTimes(fieldTimes),
  };
}

/** The empty state of a customer never seen. */
export function emptyState(): SyncState {
  return { eventKeys: [], fieldTimes: { attributes: {} } };
}

function cloneTimes(times: FieldTimes): FieldTimes {
  return { ...definedTimes(times), attributes: { ...times.attributes } };
}

function definedTimes(times: FieldTimes): Omit<FieldTimes, 'attributes'> {
  return {
    ...(times.vatNumber !== undefined && { vatNumber: times.vatNumber }),
    ...(times.locale !== undefined && { locale: times.locale }),
    ...(times.attributesFloor !== undefined && { attributesFloor: times.attributesFloor }),
  };
}

import type { CustomerKey, SyncState } from './types.ts';
import { MAX_EVENT_IDS } from './types.ts';

/** The state table's schema, shared by the store, `startLocalDynamo` and the CDK stack. */
export const STATE_TABLE = {
  /** Partition key (string); no sort key. */
  partitionKey: 'pk',
  /** TTL attribute (epoch seconds), refreshed on every commit. */
  ttlAttribute: 'ttl',
} as const;

/** How long a customer's state outlives its last commit. @default 400 days */
export const STATE_TTL_SECONDS = 400 * 24 * 3600;

/**
 * The partition key of a customer's item.
 *
 * @example
 * statePk({ tenantId: 42, customerId: 1 }); // 'customer#42#1'
 */
export function statePk(key: CustomerKey): string {
  return `customer#${key.tenantId}#${key.customerId}`;
}

/** `previous` then `added`, each id once (its latest position), the newest `max` kept. */
export function mergeEventIds(
  previous: readonly string[],
  added: readonly string[],
  max = MAX_EVENT_IDS,
): string[] {
  const all = [...previous, ...added];
  const lastIndex = new Map(all.map((id, index) => [id, index]));
  return all.filter((id, index) => lastIndex.get(id) === index).slice(-max);
}

/** A copy of `state` without undefined members. */
export function cloneState(state: SyncState): SyncState {
  return {
    ...(state.gid !== undefined && { gid: state.gid }),
    ...(state.watermark !== undefined && { watermark: state.watermark }),
    ...(state.docHash !== undefined && { docHash: state.docHash }),
    ...(state.attrHash !== undefined && { attrHash: state.attrHash }),
    eventIds: [...state.eventIds],
  };
}

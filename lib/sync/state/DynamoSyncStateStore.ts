import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  conditionFailedItem,
  isConditionFailed,
  toDynamoApi,
  type DynamoApi,
  type DynamoClientOption,
} from '../../aws/dynamoApi.ts';
import { LeaseLostError, StateStoreError } from './errors.ts';
import { boundFieldTimes, emptyState, STATE_TTL_SECONDS, statePk } from './keys.ts';
import {
  MAX_EVENT_IDS,
  MAX_STORED_GID_LENGTH,
  MAX_STORED_LOCALE_LENGTH,
  type AcquireResult,
  type CustomerKey,
  type FieldTimes,
  type StateCommit,
  type StateRelease,
  type SyncState,
  type SyncStateStore,
} from './types.ts';

/** Options of {@link DynamoSyncStateStore}. */
export interface DynamoSyncStateStoreOptions {
  client: DynamoClientOption;
  tableName: string;
  /** Clock (epoch ms); injectable for tests. @default Date.now */
  now?: () => number;
  /** Item lifetime after the last commit, seconds. @default 400 days */
  ttlSeconds?: number;
}

type Item = Record<string, AttributeValue>;

/** The item's attribute names (short: names count towards the 1 KB a write unit covers). */
const A = {
  eventKeys: 'ids',
  fieldTimes: 'times',
  seen: 'seen',
  /** The list of full event ids of items written before the ids were hashed; removed by the next commit. */
  legacyEventIds: 'eventIds',
} as const;
/** Keys of the `times` map besides the attribute-key hashes (which are 6 characters long). */
const T = { vatNumber: 'v', locale: 'l', attributesFloor: 'f' } as const;

/**
 * {@link SyncStateStore} on DynamoDB: one item per customer (`pk = customer#<tenant>#<customer>`), at most
 * 1 KB whatever it holds (one write unit per write; `test/integration/state` checks the worst case).
 *
 * - `acquire` is ONE conditional `UpdateItem` (lease free or expired — and, given event keys, one of them not
 *   applied yet) returning the item as it was (`ALL_OLD`): the state, and whether an expired lease was taken
 *   over. When the condition fails, the item DynamoDB returns with the failure
 *   (`ReturnValuesOnConditionCheckFailure: ALL_OLD`) tells a duplicate (`applied`) from `busy`.
 * - `commit` is ONE `UpdateItem` conditional on `leaseOwner = owner` and an unchanged dirty mark, writing the
 *   state and clearing the lease and the mark.
 * - `release` is ONE `UpdateItem` conditional on `leaseOwner = owner`; a dirty mark whose lease was lost is
 *   still recorded by a second, unconditional-but-monotonic write.
 *
 * Applied event ids are kept as one string `.k1.k2.….` of {@link eventKey}s, so the duplicate check is a
 * `contains` of `.k.` (an exact match: `.` is not a base64url character). DynamoDB failures become
 * {@link StateStoreError} (transient). Items are marshalled by hand: a handful of attributes, so
 * `@aws-sdk/lib-dynamodb` would add a dependency for no gain.
 *
 * @example
 * const store = new DynamoSyncStateStore({ client: new DynamoDBClient({}), tableName: config.stateTableName });
 */
export class DynamoSyncStateStore implements SyncStateStore {
  readonly #dynamo: DynamoApi;
  readonly #table: string;
  readonly #now: () => number;
  readonly #ttlSeconds: number;

  constructor(options: DynamoSyncStateStoreOptions) {
    this.#dynamo = toDynamoApi(options.client);
    this.#table = options.tableName;
    this.#now = options.now ?? Date.now;
    this.#ttlSeconds = options.ttlSeconds ?? STATE_TTL_SECONDS;
  }

  async acquire(
    key: CustomerKey,
    owner: string,
    leaseMs: number,
    eventKeys: readonly string[],
  ): Promise<AcquireResult> {
    const pk = statePk(key);
    const now = this.#now();
    // More keys than the item keeps cannot all be applied: no duplicate check then.
    const keys = [...new Set(eventKeys)];
    const dedup = keys.length > 0 && keys.length <= MAX_EVENT_IDS;
    const values: Item = {
      ':owner': { S: owner },
      ':until': { N: String(now + Math.max(1, leaseMs)) },
      ':now': { N: String(now) },
      ':ttl': { N: String(this.#ttlAt(now)) },
    };
    if (dedup) keys.forEach((k, n) => (values[`:e${n}`] = { S: `.${k}.` }));
    const leaseFree = 'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner';
    const allApplied = keys.map((_, n) => `contains(#ids, :e${n})`).join(' AND ');
    try {
      const { Attributes = {} } = await this.#dynamo.updateItem({
        TableName: this.#table,
        Key: { pk: { S: pk } },
        UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until, #ttl = if_not_exists(#ttl, :ttl)',
        ConditionExpression: dedup ? `(${leaseFree}) AND NOT (${allApplied})` : leaseFree,
        ExpressionAttributeNames: { '#ttl': 'ttl', ...(dedup && { '#ids': A.eventKeys }) },
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_OLD',
        ...(dedup && { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      });
      const previousOwner = Attributes.leaseOwner?.S;
      return {
        kind: 'leased',
        state: toState(Attributes),
        ...(previousOwner !== undefined && {
          // Our own owner: an earlier attempt of this acquire landed, its answer lost (a timeout, then the
          // retry). What that attempt replaced is unknown, possibly a dead holder's lease: now bounds its end.
          takenOverFrom: previousOwner === owner ? now : Number(Attributes.leaseUntil?.N ?? now),
        }),
      };
    } catch (error) {
      if (!isConditionFailed(error)) throw new StateStoreError('acquire', error);
      if (!dedup) return { kind: 'busy' };
      // DynamoDB returns the item with the failure; an emulator without that feature costs a read.
      const applied = toState(conditionFailedItem(error) ?? (await this.#storedItem(pk))).eventKeys;
      return keys.every((k) => applied.includes(k)) ? { kind: 'applied' } : { kind: 'busy' };
    }
  }

  async commit(key: CustomerKey, owner: string, next: StateCommit): Promise<void> {
    const values: Item = {
      ':owner': { S: owner },
      ':ttl': { N: String(this.#ttlAt(this.#now())) },
      ':ids': { S: encodeEventKeys(next.eventKeys) },
      ':times': { M: encodeTimes(next.fieldTimes) },
    };
    const sets = [`${A.eventKeys} = :ids`, `${A.fieldTimes} = :times`, '#ttl = :ttl'];
    const texts = {
      ...storableText(next),
      watermark: next.watermark,
      docHash: next.docHash,
      attrHash: next.attrHash,
    };
    for (const [field, value] of Object.entries(texts)) {
      if (value === undefined) continue;
      sets.push(`${field} = :${field}`);
      values[`:${field}`] = { S: value };
    }
    if (next.seenMs !== undefined) {
      sets.push(`${A.seen} = :seen`);
      values[':seen'] = { N: String(next.seenMs) };
    }
    const removes = ['leaseOwner', 'leaseUntil', 'dirtyUntil', A.legacyEventIds];
    if (next.holdUntil === undefined) removes.push('holdUntil');
    else {
      sets.push('holdUntil = :hold');
      values[':hold'] = { N: String(next.holdUntil) };
    }
    let unchangedMark = 'attribute_not_exists(dirtyUntil)';
    if (next.expectedDirtyUntil !== undefined) {
      unchangedMark = 'dirtyUntil = :dirty';
      values[':dirty'] = { N: String(next.expectedDirtyUntil) };
    }
    try {
      await this.#dynamo.updateItem({
        TableName: this.#table,
        Key: { pk: { S: statePk(key) } },
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
        ConditionExpression: `leaseOwner = :owner AND ${unchangedMark}`,
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: values,
      });
    } catch (error) {
      if (isConditionFailed(error)) throw new LeaseLostError(key);
      throw new StateStoreError('commit', error);
    }
  }

  async release(key: CustomerKey, owner: string, marks: StateRelease = {}): Promise<void> {
    const values: Item = { ':owner': { S: owner } };
    const sets: string[] = [];
    if (marks.dirtyUntil !== undefined) {
      sets.push('dirtyUntil = :dirty');
      values[':dirty'] = { N: String(marks.dirtyUntil) };
    }
    if (marks.seenMs !== undefined) {
      sets.push(`${A.seen} = :seen`);
      values[':seen'] = { N: String(marks.seenMs) };
    }
    const gid = storableText(marks).gid;
    if (gid !== undefined) {
      sets.push('gid = :gid');
      values[':gid'] = { S: gid };
    }
    try {
      await this.#dynamo.updateItem({
        TableName: this.#table,
        Key: { pk: { S: statePk(key) } },
        UpdateExpression: `${sets.length > 0 ? `SET ${sets.join(', ')} ` : ''}REMOVE leaseOwner, leaseUntil`,
        ConditionExpression: 'leaseOwner = :owner',
        ExpressionAttributeValues: values,
      });
    } catch (error) {
      if (!isConditionFailed(error)) throw new StateStoreError('release', error);
      // Not ours any more (expired and taken): the lease is not ours to clear, but writes of unknown outcome
      // happened all the same, so the mark is recorded anyway (only ever moved later).
      if (marks.dirtyUntil !== undefined) await this.#markDirty(key, marks.dirtyUntil);
    }
  }

  async #markDirty(key: CustomerKey, dirtyUntil: number): Promise<void> {
    try {
      await this.#dynamo.updateItem({
        TableName: this.#table,
        Key: { pk: { S: statePk(key) } },
        UpdateExpression: 'SET dirtyUntil = :dirty, #ttl = if_not_exists(#ttl, :ttl)',
        ConditionExpression: 'attribute_not_exists(dirtyUntil) OR dirtyUntil < :dirty',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':dirty': { N: String(dirtyUntil) },
          ':ttl': { N: String(this.#ttlAt(this.#now())) },
        },
      });
    } catch (error) {
      if (isConditionFailed(error)) return; // a later mark is already there
      throw new StateStoreError('release', error);
    }
  }

  /** The item's applied event keys (a consistent read); `{}` when there is no item. */
  async #storedItem(pk: string): Promise<Item> {
    try {
      const { Item } = await this.#dynamo.getItem({
        TableName: this.#table,
        Key: { pk: { S: pk } },
        ConsistentRead: true,
        ProjectionExpression: '#ids',
        ExpressionAttributeNames: { '#ids': A.eventKeys },
      });
      return Item ?? {};
    } catch (error) {
      throw new StateStoreError('acquire', error);
    }
  }

  #ttlAt(nowMs: number): number {
    return Math.floor(nowMs / 1000) + this.#ttlSeconds;
  }
}

// What may be stored of the free-form texts: a gid too long for the item's budget is not remembered (the
// customer is then found by externalId), nor anything longer than an Invisible Collector locale as the locale.
function storableText(fields: { gid?: string; locale?: string }): { gid?: string; locale?: string } {
  return {
    ...(fields.gid !== undefined && fields.gid.length <= MAX_STORED_GID_LENGTH && { gid: fields.gid }),
    ...(fields.locale !== undefined &&
      fields.locale.length <= MAX_STORED_LOCALE_LENGTH && { locale: fields.locale }),
  };
}

function encodeEventKeys(keys: readonly string[]): string {
  const kept = keys.slice(-MAX_EVENT_IDS);
  return kept.length === 0 ? '.' : `.${kept.join('.')}.`;
}

function encodeTimes(times: FieldTimes): Record<string, AttributeValue> {
  const bounded = boundFieldTimes(times);
  const out: Record<string, AttributeValue> = {};
  for (const [hash, time] of Object.entries(bounded.attributes)) out[hash] = { N: String(time) };
  if (bounded.vatNumber !== undefined) out[T.vatNumber] = { N: String(bounded.vatNumber) };
  if (bounded.locale !== undefined) out[T.locale] = { N: String(bounded.locale) };
  if (bounded.attributesFloor !== undefined) out[T.attributesFloor] = { N: String(bounded.attributesFloor) };
  return out;
}

function decodeTimes(map: Record<string, AttributeValue> | undefined): FieldTimes {
  const times: FieldTimes = { attributes: {} };
  for (const [name, value] of Object.entries(map ?? {})) {
    const time = Number(value.N);
    if (value.N === undefined || !Number.isFinite(time)) continue;
    if (name === T.vatNumber) times.vatNumber = time;
    else if (name === T.locale) times.locale = time;
    else if (name === T.attributesFloor) times.attributesFloor = time;
    else times.attributes[name] = time;
  }
  return times;
}

function toState(item: Item): SyncState {
  const state = emptyState();
  for (const field of ['gid', 'watermark', 'docHash', 'attrHash', 'locale'] as const) {
    const value = item[field]?.S;
    if (value !== undefined) state[field] = value;
  }
  state.eventKeys = (item[A.eventKeys]?.S ?? '').split('.').filter((k) => k !== '');
  state.fieldTimes = decodeTimes(item[A.fieldTimes]?.M);
  const dirtyUntil = Number(item.dirtyUntil?.N);
  if (Number.isFinite(dirtyUntil)) state.dirtyUntil = dirtyUntil;
  const holdUntil = Number(item.holdUntil?.N);
  if (Number.isFinite(holdUntil)) state.holdUntil = holdUntil;
  const seen = Number(item[A.seen]?.N);
  if (Number.isFinite(seen)) state.seenMs = seen;
  return state;
}

import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { LeaseLostError, StateStoreError } from './errors.ts';
import { mergeEventIds, STATE_TTL_SECONDS, statePk } from './keys.ts';
import {
  MAX_EVENT_IDS,
  type CustomerKey,
  type StateCommit,
  type SyncState,
  type SyncStateStore,
} from './types.ts';

/** Options of {@link DynamoSyncStateStore}. */
export interface DynamoSyncStateStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Clock (epoch ms); injectable for tests. @default Date.now */
  now?: () => number;
  /** Item lifetime after the last commit, seconds. @default 400 days */
  ttlSeconds?: number;
}

type Item = Record<string, AttributeValue>;

const MAX_REMEMBERED_LEASES = 10_000;

/**
 * {@link SyncStateStore} on DynamoDB: one item per customer (`pk = customer#<tenant>#<customer>`).
 * `acquire` is ONE conditional `UpdateItem` (lease free, expired or already ours, and — given event ids —
 * one of them not applied yet) returning the state; when the condition fails, the item DynamoDB returns
 * with the failure (`ReturnValuesOnConditionCheckFailure: ALL_OLD`) tells a duplicate (`'applied'`) from
 * `'busy'`. `commit` is ONE `UpdateItem` conditional on `leaseOwner = owner` that writes the state and
 * clears the lease. DynamoDB failures become {@link StateStoreError} (transient).
 *
 * Items are marshalled by hand: a handful of string/number/list attributes, so `@aws-sdk/lib-dynamodb`
 * would add a dependency for no gain.
 *
 * @example
 * const store = new DynamoSyncStateStore({ client: new DynamoDBClient({}), tableName: config.stateTableName });
 */
export class DynamoSyncStateStore implements SyncStateStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #now: () => number;
  readonly #ttlSeconds: number;
  /** Event ids returned by `acquire`, per lease (pk + owner), so `commit` can bound the list in one write. */
  readonly #leasedEventIds = new Map<string, string[]>();

  constructor(options: DynamoSyncStateStoreOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#now = options.now ?? Date.now;
    this.#ttlSeconds = options.ttlSeconds ?? STATE_TTL_SECONDS;
  }

  async acquire(
    key: CustomerKey,
    owner: string,
    leaseMs: number,
    eventIds: readonly string[] = [],
  ): Promise<SyncState | 'busy' | 'applied'> {
    const pk = statePk(key);
    const now = this.#now();
    // More ids than the item keeps cannot all be applied: no duplicate check then.
    const ids = [...new Set(eventIds)];
    const dedup = ids.length > 0 && ids.length <= MAX_EVENT_IDS;
    const values: Item = {
      ':owner': { S: owner },
      ':until': { N: String(now + Math.max(1, leaseMs)) },
      ':now': { N: String(now) },
      ':ttl': { N: String(this.#ttlAt(now)) },
    };
    if (dedup) ids.forEach((id, n) => (values[`:e${n}`] = { S: id }));
    const leaseFree = 'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner';
    const someNew = ids.map((_, n) => `contains(eventIds, :e${n})`).join(' AND ');
    try {
      const { Attributes } = await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: { pk: { S: pk } },
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until, #ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: dedup ? `(${leaseFree}) AND NOT (${someNew})` : leaseFree,
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
          ...(dedup && { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
        }),
      );
      const state = toState(Attributes ?? {});
      // Bounded: a caller that neither commits nor releases must not grow this forever (commit falls back to a read).
      if (this.#leasedEventIds.size >= MAX_REMEMBERED_LEASES) this.#leasedEventIds.clear();
      this.#leasedEventIds.set(leaseKey(pk, owner), state.eventIds);
      return state;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw new StateStoreError('acquire', error);
      if (!dedup) return 'busy';
      // DynamoDB returns the item with the failure; an emulator without that feature costs a read.
      const applied = toState(error.Item ?? (await this.#storedItem(pk, 'acquire'))).eventIds;
      return ids.every((id) => applied.includes(id)) ? 'applied' : 'busy';
    }
  }

  async commit(key: CustomerKey, owner: string, next: StateCommit): Promise<void> {
    const pk = statePk(key);
    const previous = this.#leasedEventIds.get(leaseKey(pk, owner)) ?? (await this.#storedEventIds(pk));
    const values: Item = {
      ':owner': { S: owner },
      ':ttl': { N: String(this.#ttlAt(this.#now())) },
      ':eventIds': { L: mergeEventIds(previous, next.eventIds).map((id) => ({ S: id })) },
    };
    const sets = ['eventIds = :eventIds', '#ttl = :ttl'];
    for (const field of ['gid', 'watermark', 'docHash', 'attrHash'] as const) {
      const value = next[field];
      if (value !== undefined) {
        sets.push(`${field} = :${field}`);
        values[`:${field}`] = { S: value };
      }
    }
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: { pk: { S: pk } },
          UpdateExpression: `SET ${sets.join(', ')} REMOVE leaseOwner, leaseUntil`,
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new LeaseLostError(key);
      throw new StateStoreError('commit', error);
    } finally {
      this.#leasedEventIds.delete(leaseKey(pk, owner));
    }
  }

  async release(key: CustomerKey, owner: string): Promise<void> {
    const pk = statePk(key);
    this.#leasedEventIds.delete(leaseKey(pk, owner));
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: { pk: { S: pk } },
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': { S: owner } },
        }),
      );
    } catch (error) {
      // Not ours any more (expired and taken): nothing to release.
      if (error instanceof ConditionalCheckFailedException) return;
      throw new StateStoreError('release', error);
    }
  }

  /** Fallback when `commit` runs without a preceding `acquire` on this instance. */
  async #storedEventIds(pk: string): Promise<string[]> {
    return toState(await this.#storedItem(pk, 'commit')).eventIds;
  }

  /** The item's applied event ids (a consistent read); `{}` when there is no item. */
  async #storedItem(pk: string, operation: string): Promise<Item> {
    try {
      const { Item } = await this.#client.send(
        new GetItemCommand({
          TableName: this.#table,
          Key: { pk: { S: pk } },
          ConsistentRead: true,
          ProjectionExpression: 'eventIds',
        }),
      );
      return Item ?? {};
    } catch (error) {
      throw new StateStoreError(operation, error);
    }
  }

  #ttlAt(nowMs: number): number {
    return Math.floor(nowMs / 1000) + this.#ttlSeconds;
  }
}

function leaseKey(pk: string, owner: string): string {
  return `${pk}\u0000${owner}`;
}

function toState(item: Item): SyncState {
  const text = (name: string) => item[name]?.S;
  const [gid, watermark, docHash, attrHash] = [
    text('gid'),
    text('watermark'),
    text('docHash'),
    text('attrHash'),
  ];
  return {
    ...(gid !== undefined && { gid }),
    ...(watermark !== undefined && { watermark }),
    ...(docHash !== undefined && { docHash }),
    ...(attrHash !== undefined && { attrHash }),
    eventIds: (item.eventIds?.L ?? []).flatMap((value) => (value.S === undefined ? [] : [value.S])),
  };
}

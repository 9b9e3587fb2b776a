import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { LeaseLostError, StateStoreError } from './errors.ts';
import { mergeEventIds, STATE_TTL_SECONDS, statePk } from './keys.ts';
import type { CustomerKey, StateCommit, SyncState, SyncStateStore } from './types.ts';

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
 * `acquire` is ONE conditional `UpdateItem` (lease free, expired or already ours) returning the state;
 * `commit` is ONE `UpdateItem` conditional on `leaseOwner = owner` that writes the state and clears the lease.
 * DynamoDB failures become {@link StateStoreError} (transient).
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

  async acquire(key: CustomerKey, owner: string, leaseMs: number): Promise<SyncState | 'busy'> {
    const pk = statePk(key);
    const now = this.#now();
    try {
      const { Attributes } = await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: { pk: { S: pk } },
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until, #ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':owner': { S: owner },
            ':until': { N: String(now + Math.max(1, leaseMs)) },
            ':now': { N: String(now) },
            ':ttl': { N: String(this.#ttlAt(now)) },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const state = toState(Attributes ?? {});
      // Bounded: a caller that neither commits nor releases must not grow this forever (commit falls back to a read).
      if (this.#leasedEventIds.size >= MAX_REMEMBERED_LEASES) this.#leasedEventIds.clear();
      this.#leasedEventIds.set(leaseKey(pk, owner), state.eventIds);
      return state;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'busy';
      throw new StateStoreError('acquire', error);
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
    try {
      const { Item } = await this.#client.send(
        new GetItemCommand({
          TableName: this.#table,
          Key: { pk: { S: pk } },
          ConsistentRead: true,
          ProjectionExpression: 'eventIds',
        }),
      );
      return toState(Item ?? {}).eventIds;
    } catch (error) {
      throw new StateStoreError('commit', error);
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

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  conditionFailedItem,
  isConditionFailed,
  toDynamoApi,
  type DynamoApi,
  type DynamoClientOption,
} from '../aws/dynamoApi.ts';
import { RefreshLeaseError } from './errors.ts';

/**
 * What the fleet knows about a grant's refresh tokens, kept with the lease. Refresh tokens appear only as
 * digests (see `tokenDigest`), never in clear.
 */
export interface LeaseRecord {
  /** Digest of the newest refresh token, as of the last refresh. */
  currentDigest?: string;
  /** Digests of refresh tokens a refresh rotated away (newest last): never to be sent again. */
  retiredDigests: string[];
  /** Digest of the refresh token the server answered `invalid_grant` to (the grant is lost). */
  lostDigest?: string;
  /** Epoch ms of the last successful refresh. */
  refreshedAt?: number;
}

/** What a lease holder records when it releases; `lostDigest: null` clears it. */
export type LeaseUpdate = Partial<Omit<LeaseRecord, 'lostDigest'>> & { lostDigest?: string | null };

/**
 * A lock, shared by every process using one grant, held around "read the stored credentials → refresh →
 * store the new ones": at most one refresh is in flight, so no process ever sends a refresh token another
 * one has just rotated. It expires by itself (`leaseMs`) if its holder dies.
 */
export interface RefreshLease {
  /** Takes the lease when free, expired, or already ours; always answers the current record. */
  acquire(owner: string, leaseMs: number): Promise<{ acquired: boolean; record: LeaseRecord }>;
  /**
   * Frees the lease and stores `update`. The update is stored even when the lease was lost meanwhile
   * (expired and taken): what a refresh did to the tokens matters more than who holds the lock.
   */
  release(owner: string, update?: LeaseUpdate): Promise<void>;
}

/** How many rotated-away digests are remembered. */
export const MAX_RETIRED_DIGESTS = 8;

/**
 * {@link RefreshLease} for one process (no state table): the same rules in memory.
 *
 * @example
 * const lease = new MemoryRefreshLease();
 */
export class MemoryRefreshLease implements RefreshLease {
  #owner: string | undefined;
  #until = 0;
  #record: LeaseRecord = { retiredDigests: [] };
  readonly #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  async acquire(owner: string, leaseMs: number): Promise<{ acquired: boolean; record: LeaseRecord }> {
    const now = this.#now();
    const acquired = this.#owner === undefined || this.#until < now || this.#owner === owner;
    if (acquired) {
      this.#owner = owner;
      this.#until = now + Math.max(1, leaseMs);
    }
    return { acquired, record: structuredClone(this.#record) };
  }

  async release(owner: string, update: LeaseUpdate = {}): Promise<void> {
    if (this.#owner === owner) this.#owner = undefined;
    this.#record = applyUpdate(this.#record, update);
  }
}

/** Options of {@link DynamoRefreshLease}. */
export interface DynamoRefreshLeaseOptions {
  client: DynamoClientOption;
  tableName: string;
  /** The item's partition key, e.g. `oauth#cro#42`. */
  key: string;
  /** @default Date.now */
  now?: () => number;
  /** How long the item outlives its last write, seconds. @default 400 days */
  ttlSeconds?: number;
}

type Item = Record<string, AttributeValue>;

/**
 * {@link RefreshLease} as one item of the state table (`pk` = `key`): `acquire` is one conditional
 * `UpdateItem` (no holder, an expired one, or us), which returns the record either way (on a failed
 * condition DynamoDB sends the item back, `ReturnValuesOnConditionCheckFailure`); `release` one
 * `UpdateItem` conditional on being the holder, followed — only when the lease was lost meanwhile — by an
 * unconditional one that stores the record. Failures become {@link RefreshLeaseError} (transient).
 *
 * @example
 * const lease = new DynamoRefreshLease({ client, tableName: config.stateTableName, key: 'oauth#cro#42' });
 */
export class DynamoRefreshLease implements RefreshLease {
  readonly #dynamo: DynamoApi;
  readonly #table: string;
  readonly #key: string;
  readonly #now: () => number;
  readonly #ttlSeconds: number;

  constructor(options: DynamoRefreshLeaseOptions) {
    this.#dynamo = toDynamoApi(options.client);
    this.#table = options.tableName;
    this.#key = options.key;
    this.#now = options.now ?? Date.now;
    this.#ttlSeconds = options.ttlSeconds ?? 400 * 24 * 3600;
  }

  async acquire(owner: string, leaseMs: number): Promise<{ acquired: boolean; record: LeaseRecord }> {
    const now = this.#now();
    try {
      const { Attributes } = await this.#dynamo.updateItem({
        TableName: this.#table,
        Key: { pk: { S: this.#key } },
        UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until, #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':owner': { S: owner },
          ':until': { N: String(now + Math.max(1, leaseMs)) },
          ':now': { N: String(now) },
          ':ttl': { N: String(this.#ttlAt(now)) },
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      return { acquired: true, record: toRecord(Attributes ?? {}) };
    } catch (error) {
      if (!isConditionFailed(error)) throw new RefreshLeaseError('acquire', error);
      // DynamoDB returns the item with the failure; an emulator without that feature costs a read.
      return { acquired: false, record: toRecord(conditionFailedItem(error) ?? (await this.#read())) };
    }
  }

  async release(owner: string, update: LeaseUpdate = {}): Promise<void> {
    const { expression, names, values } = updateExpression(update, this.#ttlAt(this.#now()));
    try {
      await this.#dynamo.updateItem({
        TableName: this.#table,
        Key: { pk: { S: this.#key } },
        UpdateExpression: `${expression.set} REMOVE ${['leaseOwner', 'leaseUntil', ...expression.remove].join(', ')}`,
        ConditionExpression: 'leaseOwner = :owner',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ':owner': { S: owner } },
      });
    } catch (error) {
      if (!isConditionFailed(error)) throw new RefreshLeaseError('release', error);
      // The lease expired and another process holds it now: leave the lock alone, store the record.
      if (Object.keys(update).length === 0) return;
      try {
        await this.#dynamo.updateItem({
          TableName: this.#table,
          Key: { pk: { S: this.#key } },
          UpdateExpression: [
            expression.set,
            expression.remove.length > 0 ? `REMOVE ${expression.remove.join(', ')}` : '',
          ]
            .join(' ')
            .trim(),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        });
      } catch (retryError) {
        throw new RefreshLeaseError('release', retryError);
      }
    }
  }

  async #read(): Promise<Item> {
    try {
      const { Item } = await this.#dynamo.getItem({
        TableName: this.#table,
        Key: { pk: { S: this.#key } },
        ConsistentRead: true,
      });
      return Item ?? {};
    } catch (error) {
      throw new RefreshLeaseError('read', error);
    }
  }

  #ttlAt(nowMs: number): number {
    return Math.floor(nowMs / 1000) + this.#ttlSeconds;
  }
}

/** The record after `update` (what both stores do). */
export function applyUpdate(record: LeaseRecord, update: LeaseUpdate): LeaseRecord {
  const next: LeaseRecord = { ...record, retiredDigests: [...record.retiredDigests] };
  if (update.currentDigest !== undefined) next.currentDigest = update.currentDigest;
  if (update.retiredDigests !== undefined)
    next.retiredDigests = update.retiredDigests.slice(-MAX_RETIRED_DIGESTS);
  if (update.refreshedAt !== undefined) next.refreshedAt = update.refreshedAt;
  if (update.lostDigest === null) delete next.lostDigest;
  else if (update.lostDigest !== undefined) next.lostDigest = update.lostDigest;
  return next;
}

function updateExpression(
  update: LeaseUpdate,
  ttl: number,
): { expression: { set: string; remove: string[] }; names: Record<string, string>; values: Item } {
  const sets = ['#ttl = :ttl'];
  const remove: string[] = [];
  const values: Item = { ':ttl': { N: String(ttl) } };
  if (update.currentDigest !== undefined) {
    sets.push('currentDigest = :current');
    values[':current'] = { S: update.currentDigest };
  }
  if (update.retiredDigests !== undefined) {
    sets.push('retiredDigests = :retired');
    values[':retired'] = { L: update.retiredDigests.slice(-MAX_RETIRED_DIGESTS).map((S) => ({ S })) };
  }
  if (update.refreshedAt !== undefined) {
    sets.push('refreshedAt = :refreshedAt');
    values[':refreshedAt'] = { N: String(update.refreshedAt) };
  }
  if (update.lostDigest === null) remove.push('lostDigest');
  else if (update.lostDigest !== undefined) {
    sets.push('lostDigest = :lost');
    values[':lost'] = { S: update.lostDigest };
  }
  return { expression: { set: `SET ${sets.join(', ')}`, remove }, names: { '#ttl': 'ttl' }, values };
}

function toRecord(item: Item): LeaseRecord {
  const refreshedAt = item.refreshedAt?.N;
  return {
    ...(item.currentDigest?.S !== undefined && { currentDigest: item.currentDigest.S }),
    retiredDigests: (item.retiredDigests?.L ?? []).flatMap((v) => (v.S === undefined ? [] : [v.S])),
    ...(item.lostDigest?.S !== undefined && { lostDigest: item.lostDigest.S }),
    ...(refreshedAt !== undefined && { refreshedAt: Number(refreshedAt) }),
  };
}

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isConditionFailed, toDynamoApi, type DynamoApi, type DynamoClientOption } from '../aws/dynamoApi.ts';
import * as z from '../zod.ts';
import { CheckpointLeaseLostError, CheckpointStoreError } from './errors.ts';
import type { CheckpointStore, ListingProgress, LocationCheckpoint } from './types.ts';

/**
 * The partition key of a location's checkpoint in the state table: its own item kind next to the sync's
 * `customer#…` items.
 *
 * @example
 * checkpointPk(42, 7); // 'checkpoint#42#7'
 */
export function checkpointPk(tenantId: number, locationId: number): string {
  return `checkpoint#${tenantId}#${locationId}`;
}

const ProgressSchema = z.object({
  since: z.optional(z.string()),
  startedAt: z.string(),
  keyset: z.optional(z.string()),
  page: z.number().check(z.int(), z.gte(1)),
  previousPage: z.array(z.string()),
  ordered: z.boolean(),
  newest: z.optional(z.string()),
  restarts: z.number().check(z.int(), z.gte(0)),
});

// Progress written by another version that this one cannot read is dropped: the window is listed again
// from its first page (the checkpoint itself is kept), which costs CRO reads but never skips a customer.
function parseProgress(json: string | undefined): ListingProgress | undefined {
  if (json === undefined) return undefined;
  try {
    const parsed = ProgressSchema.safeParse(JSON.parse(json));
    return parsed.success ? (parsed.data as ListingProgress) : undefined;
  } catch {
    return undefined;
  }
}

type Item = Record<string, AttributeValue>;

/**
 * {@link CheckpointStore} on the state table (`pk = checkpoint#<tenant>#<location>`): attributes
 * `checkpoint` (canonical UTC), `progress` (JSON of the listing in progress), `leaseOwner`/`leaseUntil` and
 * `updatedAt`. No `ttl`: a checkpoint never expires. Every write is one conditional `UpdateItem`.
 *
 * @example
 * const store = new DynamoCheckpointStore({ client, tableName: config.stateTableName, tenantId: 42 });
 * const record = await store.acquire(7, runId, 60_000);
 */
export class DynamoCheckpointStore implements CheckpointStore {
  readonly #dynamo: DynamoApi;
  readonly #table: string;
  readonly #tenantId: number;
  readonly #now: () => number;

  constructor(options: {
    client: DynamoClientOption;
    tableName: string;
    tenantId: number;
    now?: () => number;
  }) {
    this.#dynamo = toDynamoApi(options.client);
    this.#table = options.tableName;
    this.#tenantId = options.tenantId;
    this.#now = options.now ?? Date.now;
  }

  async acquire(locationId: number, owner: string, leaseMs: number): Promise<LocationCheckpoint | 'busy'> {
    const now = this.#now();
    try {
      const { Attributes } = await this.#dynamo.updateItem({
        TableName: this.#table,
        Key: this.#key(locationId),
        UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
        ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner',
        ExpressionAttributeValues: {
          ':owner': { S: owner },
          ':until': { N: String(now + leaseMs) },
          ':now': { N: String(now) },
        },
        ReturnValues: 'ALL_NEW',
      });
      return toRecord(Attributes ?? {});
    } catch (error) {
      if (isConditionFailed(error)) return 'busy';
      throw new CheckpointStoreError('acquire', error);
    }
  }

  async save(locationId: number, owner: string, record: LocationCheckpoint, leaseMs: number): Promise<void> {
    const now = this.#now();
    const values: Item = {
      ':owner': { S: owner },
      ':until': { N: String(now + leaseMs) },
      ':at': { S: new Date(now).toISOString() },
    };
    const sets = ['leaseUntil = :until', 'updatedAt = :at'];
    const removes: string[] = [];
    for (const [name, value] of [
      ['checkpoint', record.checkpoint],
      ['progress', record.progress === undefined ? undefined : JSON.stringify(record.progress)],
    ] as const) {
      if (value === undefined) removes.push(name);
      else {
        sets.push(`${name} = :${name}`);
        values[`:${name}`] = { S: value };
      }
    }
    try {
      await this.#dynamo.updateItem({
        TableName: this.#table,
        Key: this.#key(locationId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: 'leaseOwner = :owner',
        ExpressionAttributeValues: values,
      });
    } catch (error) {
      if (isConditionFailed(error)) throw new CheckpointLeaseLostError(locationId);
      throw new CheckpointStoreError('save', error);
    }
  }

  async release(locationId: number, owner: string): Promise<void> {
    try {
      await this.#dynamo.updateItem({
        TableName: this.#table,
        Key: this.#key(locationId),
        UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
        ConditionExpression: 'leaseOwner = :owner',
        ExpressionAttributeValues: { ':owner': { S: owner } },
      });
    } catch (error) {
      if (isConditionFailed(error)) return;
      throw new CheckpointStoreError('release', error);
    }
  }

  async peek(locationId: number): Promise<LocationCheckpoint> {
    try {
      const { Item } = await this.#dynamo.getItem({
        TableName: this.#table,
        Key: this.#key(locationId),
        ConsistentRead: true,
      });
      return toRecord(Item ?? {});
    } catch (error) {
      throw new CheckpointStoreError('peek', error);
    }
  }

  #key(locationId: number): Item {
    return { pk: { S: checkpointPk(this.#tenantId, locationId) } };
  }
}

function toRecord(item: Item): LocationCheckpoint {
  const checkpoint = item.checkpoint?.S;
  const progress = parseProgress(item.progress?.S);
  return {
    ...(checkpoint !== undefined && { checkpoint }),
    ...(progress !== undefined && { progress }),
  };
}

interface MemoryEntry {
  record: LocationCheckpoint;
  leaseOwner?: string;
  leaseUntil?: number;
}

const FileSchema = z.object({
  tenantId: z.number(),
  locations: z.record(
    z.string(),
    z.object({ checkpoint: z.optional(z.string()), progress: z.optional(z.string()) }),
  ),
});

/**
 * {@link CheckpointStore} in memory, with the same lease rules as the DynamoDB store; given a `file`, every
 * save is also written there (JSON, replaced atomically) and {@link MemoryCheckpointStore.open} reads it
 * back — the operator's `crm-sync backfill --local` checkpoint, resumable after Ctrl-C. Single process:
 * leases do not span processes.
 *
 * @example
 * const store = await MemoryCheckpointStore.open({ tenantId: 42, file: '.local/backfill-checkpoint.json' });
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #entries = new Map<number, MemoryEntry>();
  readonly #tenantId: number;
  readonly #file: string | undefined;
  readonly #now: () => number;
  /** Writes of the file, one after the other (locations save concurrently). */
  #writing: Promise<void> = Promise.resolve();

  constructor(options: { tenantId: number; file?: string; now?: () => number }) {
    this.#tenantId = options.tenantId;
    this.#file = options.file;
    this.#now = options.now ?? Date.now;
  }

  /** A store loaded from `file` when it exists (a file of another tenant is ignored). */
  static async open(options: { tenantId: number; file: string }): Promise<MemoryCheckpointStore> {
    const store = new MemoryCheckpointStore(options);
    const text = await readFile(options.file, 'utf8').catch(() => undefined);
    if (text === undefined) return store;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CheckpointStoreError('open', new Error(`${options.file} is not JSON`));
    }
    const parsed = FileSchema.safeParse(json);
    if (!parsed.success || parsed.data.tenantId !== options.tenantId) return store;
    for (const [id, stored] of Object.entries(parsed.data.locations)) {
      const progress = parseProgress(stored.progress);
      store.#entries.set(Number(id), {
        record: {
          ...(stored.checkpoint !== undefined && { checkpoint: stored.checkpoint }),
          ...(progress !== undefined && { progress }),
        },
      });
    }
    return store;
  }

  async acquire(locationId: number, owner: string, leaseMs: number): Promise<LocationCheckpoint | 'busy'> {
    const entry = this.#entries.get(locationId) ?? { record: {} };
    const now = this.#now();
    if (entry.leaseOwner !== undefined && entry.leaseOwner !== owner && (entry.leaseUntil ?? 0) >= now)
      return 'busy';
    this.#entries.set(locationId, { ...entry, leaseOwner: owner, leaseUntil: now + leaseMs });
    return structuredClone(entry.record);
  }

  async save(locationId: number, owner: string, record: LocationCheckpoint, leaseMs: number): Promise<void> {
    const entry = this.#entries.get(locationId);
    if (entry?.leaseOwner !== owner) throw new CheckpointLeaseLostError(locationId);
    this.#entries.set(locationId, {
      record: structuredClone(record),
      leaseOwner: owner,
      leaseUntil: this.#now() + leaseMs,
    });
    await this.#persist();
  }

  async release(locationId: number, owner: string): Promise<void> {
    const entry = this.#entries.get(locationId);
    if (entry?.leaseOwner === owner) this.#entries.set(locationId, { record: entry.record });
  }

  async peek(locationId: number): Promise<LocationCheckpoint> {
    return structuredClone(this.#entries.get(locationId)?.record ?? {});
  }

  #persist(): Promise<void> {
    const file = this.#file;
    if (file === undefined) return Promise.resolve();
    const locations = Object.fromEntries(
      [...this.#entries].map(([id, { record }]) => [
        String(id),
        {
          ...(record.checkpoint !== undefined && { checkpoint: record.checkpoint }),
          ...(record.progress !== undefined && { progress: JSON.stringify(record.progress) }),
        },
      ]),
    );
    const text = `${JSON.stringify({ tenantId: this.#tenantId, locations }, null, 2)}\n`;
    const write = async () => {
      try {
        await mkdir(dirname(file), { recursive: true });
        // Write then rename: a Ctrl-C during the write never leaves half a file.
        await writeFile(`${file}.tmp`, text);
        await rename(`${file}.tmp`, file);
      } catch (error) {
        throw new CheckpointStoreError('save', error);
      }
    };
    const written = this.#writing.then(write);
    this.#writing = written.catch(() => undefined);
    return written;
  }
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalDynamo, startLocalDynamo } from '../../../lib/local/localDynamo.ts';
import {
  checkpointPk,
  DynamoCheckpointStore,
  MemoryCheckpointStore,
} from '../../../lib/reconcile/checkpointStores.ts';
import { CheckpointLeaseLostError } from '../../../lib/reconcile/errors.ts';
import type { CheckpointStore, LocationCheckpoint } from '../../../lib/reconcile/types.ts';

const progress = {
  since: '2026-11-01T00:00:00.000000Z',
  startedAt: '2026-11-29T10:00:00.000000Z',
  page: 3,
  previousPage: ['11@2026-11-02T00:00:00.000000Z'],
  ordered: true,
  restarts: 0,
};

/** The lease and storage rules every checkpoint store keeps. */
function checkpointStoreContract(
  name: string,
  make: () => Promise<{ store: CheckpointStore; clock: { now: number } }>,
) {
  describe(`${name}: the checkpoint store contract`, () => {
    it('starts empty, then returns what the lease holder saved', async () => {
      const { store } = await make();
      const record: LocationCheckpoint = { checkpoint: '2026-11-29T09:00:00.000000Z', progress };

      expect(await store.acquire(7, 'run-a', 60_000)).toEqual({});
      await store.save(7, 'run-a', record, 60_000);
      await store.release(7, 'run-a');

      expect(await store.peek(7)).toEqual(record);
      expect(await store.acquire(7, 'run-b', 60_000)).toEqual(record);
    });

    it('keeps a second owner out while the lease runs, and lets it in once it expired', async () => {
      const { store, clock } = await make();
      await store.acquire(7, 'run-a', 1_000);

      expect(await store.acquire(7, 'run-b', 1_000)).toBe('busy');
      clock.now += 1_001;
      expect(await store.acquire(7, 'run-b', 1_000)).toEqual({});
      await expect(store.save(7, 'run-a', { checkpoint: 'x' }, 1_000)).rejects.toBeInstanceOf(
        CheckpointLeaseLostError,
      );
    });

    it('removes what a save leaves out, and keeps locations apart', async () => {
      const { store } = await make();
      await store.acquire(1, 'run', 60_000);
      await store.save(1, 'run', { checkpoint: 'c1', progress }, 60_000);
      await store.save(1, 'run', { checkpoint: 'c2' }, 60_000);

      expect(await store.peek(1)).toEqual({ checkpoint: 'c2' });
      expect(await store.peek(2)).toEqual({});
    });

    it('lets release by a non-holder do nothing', async () => {
      const { store } = await make();
      await store.acquire(7, 'run-a', 60_000);
      await store.release(7, 'run-b');

      expect(await store.acquire(7, 'run-b', 60_000)).toBe('busy');
    });
  });
}

describe('DynamoCheckpointStore on dynalite', () => {
  let dynamo: LocalDynamo;
  let tables = 0;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  const make = async () => {
    tables += 1;
    const tableName = `checkpoints-${tables}`;
    await dynamo.createStateTable(tableName);
    const clock = { now: 1_000_000 };
    const store = new DynamoCheckpointStore({
      client: dynamo.client,
      tableName,
      tenantId: 42,
      now: () => clock.now,
    });
    return { store, clock, tableName };
  };

  checkpointStoreContract('DynamoDB', make);

  it('keeps the checkpoint in its own item of the state table, without a ttl', async () => {
    const { store, tableName } = await make();
    await store.acquire(7, 'run', 60_000);
    await store.save(7, 'run', { checkpoint: '2026-11-29T09:00:00.000000Z', progress }, 60_000);

    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: checkpointPk(42, 7) } } }),
    );

    expect(checkpointPk(42, 7)).toBe('checkpoint#42#7');
    expect(Item).toMatchObject({
      checkpoint: { S: '2026-11-29T09:00:00.000000Z' },
      progress: { S: JSON.stringify(progress) },
      leaseOwner: { S: 'run' },
    });
    expect(Item).not.toHaveProperty('ttl');
  });
});

describe('MemoryCheckpointStore', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crm-sync-checkpoints-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  checkpointStoreContract('in memory', async () => {
    const clock = { now: 1_000_000 };
    return { store: new MemoryCheckpointStore({ tenantId: 42, now: () => clock.now }), clock };
  });

  it('with a file, keeps every one of many concurrent saves', async () => {
    const file = join(dir, 'concurrent.json');
    const store = await MemoryCheckpointStore.open({ tenantId: 42, file });
    const ids = Array.from({ length: 10 }, (_, i) => i + 1);
    await Promise.all(ids.map((id) => store.acquire(id, 'cli', 60_000)));

    await Promise.all(ids.map((id) => store.save(id, 'cli', { checkpoint: `c${id}` }, 60_000)));

    const reopened = await MemoryCheckpointStore.open({ tenantId: 42, file });
    expect(await Promise.all(ids.map((id) => reopened.peek(id)))).toEqual(
      ids.map((id) => ({ checkpoint: `c${id}` })),
    );
  });

  it('with a file, survives the process: a new store resumes from what was saved', async () => {
    const file = join(dir, 'nested', 'backfill-checkpoint.json');
    const first = await MemoryCheckpointStore.open({ tenantId: 42, file });
    await first.acquire(7, 'cli', 60_000);
    await first.save(7, 'cli', { progress }, 60_000);

    const second = await MemoryCheckpointStore.open({ tenantId: 42, file });
    const otherTenant = await MemoryCheckpointStore.open({ tenantId: 43, file });

    expect(await second.acquire(7, 'cli-2', 60_000)).toEqual({ progress });
    expect(await otherTenant.peek(7)).toEqual({});
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ tenantId: 42 });
  });
});

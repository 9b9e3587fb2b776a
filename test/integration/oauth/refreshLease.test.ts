// The refresh lease's contract, on dynalite (the DynamoDB item `oauth#cro#<tenant>` of the state table), in a
// file beside a `file:` secret, and in memory: one holder at a time, expiry, and a record of the refresh
// tokens' digests that survives a lost lease.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { croRefreshLeaseKey } from '../../../lib/crm/croCredentials.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../lib/local/localDynamo.ts';
import { RefreshLeaseError } from '../../../lib/oauth/errors.ts';
import { FileRefreshLease } from '../../../lib/oauth/fileRefreshLease.ts';
import {
  DynamoRefreshLease,
  MAX_RETIRED_DIGESTS,
  MemoryRefreshLease,
  type RefreshLease,
} from '../../../lib/oauth/refreshLease.ts';

let dynamo: LocalDynamo;
const dir = mkdtempSync(join(tmpdir(), 'crm-sync-lease-'));
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const implementations: Array<[string, (clock: { now: number }, key: string) => RefreshLease]> = [
  [
    'DynamoRefreshLease on dynalite',
    (clock, key) =>
      new DynamoRefreshLease({
        client: dynamo.client,
        tableName: dynamo.tableName,
        key,
        now: () => clock.now,
      }),
  ],
  [
    'FileRefreshLease',
    (clock, key) => new FileRefreshLease({ path: join(dir, `${key}.lease`), now: () => clock.now }),
  ],
  ['MemoryRefreshLease', (clock) => new MemoryRefreshLease({ now: () => clock.now })],
];

describe.each(implementations)('%s', (_name, create) => {
  let n = 0;
  const fresh = () => {
    const clock = { now: Date.parse('2026-12-01T10:00:00Z') };
    n += 1;
    return { clock, lease: create(clock, `oauth#cro#test-${n}-${Math.random()}`) };
  };

  it('gives the lease to one holder at a time; the holder may take it again', async () => {
    const { lease } = fresh();

    expect((await lease.acquire('a', 30_000)).acquired).toBe(true);
    expect((await lease.acquire('b', 30_000)).acquired).toBe(false);
    expect((await lease.acquire('a', 30_000)).acquired).toBe(true);
  });

  it('frees the lease on release, and by itself once it expires (a holder that died)', async () => {
    const { lease, clock } = fresh();
    await lease.acquire('a', 30_000);
    await lease.release('a');
    expect((await lease.acquire('b', 30_000)).acquired).toBe(true);

    clock.now += 30_001;
    expect((await lease.acquire('c', 30_000)).acquired).toBe(true);
  });

  it('returns the record with every answer, to the holder and to those who find it busy', async () => {
    const { lease } = fresh();
    await lease.acquire('a', 30_000);
    await lease.release('a', { currentDigest: 'd2', retiredDigests: ['d1'], refreshedAt: 5 });
    await lease.acquire('a', 30_000);

    const busy = await lease.acquire('b', 30_000);

    expect(busy).toEqual({
      acquired: false,
      record: { currentDigest: 'd2', retiredDigests: ['d1'], refreshedAt: 5 },
    });
  });

  it('sets and clears the lost digest, and keeps only the newest retired digests', async () => {
    const { lease } = fresh();
    await lease.acquire('a', 30_000);
    await lease.release('a', { lostDigest: 'dead' });
    expect((await lease.acquire('a', 30_000)).record.lostDigest).toBe('dead');

    const many = Array.from({ length: MAX_RETIRED_DIGESTS + 3 }, (_, i) => `d${i}`);
    await lease.release('a', { lostDigest: null, retiredDigests: many });
    const { record } = await lease.acquire('a', 30_000);

    expect(record.lostDigest).toBeUndefined();
    expect(record.retiredDigests).toEqual(many.slice(-MAX_RETIRED_DIGESTS));
  });

  it('stores the record of a holder whose lease expired and was taken, without freeing the new holder’s lease', async () => {
    const { lease, clock } = fresh();
    await lease.acquire('slow', 1_000);
    clock.now += 1_001;
    await lease.acquire('next', 30_000);

    await lease.release('slow', { currentDigest: 'rotated', retiredDigests: ['old'] });

    const seen = await lease.acquire('third', 30_000);
    expect(seen.acquired).toBe(false);
    expect(seen.record).toMatchObject({ currentDigest: 'rotated', retiredDigests: ['old'] });
  });
});

describe('DynamoRefreshLease item', () => {
  it('lives in the state table under oauth#cro#<tenant>, with a TTL and no token in clear', async () => {
    const lease = new DynamoRefreshLease({
      client: dynamo.client,
      tableName: dynamo.tableName,
      key: croRefreshLeaseKey(42),
    });
    await lease.acquire('a', 30_000);
    await lease.release('a', { currentDigest: 'abc', refreshedAt: 1 });

    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: 'oauth#cro#42' } } }),
    );

    expect(Object.keys(Item!).sort()).toEqual(['currentDigest', 'pk', 'refreshedAt', 'ttl']);
    expect(Number(Item!.ttl!.N)).toBeGreaterThan(Date.now() / 1000 + 300 * 24 * 3600);
  });
});

describe('FileRefreshLease file', () => {
  it('gives the lease to exactly one of many holders racing on the same file', async () => {
    const path = join(dir, 'race.lease');
    const holders = Array.from({ length: 20 }, () => new FileRefreshLease({ path }));

    const answers = await Promise.all(holders.map((lease, i) => lease.acquire(`p${i}`, 30_000)));

    expect(answers.filter((a) => a.acquired)).toHaveLength(1);
    expect(readdirSync(dir).filter((name) => name.startsWith('race.lease.'))).toEqual([]);
  });

  it('holds digests only, is private to its user, and takes over a lock its holder left behind', async () => {
    const path = join(dir, 'left.lease');
    writeFileSync(`${path}.lock`, '');
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, minuteAgo, minuteAgo);
    const lease = new FileRefreshLease({ path, lockWaitMs: 1_000 });

    await lease.acquire('a', 30_000);
    await lease.release('a', { currentDigest: 'abc', refreshedAt: 1 });

    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      currentDigest: 'abc',
      retiredDigests: [],
      refreshedAt: 1,
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('fails transiently when the lock stays held', async () => {
    const path = join(dir, 'held.lease');
    writeFileSync(`${path}.lock`, '');
    const lease = new FileRefreshLease({ path, lockWaitMs: 50 });

    await expect(lease.acquire('a', 30_000)).rejects.toBeInstanceOf(RefreshLeaseError);
    await expect(lease.acquire('a', 30_000)).rejects.toMatchObject({
      transient: true,
      reason: 'state-unavailable',
    });
  });
});

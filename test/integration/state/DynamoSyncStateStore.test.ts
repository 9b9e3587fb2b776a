import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ConditionalCheckFailedException,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createDynamoApi } from '../../../lib/aws/dynamoApi.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../lib/local/localSqs.ts';
import { startLocalDynamo, type LocalDynamo } from '../../../lib/local/localDynamo.ts';
import { stableHash } from '../../../lib/sync/hash.ts';
import {
  attributeKey,
  DynamoSyncStateStore,
  eventKey,
  StateStoreError,
  STATE_TTL_SECONDS,
  createSyncStateStore,
  MAX_ATTRIBUTE_TIMES,
  MAX_EVENT_IDS,
  MAX_STORED_GID_LENGTH,
  MemorySyncStateStore,
  newLeaseOwner,
} from '../../../lib/sync/state/index.ts';
import { dynamoItemSize } from '../../helpers/dynamoItemSize.ts';
import { describeSyncStateStoreContract } from '../../helpers/syncStateStoreContract.ts';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});

afterAll(async () => {
  await dynamo?.stop();
});

describeSyncStateStoreContract('DynamoSyncStateStore on dynalite', () => {
  const clock = { now: Date.parse('2026-11-22T10:00:00Z') };
  const store = new DynamoSyncStateStore({
    client: dynamo.client,
    tableName: dynamo.tableName,
    now: () => clock.now,
  });
  return { store, clock };
});

describeSyncStateStoreContract('DynamoSyncStateStore on dynalite, through the lean AWS client', () => {
  const clock = { now: Date.parse('2026-11-22T10:00:00Z') };
  const env = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  };
  const client = createDynamoApi({
    limits: { connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000, maxAttempts: 3 },
    env,
  });
  const store = new DynamoSyncStateStore({ client, tableName: dynamo.tableName, now: () => clock.now });
  return { store, clock };
});

describe('DynamoSyncStateStore', () => {
  const key = { tenantId: 7, customerId: 99 };
  const rawItem = async (pk: string) =>
    (
      await dynamo.client.send(
        new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: pk } }, ConsistentRead: true }),
      )
    ).Item!;

  it('stores one item per customer with the lease cleared and a TTL refreshed on commit', async () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    const store = new DynamoSyncStateStore({
      client: dynamo.client,
      tableName: dynamo.tableName,
      now: () => now,
    });
    await store.acquire(key, 'worker-a', 10_000, []);

    await store.commit(key, 'worker-a', {
      gid: 'gid-99',
      watermark: '2026-11-22T09:00:00.000000Z',
      eventKeys: [eventKey('e-1'), eventKey('e-2')],
      fieldTimes: { locale: now, attributes: { [attributeKey('segment')]: now - 1 } },
    });

    expect(await rawItem('customer#7#99')).toEqual({
      pk: { S: 'customer#7#99' },
      gid: { S: 'gid-99' },
      watermark: { S: '2026-11-22T09:00:00.000000Z' },
      ids: { S: `.${eventKey('e-1')}.${eventKey('e-2')}.` },
      times: { M: { l: { N: String(now) }, [attributeKey('segment')]: { N: String(now - 1) } } },
      ttl: { N: String(Math.floor(now / 1000) + STATE_TTL_SECONDS) },
    });
  });

  it('keeps every item within 1 KB, one write unit, even in the worst case', async () => {
    const store = new DynamoSyncStateStore({ client: dynamo.client, tableName: dynamo.tableName });
    const worst = { tenantId: Number.MAX_SAFE_INTEGER, customerId: Number.MAX_SAFE_INTEGER };
    const owner = newLeaseOwner();
    const time = Date.parse('2299-12-31T23:59:59.999Z');
    const longest = (n: number) => Array.from({ length: n }, (_, i) => `${'e'.repeat(250)}-${i}`);
    await store.acquire(worst, owner, 10_000, []);
    await store.release(worst, owner, { dirtyUntil: time, seenMs: time });
    await store.acquire(worst, owner, 10_000, []);
    await store.commit(worst, owner, {
      gid: 'g'.repeat(MAX_STORED_GID_LENGTH),
      watermark: '2299-12-31T23:59:59.999999Z',
      docHash: stableHash({ document: 'any' }),
      attrHash: stableHash({ attributes: 'any' }),
      locale: 'zh-CN',
      seenMs: time,
      eventKeys: longest(MAX_EVENT_IDS + 5).map(eventKey),
      fieldTimes: {
        vatNumber: time,
        locale: time,
        attributesFloor: time,
        attributes: Object.fromEntries(
          longest(MAX_ATTRIBUTE_TIMES + 5).map((k, i) => [attributeKey(k), time - i]),
        ),
      },
      expectedDirtyUntil: time,
      holdUntil: time,
    });
    // The largest the item gets: everything above, a lease held and a dirty mark, on the longest key.
    await store.acquire(worst, owner, Number.MAX_SAFE_INTEGER - time, []);
    await store.release(worst, 'someone else', { dirtyUntil: time + 1 });

    const item = await rawItem(`customer#${Number.MAX_SAFE_INTEGER}#${Number.MAX_SAFE_INTEGER}`);

    expect(Object.keys(item).sort()).toEqual(
      [
        'attrHash',
        'dirtyUntil',
        'docHash',
        'gid',
        'holdUntil',
        'ids',
        'leaseOwner',
        'leaseUntil',
        'locale',
        'pk',
        'seen',
        'times',
        'ttl',
        'watermark',
      ].sort(),
    );
    expect(item.ids!.S!.split('.').filter(Boolean)).toHaveLength(MAX_EVENT_IDS);
    expect(Object.keys(item.times!.M!)).toHaveLength(MAX_ATTRIBUTE_TIMES + 3);
    expect(dynamoItemSize(item)).toBeLessThanOrEqual(1024);
    // Sanity of the measure itself: the old format (50 full event ids in a list) did not fit.
    const legacy = { ...item, ids: { L: Array.from({ length: 50 }, () => ({ S: crypto.randomUUID() })) } };
    expect(dynamoItemSize(legacy)).toBeGreaterThan(1024);
  });

  it('does not remember a gid too long for the item budget', async () => {
    const store = new DynamoSyncStateStore({ client: dynamo.client, tableName: dynamo.tableName });
    const other = { tenantId: 7, customerId: 101 };
    await store.acquire(other, 'worker-a', 10_000, []);

    await store.commit(other, 'worker-a', {
      gid: 'g'.repeat(MAX_STORED_GID_LENGTH + 1),
      eventKeys: [],
      fieldTimes: { attributes: {} },
    });

    expect(await rawItem('customer#7#101')).not.toHaveProperty('gid');
  });

  it('reads an item written before event ids were hashed, and drops the old list on the next commit', async () => {
    const store = new DynamoSyncStateStore({ client: dynamo.client, tableName: dynamo.tableName });
    const other = { tenantId: 7, customerId: 102 };
    await dynamo.client.send(
      new PutItemCommand({
        TableName: dynamo.tableName,
        Item: {
          pk: { S: 'customer#7#102' },
          gid: { S: 'gid-102' },
          docHash: { S: 'doc' },
          eventIds: { L: [{ S: 'e-1' }] },
        },
      }),
    );

    const found = await store.acquire(other, 'worker-a', 10_000, [eventKey('e-2')]);
    await store.commit(other, 'worker-a', { eventKeys: [eventKey('e-2')], fieldTimes: { attributes: {} } });

    expect(found).toEqual({
      kind: 'leased',
      state: { gid: 'gid-102', docHash: 'doc', eventKeys: [], fieldTimes: { attributes: {} } },
    });
    expect(await rawItem('customer#7#102')).not.toHaveProperty('eventIds');
  });

  it('turns a DynamoDB failure into a transient StateStoreError', async () => {
    const store = new DynamoSyncStateStore({ client: dynamo.client, tableName: 'no-such-table' });

    const acquire = store.acquire(key, 'worker-a', 1_000, []);

    await expect(acquire).rejects.toBeInstanceOf(StateStoreError);
    await expect(acquire).rejects.toMatchObject({
      transient: true,
      reason: 'state-unavailable',
      message: 'state store acquire failed: ResourceNotFoundException',
    });
  });

  it('turns an unreachable endpoint into a StateStoreError', async () => {
    const client = new DynamoDBClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const store = new DynamoSyncStateStore({ client, tableName: dynamo.tableName });

    await expect(store.release(key, 'worker-a')).rejects.toBeInstanceOf(StateStoreError);
    client.destroy();
  });

  it('creates further tables with the same key schema', async () => {
    await dynamo.createStateTable('crm-sync-state-extra');
    const store = new DynamoSyncStateStore({ client: dynamo.client, tableName: 'crm-sync-state-extra' });

    expect(await store.acquire(key, 'worker-a', 1_000, [])).toMatchObject({ kind: 'leased' });
    await dynamo.client.send(new DeleteTableCommand({ TableName: 'crm-sync-state-extra' }));
  });
});

// dynalite ignores ReturnValuesOnConditionCheckFailure (the store then reads the item): DynamoDB's answer,
// the item with the failed condition, is played by a thin SDK mock.
describe('DynamoSyncStateStore with the item DynamoDB returns on a failed condition', () => {
  const client = new DynamoDBClient({ region: 'eu-west-1' });
  const dynamoDb = mockClient(client);
  const store = new DynamoSyncStateStore({ client, tableName: 'state' });
  const key = { tenantId: 7, customerId: 99 };
  const failedWith = (eventIds: string[], leaseOwner?: string) =>
    new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: {},
      Item: {
        pk: { S: 'customer#7#99' },
        ids: { S: `.${eventIds.map(eventKey).join('.')}.` },
        ...(leaseOwner !== undefined && { leaseOwner: { S: leaseOwner }, leaseUntil: { N: '9' } }),
      },
    });
  afterEach(() => {
    dynamoDb.reset();
  });

  it('answers a duplicate with one conditional write: the event was applied', async () => {
    dynamoDb.on(UpdateItemCommand).rejects(failedWith(['e-0', 'e-1']));

    const found = await store.acquire(key, 'worker-a', 1_000, [eventKey('e-1')]);

    expect(found).toEqual({ kind: 'applied' });
    expect(dynamoDb.calls()).toHaveLength(1);
    expect(dynamoDb.commandCalls(UpdateItemCommand)[0]!.args[0].input).toMatchObject({
      ConditionExpression:
        '(attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner) AND NOT (contains(#ids, :e0))',
      ExpressionAttributeValues: expect.objectContaining({ ':e0': { S: `.${eventKey('e-1')}.` } }),
      ReturnValues: 'ALL_OLD',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('answers busy with one call when some event is new and another owner holds the lease', async () => {
    dynamoDb.on(UpdateItemCommand).rejects(failedWith(['e-0'], 'worker-b'));

    expect(await store.acquire(key, 'worker-a', 1_000, [eventKey('e-0'), eventKey('e-1')])).toEqual({
      kind: 'busy',
    });
    expect(dynamoDb.calls()).toHaveLength(1);
  });

  it('asks for no duplicate check without event keys, or with more than the item keeps', async () => {
    dynamoDb.on(UpdateItemCommand).resolves({ Attributes: { pk: { S: 'customer#7#99' } } });
    const many = Array.from({ length: MAX_EVENT_IDS + 1 }, (_, n) => eventKey(`e-${n}`));

    await store.acquire(key, 'worker-a', 1_000, []);
    await store.acquire(key, 'worker-a', 1_000, many);

    for (const call of dynamoDb.commandCalls(UpdateItemCommand)) {
      expect(call.args[0].input.ConditionExpression).not.toContain('contains');
      expect(call.args[0].input).not.toHaveProperty('ReturnValuesOnConditionCheckFailure');
    }
  });
});

describe('createSyncStateStore', () => {
  it('uses DynamoDB when a table name is configured and memory otherwise', () => {
    expect(createSyncStateStore({ tableName: dynamo.tableName, client: dynamo.client })).toBeInstanceOf(
      DynamoSyncStateStore,
    );
    expect(createSyncStateStore({ client: dynamo.client })).toBeInstanceOf(MemorySyncStateStore);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ConditionalCheckFailedException,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { startLocalDynamo, type LocalDynamo } from '../../../lib/local/localDynamo.ts';
import {
  DynamoSyncStateStore,
  StateStoreError,
  STATE_TTL_SECONDS,
  createSyncStateStore,
  MAX_EVENT_IDS,
  MemorySyncStateStore,
} from '../../../lib/sync/state/index.ts';
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

describe('DynamoSyncStateStore', () => {
  const key = { tenantId: 7, customerId: 99 };

  it('stores one item per customer with the lease cleared and a TTL refreshed on commit', async () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    const store = new DynamoSyncStateStore({
      client: dynamo.client,
      tableName: dynamo.tableName,
      now: () => now,
    });
    await store.acquire(key, 'worker-a', 10_000);

    await store.commit(key, 'worker-a', {
      gid: 'gid-99',
      watermark: '2026-11-22T09:00:00.000000Z',
      eventIds: ['e-1'],
    });
    const { Item } = await dynamo.client.send(
      new GetItemCommand({
        TableName: dynamo.tableName,
        Key: { pk: { S: 'customer#7#99' } },
        ConsistentRead: true,
      }),
    );

    expect(Item).toEqual({
      pk: { S: 'customer#7#99' },
      gid: { S: 'gid-99' },
      watermark: { S: '2026-11-22T09:00:00.000000Z' },
      eventIds: { L: [{ S: 'e-1' }] },
      ttl: { N: String(Math.floor(now / 1000) + STATE_TTL_SECONDS) },
    });
  });

  it('keeps the event history when commit runs on another store instance than acquire', async () => {
    const options = { client: dynamo.client, tableName: dynamo.tableName };
    const other = { tenantId: 7, customerId: 100 };
    const first = new DynamoSyncStateStore(options);
    await first.acquire(other, 'worker-a', 10_000);
    await first.commit(other, 'worker-a', { eventIds: ['e-1'] });
    await first.acquire(other, 'worker-a', 10_000);

    await new DynamoSyncStateStore(options).commit(other, 'worker-a', { eventIds: ['e-2'] });

    expect(await first.acquire(other, 'worker-b', 1_000)).toEqual({ eventIds: ['e-1', 'e-2'] });
  });

  it('turns a DynamoDB failure into a transient StateStoreError', async () => {
    const store = new DynamoSyncStateStore({ client: dynamo.client, tableName: 'no-such-table' });

    const acquire = store.acquire(key, 'worker-a', 1_000);

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

    expect(await store.acquire(key, 'worker-a', 1_000)).toEqual({ eventIds: [] });
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
        eventIds: { L: eventIds.map((id) => ({ S: id })) },
        ...(leaseOwner !== undefined && { leaseOwner: { S: leaseOwner }, leaseUntil: { N: '9' } }),
      },
    });
  afterEach(() => {
    dynamoDb.reset();
  });

  it('answers a duplicate with one conditional write: the event id was applied', async () => {
    dynamoDb.on(UpdateItemCommand).rejects(failedWith(['e-0', 'e-1']));

    const state = await store.acquire(key, 'worker-a', 1_000, ['e-1']);

    expect(state).toBe('applied');
    expect(dynamoDb.calls()).toHaveLength(1);
    expect(dynamoDb.commandCalls(UpdateItemCommand)[0]!.args[0].input).toMatchObject({
      ConditionExpression:
        '(attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner) AND NOT (contains(eventIds, :e0))',
      ExpressionAttributeValues: expect.objectContaining({ ':e0': { S: 'e-1' } }),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('answers busy with one call when some event is new and another owner holds the lease', async () => {
    dynamoDb.on(UpdateItemCommand).rejects(failedWith(['e-0'], 'worker-b'));

    expect(await store.acquire(key, 'worker-a', 1_000, ['e-0', 'e-1'])).toBe('busy');
    expect(dynamoDb.calls()).toHaveLength(1);
  });

  it('asks for no duplicate check without event ids, or with more than the item keeps', async () => {
    dynamoDb.on(UpdateItemCommand).resolves({ Attributes: { pk: { S: 'customer#7#99' } } });
    const many = Array.from({ length: MAX_EVENT_IDS + 1 }, (_, n) => `e-${n}`);

    await store.acquire(key, 'worker-a', 1_000);
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
    expect(createSyncStateStore({})).toBeInstanceOf(MemorySyncStateStore);
  });
});

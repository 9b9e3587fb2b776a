// The bench's DynamoDB model (bench/services/dynamoModel.ts) stands in for DynamoDB in the timing figures: it
// must behave as dynalite does for every operation the state store makes. The store contract runs against it,
// through the counting proxy in model mode, as it runs against dynalite and memory.
import { afterAll, beforeAll } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../lib/local/localSqs.ts';
import { DynamoSyncStateStore } from '../../../lib/sync/state/index.ts';
import { type CountingProxy, startCountingProxy } from '../../../bench/services/countingProxy.ts';
import { describeSyncStateStoreContract } from '../../helpers/syncStateStoreContract.ts';

let proxy: CountingProxy;
let client: DynamoDBClient;

beforeAll(async () => {
  // No dynalite behind it: in model mode the proxy never forwards.
  proxy = await startCountingProxy('http://127.0.0.1:9');
  proxy.setModel(true);
  client = new DynamoDBClient({ endpoint: proxy.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  client?.destroy();
  await proxy?.stop();
});

describeSyncStateStoreContract('DynamoSyncStateStore on the bench DynamoDB model', () => {
  const clock = { now: Date.parse('2026-11-22T10:00:00Z') };
  const store = new DynamoSyncStateStore({ client, tableName: 'crm-sync-state', now: () => clock.now });
  return { store, clock };
});

import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { STATE_TABLE } from '../sync/state/keys.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './localSqs.ts';

/** Options of {@link startLocalDynamo}. */
export interface LocalDynamoOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  host?: string;
  /** The state table to create. @default 'crm-sync-state' */
  tableName?: string;
}

/** A running DynamoDB emulator with the state table created. */
export interface LocalDynamo {
  /** A client pointed at the emulator (fake credentials). */
  client: DynamoDBClient;
  endpoint: string;
  tableName: string;
  /** Creates another table with the state table's key schema (e.g. one per test). */
  createStateTable(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts dynalite (DynamoDB emulator, in memory) and creates the state table with the stack's key schema:
 * partition key `pk` (S), on-demand billing. dynalite has no `UpdateTimeToLive`, so the `ttl` attribute is
 * written but items never expire locally.
 *
 * @example
 * const dynamo = await startLocalDynamo();
 * const store = new DynamoSyncStateStore({ client: dynamo.client, tableName: dynamo.tableName });
 * await dynamo.stop();
 */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const stop = async () => {
    client.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const createStateTable = async (name: string) => {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: STATE_TABLE.partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilTableExists({ client, minDelay: 1, maxWaitTime: 10 }, { TableName: name });
  };
  const tableName = options.tableName ?? 'crm-sync-state';
  try {
    await createStateTable(tableName);
  } catch (error) {
    await stop();
    throw error;
  }
  return { client, endpoint, tableName, createStateTable, stop };
}

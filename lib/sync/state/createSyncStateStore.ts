import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoSyncStateStore } from './DynamoSyncStateStore.ts';
import { MemorySyncStateStore } from './MemorySyncStateStore.ts';
import type { SyncStateStore } from './types.ts';

/**
 * The store the configuration asks for: DynamoDB when `tableName` (`STATE_TABLE_NAME`) is set, else the
 * in-memory store (single process only). The DynamoDB client follows the SDK's standard variables
 * (`AWS_REGION`, `AWS_ENDPOINT_URL_DYNAMODB`, ...).
 *
 * @example
 * const store = createSyncStateStore({ tableName: config.stateTableName });
 */
export function createSyncStateStore(options: {
  tableName?: string;
  client?: DynamoDBClient;
}): SyncStateStore {
  if (options.tableName === undefined) return new MemorySyncStateStore();
  return new DynamoSyncStateStore({
    client: options.client ?? new DynamoDBClient({}),
    tableName: options.tableName,
  });
}

import type { DynamoClientOption } from '../../aws/dynamoApi.ts';
import { DynamoSyncStateStore } from './DynamoSyncStateStore.ts';
import { MemorySyncStateStore } from './MemorySyncStateStore.ts';
import type { SyncStateStore } from './types.ts';

/**
 * The store the configuration asks for: DynamoDB when `tableName` (`STATE_TABLE_NAME`) is set, through
 * `client` (the function's `createDynamoApi`, or an AWS SDK client), else the in-memory store (single process
 * only).
 *
 * @example
 * const store = createSyncStateStore({ tableName: config.stateTableName, client: createDynamoApi({ limits }) });
 */
export function createSyncStateStore(options: {
  tableName?: string;
  client: DynamoClientOption;
}): SyncStateStore {
  if (options.tableName === undefined) return new MemorySyncStateStore();
  return new DynamoSyncStateStore({ client: options.client, tableName: options.tableName });
}

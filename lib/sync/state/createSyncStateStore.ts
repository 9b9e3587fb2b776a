import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoSyncStateStore } from './DynamoSyncStateStore.ts';
import { MemorySyncStateStore } from './MemorySyncStateStore.ts';
import type { SyncStateStore } from './types.ts';

/**
 * The store the configuration asks for: DynamoDB when `tableName` (`STATE_TABLE_NAME`) is set, else the
 * in-memory store (single process only). The DynamoDB client (built once per container, or given with its
 * timeouts) follows the SDK's standard variables (`AWS_REGION`, `AWS_ENDPOINT_URL_DYNAMODB`, ...) and keeps
 * connections alive.
 *
 * @example
 * const store = createSyncStateStore({ tableName: config.stateTableName });
 */
export function createSyncStateStore(options: {
  tableName?: string;
  client?: DynamoDBClient;
  /** Options of the client built when none is given (e.g. its timeouts). */
  clientConfig?: DynamoDBClientConfig;
}): SyncStateStore {
  if (options.tableName === undefined) return new MemorySyncStateStore();
  return new DynamoSyncStateStore({
    client: options.client ?? defaultClient(options.clientConfig ?? {}),
    tableName: options.tableName,
  });
}

function defaultClient(config: DynamoDBClientConfig): DynamoDBClient {
  const client = new DynamoDBClient(config);
  // The SDK's logger middleware copies every request and response through the schema's sensitive-data
  // filter for its logger, a no-op here: ~3 % of the handler's CPU for nothing. Errors still surface.
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

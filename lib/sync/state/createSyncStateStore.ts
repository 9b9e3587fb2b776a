import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { TraceClient } from '../../observability/createTracer.ts';
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
  /** Wraps the client built when none is given (X-Ray, with `tracing` on). */
  traceClient?: TraceClient;
}): SyncStateStore {
  if (options.tableName === undefined) return new MemorySyncStateStore();
  const traced = options.traceClient ?? ((client) => client);
  return new DynamoSyncStateStore({
    client: options.client ?? traced(defaultClient(options.clientConfig ?? {})),
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

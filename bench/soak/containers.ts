import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadCustomerSyncConfig } from '../../lib/config/customerSync.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../lib/local/localSqs.ts';
import type { SqsHandler } from '../../lib/local/SqsLambdaPoller.ts';
import { CountingSyncMetrics } from '../../lib/sync/CountingSyncMetrics.ts';
import { createCustomerSyncDeps } from '../../lib/sync/createCustomerSyncDeps.ts';
import { processBatch } from '../../lib/sync/processBatch.ts';
import { DynamoSyncStateStore } from '../../lib/sync/state/DynamoSyncStateStore.ts';
import type { SyncOptions } from '../../lib/sync/types.ts';
import type { Services } from '../services/startServices.ts';
import { importBundledHandler } from '../support/bundledHandler.ts';

/** Builds the handler of the `index`-th simulated Lambda container from the customer-sync environment. */
export type ContainerFactory = (
  index: number,
  env: Record<string, string>,
  services: Services,
) => Promise<SqsHandler>;

/**
 * Containers running the BUNDLED handler (what ships): each is a separate module instance of
 * `dist/functions/customer-sync/index.mjs`, with its own clients and caches, configured by the environment
 * only — so transient failures back off with the shipped visibility backoff (30 s, doubling).
 *
 * @example
 * await runSoak({ ...options, containers: bundledContainers });
 */
export const bundledContainers: ContainerFactory = (index, env) =>
  importBundledHandler({ env, instance: `soak-${index}` });

/**
 * Containers running the sync from its sources with the same wiring as the handler
 * (`createCustomerSyncDeps` + `processBatch`, DynamoDB state, `file:` credentials), each with its own
 * clients, but with `options` applied (e.g. visibility backoffs of a second so a test run stays short).
 * Logs are silent; metrics are counted into `metrics`.
 *
 * @example
 * const metrics = new CountingSyncMetrics();
 * await runSoak({ ...options, containers: sourceContainers({ retryBackoff: { baseSeconds: 1, capSeconds: 2 } }, metrics) });
 */
export function sourceContainers(
  options: Partial<SyncOptions>,
  metrics = new CountingSyncMetrics(),
): ContainerFactory {
  return async (_index, env, services) => {
    const config = loadCustomerSyncConfig(env);
    const deps = createCustomerSyncDeps(config, {
      logger: new Logger({ serviceName: 'customer-sync', logLevel: 'SILENT' }),
      metrics,
      sqs: services.sqs.sqs,
      store: new DynamoSyncStateStore({
        client: new DynamoDBClient({
          endpoint: env.AWS_ENDPOINT_URL_DYNAMODB,
          region: LOCAL_REGION,
          credentials: LOCAL_CREDENTIALS,
        }),
        tableName: config.stateTableName!,
      }),
      options,
    });
    return (event, context) => processBatch(event.Records, deps, context);
  };
}

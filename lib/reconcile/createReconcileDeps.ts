import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ReconcileConfig } from '../config/reconcile.ts';
import { CroClient } from '../crm/CroClient.ts';
import type { CallInfo } from '../http/HttpClient.ts';
import { credentialsProvider, type CredentialsProvider } from '../secrets/credentialsProvider.ts';
import { DynamoCheckpointStore, MemoryCheckpointStore } from './checkpointStores.ts';
import type { EventSink } from './reconcileLocation.ts';
import { queueSink, type ReconcileDeps } from './reconcileRun.ts';
import type { CheckpointStore } from './types.ts';

/** Parts built elsewhere, or replaced in tests and local runs. */
export interface ReconcileParts {
  /** @default credentialsProvider(config.credentialsSecretId) — the same factory the customer-sync uses */
  credentials?: CredentialsProvider;
  /** @default a client following the SDK's standard variables */
  sqs?: SQSClient;
  /** @default DynamoDB when `STATE_TABLE_NAME` is set, else in memory */
  store?: CheckpointStore;
  /** @default the queue, at `RECONCILE_ENQUEUE_RATE` */
  sink?: EventSink;
  /** Every CRO request attempt (for metrics or a bench). */
  onCall?: (info: CallInfo) => void;
}

/**
 * Builds a reconciliation run's dependencies from its configuration, once per container: the CRO client on
 * the cached credentials (OAuth included, through the customer-sync's credentials factory), the checkpoint
 * store in the state table, and the rate-limited queue sink.
 *
 * @example
 * const deps = createReconcileDeps(loadReconcileConfig());
 * const summary = await runReconcile(deps, new TimeBudget(context, config.timeMarginMs));
 */
export function createReconcileDeps(config: ReconcileConfig, parts: ReconcileParts = {}): ReconcileDeps {
  const credentials = parts.credentials ?? credentialsProvider(config.credentialsSecretId);
  const store =
    parts.store ??
    (config.stateTableName === undefined
      ? new MemoryCheckpointStore({ tenantId: config.crmTenantId })
      : new DynamoCheckpointStore({
          client: new DynamoDBClient({}),
          tableName: config.stateTableName,
          tenantId: config.crmTenantId,
        }));
  return {
    tenantId: config.crmTenantId,
    cro: new CroClient({
      baseUrl: config.crmApiUrl,
      tenantId: config.crmTenantId,
      tokenProvider: credentials.crmToken,
      timeoutMs: config.crmTimeoutMs,
      ...(config.crmApiVersion !== undefined && { apiVersion: config.crmApiVersion }),
      ...(parts.onCall !== undefined && { onCall: parts.onCall }),
    }),
    store,
    sink:
      parts.sink ??
      queueSink({
        // Queue URLs are passed as parameters, so the endpoint (AWS or an emulator) comes from the SDK's settings.
        sqs: parts.sqs ?? new SQSClient({ useQueueUrlAsEndpoint: false }),
        queueUrl: config.queueUrl,
        ratePerSecond: config.enqueueRate,
      }),
    settings: {
      pageLimit: config.pageLimit,
      overlapMs: config.overlapMs,
      maxRestarts: config.maxRestarts,
      concurrency: config.concurrency,
      ...(config.crmVatField !== undefined && { vatField: config.crmVatField }),
      ...(config.crmLocationIds !== undefined && { locationIds: config.crmLocationIds }),
    },
  };
}

import { createDynamoApi, type DynamoClientOption } from '../aws/dynamoApi.ts';
import { createSecretsApi } from '../aws/secretsApi.ts';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, type InvocationDeadline } from '../aws/boundedCalls.ts';
import type { ReconcileConfig } from '../config/reconcile.ts';
import { croCredentialsProvider, type CroCredentialsParts } from '../crm/croCredentials.ts';
import { CroClient } from '../crm/CroClient.ts';
import type { CallInfo } from '../http/HttpClient.ts';
import type { TokenLogger } from '../oauth/types.ts';
import type { CredentialsProvider } from '../secrets/credentialsProvider.ts';
import { DynamoCheckpointStore, MemoryCheckpointStore } from './checkpointStores.ts';
import type { EventSink } from './reconcileLocation.ts';
import { queueSink, type ReconcileDeps } from './reconcileRun.ts';
import type { CheckpointStore } from './types.ts';

/** Parts built elsewhere, or replaced in tests and local runs. */
export interface ReconcileParts {
  /** Where the credentials' OAuth rounds log (a lost authorization names `npx crm-sync auth`). */
  logger?: TokenLogger;
  /**
   * The invocation's end, which the handler starts from its context: every AWS call (DynamoDB, SQS, Secrets
   * Manager) made during a run ends before it. Without one, only `config.awsLimits` apply.
   */
  deadline?: InvocationDeadline;
  /**
   * @default croCredentialsProvider(config, credentialParts) — the customer-sync's factory: Secrets Manager
   * (cached), CRO OAuth with the refresh lease in the state table and the write-back
   */
  credentials?: CredentialsProvider;
  /** Hooks and overrides of the default credentials (the OAuth metrics, the CLI's region, short timings in tests). */
  credentialParts?: CroCredentialsParts;
  /** @default a client following the SDK's standard variables */
  sqs?: SQSClient;
  /** @default a client following the SDK's standard variables (checkpoints and the refresh lease) */
  dynamo?: DynamoClientOption;
  /** @default DynamoDB when `STATE_TABLE_NAME` is set, else in memory */
  store?: CheckpointStore;
  /** @default the queue, at `RECONCILE_ENQUEUE_RATE` */
  sink?: EventSink;
  /** Every CRO request attempt (for metrics or a bench). */
  onCall?: (info: CallInfo) => void;
}

/**
 * Builds a reconciliation run's dependencies from its configuration, once per container: the CRO client on
 * the cached credentials (through the customer-sync's credentials factory, so CRO OAuth works the same: one
 * refresh lease per tenant in the state table, shared with customer-sync, and rotated refresh tokens written
 * back), the checkpoint store in the state table, and the rate-limited queue sink. The AWS clients are
 * bounded (`config.awsLimits`, and `parts.deadline` during an invocation).
 *
 * @example
 * const deps = createReconcileDeps(loadReconcileConfig(), { logger, deadline });
 * const summary = await runReconcile(deps, new TimeBudget(context, config.timeMarginMs));
 */
export function createReconcileDeps(config: ReconcileConfig, parts: ReconcileParts = {}): ReconcileDeps {
  const aws = awsClientConfig(config.awsLimits, parts.deadline);
  const calls = { limits: config.awsLimits, deadline: parts.deadline };
  const dynamo = parts.dynamo ?? createDynamoApi(calls);
  const credentials =
    parts.credentials ??
    croCredentialsProvider(config, {
      ...(parts.logger !== undefined && { logger: parts.logger }),
      // Secrets Manager (reads and the OAuth write-back) and the refresh lease's DynamoDB calls, bounded too.
      dynamo,
      secrets: createSecretsApi(calls),
      ...parts.credentialParts,
    });
  const store =
    parts.store ??
    (config.stateTableName === undefined
      ? new MemoryCheckpointStore({ tenantId: config.crmTenantId })
      : new DynamoCheckpointStore({
          client: dynamo,
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
        sqs: parts.sqs ?? new SQSClient({ useQueueUrlAsEndpoint: false, ...aws }),
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

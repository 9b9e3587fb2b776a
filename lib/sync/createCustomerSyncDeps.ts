import type { Logger } from '@aws-lambda-powertools/logger';
import { awsClientConfig, type InvocationDeadline } from '../aws/boundedCalls.ts';
import { createDynamoApi } from '../aws/dynamoApi.ts';
import { createSecretsApi } from '../aws/secretsApi.ts';
import type { CustomerSyncConfig } from '../config/customerSync.ts';
import { croCredentialsProvider, type CroCredentialsParts } from '../crm/croCredentials.ts';
import { CroClient } from '../crm/CroClient.ts';
import { AdaptiveRateLimit } from '../http/AdaptiveRateLimit.ts';
import type { CallInfo } from '../http/HttpClient.ts';
import type { TraceClient } from '../observability/createTracer.ts';
import { InvisibleCollectorClient } from '../invisible-collector/InvisibleCollectorClient.ts';
import { LazySqsClient, type SqsSender } from '../queue/lazySqs.ts';
import type { CredentialsProvider } from '../secrets/credentialsProvider.ts';
import { RecentEventKeys } from './RecentEventKeys.ts';
import { createSyncStateStore } from './state/createSyncStateStore.ts';
import type { SyncStateStore } from './state/types.ts';
import type { SyncMetrics } from './syncMetrics.ts';
import type { SyncDeps, SyncOptions } from './types.ts';

/** Parts that are built elsewhere, or replaced in tests and local runs. */
export interface CustomerSyncParts {
  logger: Logger;
  metrics: SyncMetrics;
  /**
   * The invocation's end, which the handler starts from its context: every AWS call (DynamoDB, SQS, Secrets
   * Manager) made during an invocation ends before it. Without one, only `config.awsLimits` apply.
   */
  deadline?: InvocationDeadline;
  /** @default croCredentialsProvider(config, credentialParts) (Secrets Manager, cached; CRO OAuth) */
  credentials?: CredentialsProvider;
  /** Hooks and overrides of the default credentials (the OAuth metrics, short timings in tests). */
  credentialParts?: CroCredentialsParts;
  /** @default a client following the SDK's standard variables (`AWS_ENDPOINT_URL_SQS`, ...), built on first use */
  sqs?: SqsSender;
  /** @default DynamoDB when `STATE_TABLE_NAME` is set, else in memory */
  store?: SyncStateStore;
  /** Overrides of the options resolved from the configuration (e.g. tiny backoffs in tests). */
  options?: Partial<SyncOptions>;
  /** @default Date.now */
  now?: () => number;
  /** @default Math.random */
  random?: () => number;
  /** Wraps each AWS client this builds (X-Ray, with `tracing` on). @default none */
  traceClient?: TraceClient;
}

/**
 * Builds the customer-sync's dependencies from its configuration: both API clients (sharing the cached
 * credentials, reporting every attempt to the `ApiCalls`/`ApiLatency` metrics), the state store, and the
 * SQS client for dead-letter sends and visibility changes. The AWS clients are bounded (`config.awsLimits`,
 * and `parts.deadline` during an invocation): a stalled socket is a transient failure of the records it
 * concerns, never a timeout of the whole batch. Called once per container, at module scope.
 *
 * @example
 * const deps = createCustomerSyncDeps(loadCustomerSyncConfig(), { logger, metrics });
 * await processBatch(event.Records, deps, context);
 */
export function createCustomerSyncDeps(config: CustomerSyncConfig, parts: CustomerSyncParts): SyncDeps {
  const aws = awsClientConfig(config.awsLimits, parts.deadline);
  const traced: TraceClient = parts.traceClient ?? ((client) => client);
  // DynamoDB and Secrets Manager are on the success path: the lean client in Lambda (no SDK loaded), bounded
  // like the SDK clients; the SDK, built on first use, elsewhere or when tracing wraps the calls.
  const calls = { limits: config.awsLimits, deadline: parts.deadline, traceClient: parts.traceClient };
  const dynamo = createDynamoApi(calls);
  const credentials =
    parts.credentials ??
    croCredentialsProvider(
      { ...config, retryBaseSeconds: config.retryBackoff.baseSeconds },
      {
        logger: parts.logger,
        // Secrets Manager (reads and the OAuth write-back) and the refresh lease's DynamoDB calls, bounded too.
        dynamo,
        secrets: createSecretsApi(calls),
        ...parts.credentialParts,
      },
    );
  const onCall = (info: CallInfo) => parts.metrics.apiCall(info.api, info.durationMs, info.status);
  return {
    tenantId: config.crmTenantId,
    ic: new InvisibleCollectorClient({
      baseUrl: config.icApiUrl,
      tokenProvider: credentials.invisibleCollectorToken,
      timeoutMs: config.icTimeoutMs,
      onCall,
      // Invisible Collector's rate limit is the fleet's ceiling: after a 429 each container paces its calls.
      rateLimit: new AdaptiveRateLimit(),
    }),
    cro: new CroClient({
      baseUrl: config.crmApiUrl,
      tenantId: config.crmTenantId,
      tokenProvider: credentials.crmToken,
      timeoutMs: config.crmTimeoutMs,
      ...(config.crmApiVersion !== undefined && { apiVersion: config.crmApiVersion }),
      onCall,
      rateLimit: new AdaptiveRateLimit(),
    }),
    store: parts.store ?? createSyncStateStore({ tableName: config.stateTableName, client: dynamo }),
    // Queue URLs are passed as parameters, so the endpoint (AWS or an emulator) comes from the SDK's settings.
    // Only failures and waits send to SQS: the client (and its module) loads when the first one does.
    sqs: parts.sqs ?? new LazySqsClient({ useQueueUrlAsEndpoint: false, ...aws }, traced),
    dlqUrl: config.dlqUrl,
    logger: parts.logger,
    metrics: parts.metrics,
    options: { ...syncOptions(config), ...parts.options },
    now: parts.now ?? Date.now,
    random: parts.random ?? Math.random,
    recentKeys: new RecentEventKeys(),
  };
}

/** The sync's options, every one resolved from the configuration. */
export function syncOptions(config: CustomerSyncConfig): SyncOptions {
  return {
    concurrency: config.syncConcurrency,
    vatConflictPolicy: config.vatConflictPolicy,
    fallbacks: {
      ...(config.defaultCountry !== undefined && { defaultCountry: config.defaultCountry }),
      ...(config.defaultLocale !== undefined && { defaultLocale: config.defaultLocale }),
    },
    timeMarginMs: config.timeMarginMs,
    retryBackoff: config.retryBackoff,
    busyBackoff: config.busyBackoff,
    icWriteSettleMs: config.icWriteSettleMs,
    missingVatReceives: config.missingVatReceives,
  };
}

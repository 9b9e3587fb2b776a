import type { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { CustomerSyncConfig } from '../config/customerSync.ts';
import { CroClient } from '../crm/CroClient.ts';
import type { CallInfo } from '../http/HttpClient.ts';
import { InvisibleCollectorClient } from '../invisible-collector/InvisibleCollectorClient.ts';
import { credentialsProvider, type CredentialsProvider } from '../secrets/credentialsProvider.ts';
import { createSyncStateStore } from './state/createSyncStateStore.ts';
import type { SyncStateStore } from './state/types.ts';
import type { SyncMetrics } from './syncMetrics.ts';
import type { SyncDeps, SyncOptions } from './types.ts';

/** Parts that are built elsewhere, or replaced in tests and local runs. */
export interface CustomerSyncParts {
  logger: Logger;
  metrics: SyncMetrics;
  /** @default credentialsProvider(config.credentialsSecretId) (Secrets Manager, cached with a TTL) */
  credentials?: CredentialsProvider;
  /** @default a client following the SDK's standard variables (`AWS_ENDPOINT_URL_SQS`, ...) */
  sqs?: SQSClient;
  /** @default DynamoDB when `STATE_TABLE_NAME` is set, else in memory */
  store?: SyncStateStore;
  /** Overrides of the options derived from the configuration (e.g. tiny backoffs in tests). */
  options?: SyncOptions;
}

/**
 * Builds the customer-sync's dependencies from its configuration: both API clients (sharing the cached
 * credentials, reporting every attempt to the `ApiCalls`/`ApiLatency` metrics), the state store, and the
 * SQS client for dead-letter sends and visibility changes. Called once per container, at module scope.
 *
 * @example
 * const deps = createCustomerSyncDeps(loadCustomerSyncConfig(), { logger, metrics });
 * await processBatch(event.Records, deps, context);
 */
export function createCustomerSyncDeps(config: CustomerSyncConfig, parts: CustomerSyncParts): SyncDeps {
  const credentials = parts.credentials ?? credentialsProvider(config.credentialsSecretId);
  const onCall = (info: CallInfo) => parts.metrics.apiCall(info.api, info.durationMs, info.status);
  return {
    tenantId: config.crmTenantId,
    ic: new InvisibleCollectorClient({
      baseUrl: config.icApiUrl,
      tokenProvider: credentials.invisibleCollectorToken,
      timeoutMs: config.icTimeoutMs,
      onCall,
    }),
    cro: new CroClient({
      baseUrl: config.crmApiUrl,
      tenantId: config.crmTenantId,
      tokenProvider: credentials.crmToken,
      timeoutMs: config.crmTimeoutMs,
      ...(config.crmApiVersion !== undefined && { apiVersion: config.crmApiVersion }),
      onCall,
    }),
    store: parts.store ?? createSyncStateStore({ tableName: config.stateTableName }),
    // Queue URLs are passed as parameters, so the endpoint (AWS or an emulator) comes from the SDK's settings.
    sqs: parts.sqs ?? new SQSClient({ useQueueUrlAsEndpoint: false }),
    dlqUrl: config.dlqUrl,
    logger: parts.logger,
    metrics: parts.metrics,
    options: {
      concurrency: config.syncConcurrency,
      vatConflictPolicy: config.vatConflictPolicy,
      fallbacks: {
        ...(config.defaultCountry !== undefined && { defaultCountry: config.defaultCountry }),
        ...(config.defaultLocale !== undefined && { defaultLocale: config.defaultLocale }),
      },
      timeMarginMs: config.timeMarginMs,
      backoff: { baseSeconds: config.retryBaseSeconds },
      ...parts.options,
    },
  };
}

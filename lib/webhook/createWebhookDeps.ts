import type { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '../aws/boundedCalls.ts';
import { createSecretsApi } from '../aws/secretsApi.ts';
import type { WebhookConfig } from '../config/webhook.ts';
import type { TraceClient } from '../observability/createTracer.ts';
import { createSecretReader } from '../secrets/createSecretReader.ts';
import { webhookSecretProvider, type WebhookSecretsProvider } from '../secrets/webhookSecretProvider.ts';
import type { WebhookDeps } from './types.ts';
import type { WebhookMetrics } from './webhookMetrics.ts';

/** Parts built elsewhere, or replaced in tests and local runs. */
export interface WebhookParts {
  logger: Logger;
  metrics: WebhookMetrics;
  /** @default a client following the SDK's standard variables (`AWS_ENDPOINT_URL_SQS`, ...), within `config.awsLimits` */
  sqs?: SQSClient;
  /** @default webhookSecretProvider(config.webhookSecretId) (Secrets Manager or `file:`, cached) */
  secrets?: WebhookSecretsProvider;
  /** Wraps each AWS client this builds (X-Ray, with `tracing` on). @default none */
  traceClient?: TraceClient;
}

/**
 * Builds the webhook's dependencies from its configuration; called once per container, at module scope.
 *
 * @example
 * const deps = createWebhookDeps(loadWebhookConfig(), { logger, metrics: powertoolsWebhookMetrics(m) });
 */
export function createWebhookDeps(config: WebhookConfig, parts: WebhookParts): WebhookDeps {
  const traced: TraceClient = parts.traceClient ?? ((client) => client);
  return {
    tenantId: config.crmTenantId,
    queueUrl: config.queueUrl,
    sqs:
      parts.sqs ??
      traced(new SQSClient({ useQueueUrlAsEndpoint: false, ...awsClientConfig(config.awsLimits) })),
    secrets:
      parts.secrets ??
      webhookSecretProvider(config.webhookSecretId, {
        reader: createSecretReader({
          ttlMs: config.secretTtlMs,
          // The lean client in Lambda (no Secrets Manager SDK loaded), the SDK with tracing or elsewhere.
          client: createSecretsApi({ limits: config.awsLimits, traceClient: parts.traceClient }),
        }),
      }),
    cro: {
      signatureHeader: config.croSignatureHeader,
      deliveryIdHeader: config.croDeliveryIdHeader,
      encoding: config.croSignatureEncoding,
    },
    logger: parts.logger,
    metrics: parts.metrics,
  };
}

import type { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { WebhookConfig } from '../config/webhook.ts';
import { webhookSecretProvider, type WebhookSecretsProvider } from '../secrets/webhookSecretProvider.ts';
import type { WebhookDeps } from './types.ts';
import type { WebhookMetrics } from './webhookMetrics.ts';

/** Parts built elsewhere, or replaced in tests and local runs. */
export interface WebhookParts {
  logger: Logger;
  metrics: WebhookMetrics;
  /** @default a client following the SDK's standard variables (`AWS_ENDPOINT_URL_SQS`, ...), 2 attempts */
  sqs?: SQSClient;
  /** @default webhookSecretProvider(config.webhookSecretId) (Secrets Manager or `file:`, cached) */
  secrets?: WebhookSecretsProvider;
}

/**
 * Builds the webhook's dependencies from its configuration; called once per container, at module scope.
 *
 * @example
 * const deps = createWebhookDeps(loadWebhookConfig(), { logger, metrics: powertoolsWebhookMetrics(m) });
 */
export function createWebhookDeps(config: WebhookConfig, parts: WebhookParts): WebhookDeps {
  return {
    tenantId: config.crmTenantId,
    queueUrl: config.queueUrl,
    // Few attempts: the sender retries a 503 anyway, and API Gateway gives up after 30 s.
    sqs: parts.sqs ?? new SQSClient({ useQueueUrlAsEndpoint: false, maxAttempts: 2 }),
    secrets: parts.secrets ?? webhookSecretProvider(config.webhookSecretId, { ttlMs: config.secretTtlMs }),
    cro: {
      signatureHeader: config.croSignatureHeader,
      deliveryIdHeader: config.croDeliveryIdHeader,
      encoding: config.croSignatureEncoding,
    },
    logger: parts.logger,
    metrics: parts.metrics,
  };
}

import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CroSignatureEncoding } from '../config/webhook.ts';
import type { WebhookSecretsProvider } from '../secrets/webhookSecretProvider.ts';
import type { WebhookMetrics } from './webhookMetrics.ts';

/** An HTTP request as the webhook sees it, whatever carried it (API Gateway, Function URL, node:http). */
export interface WebhookRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body bytes, exactly as signed. */
  body: Buffer;
  /** Unique per HTTP request (API Gateway's `requestContext.requestId`). */
  requestId: string;
}

/** The HTTP answer: a JSON body. */
export interface WebhookResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Everything {@link handleWebhook} needs, built once per container. */
export interface WebhookDeps {
  /** The CRO tenant this deployment serves. */
  tenantId: number;
  queueUrl: string;
  sqs: SQSClient;
  /** The accepted `whsec_` secrets (several during a rotation). */
  secrets: WebhookSecretsProvider;
  /** CRO-native deliveries: where the signature and delivery id are, and the digest encoding. */
  cro: { signatureHeader: string; deliveryIdHeader: string; encoding: CroSignatureEncoding };
  logger: Logger;
  metrics: WebhookMetrics;
  /** @default 262144 (256 KiB) */
  maxBodyBytes?: number;
}

import type { AwsCallLimits } from '../aws/boundedCalls.ts';
import * as z from '../zod.ts';
import { awsLimitsEnv, awsLimitsOf } from './awsLimits.ts';
import { envVar, parseEnv, type Env } from './parseEnv.ts';

/** Encodings a CRO-native signature header may use. */
export const CRO_SIGNATURE_ENCODINGS = ['base64', 'hex'] as const;
export type CroSignatureEncoding = (typeof CRO_SIGNATURE_ENCODINGS)[number];

const headerName = z
  .string()
  .check(z.toLowerCase(), z.regex(/^[a-z0-9-]+$/, { error: 'must be an HTTP header name' }));

/**
 * The webhook function's environment, each variable with its description (`npm run gen-docs` writes
 * docs/configuration.md from it).
 */
export const WebhookEnvSchema = z
  .object({
    QUEUE_URL: envVar.url().check(z.describe('the event queue (a URL ending in `.fifo` is a FIFO queue)')),
    WEBHOOK_SECRET_ID: envVar
      .text()
      .check(z.describe('Secrets Manager id or ARN of the `whsec_` secret(s) (`file:<path>` locally)')),
    CRM_TENANT_ID: envVar
      .int(1, Number.MAX_SAFE_INTEGER)
      .check(z.describe('the CRO tenant served; events for another tenant get a 400')),
    CRO_SIGNATURE_HEADER: z
      ._default(headerName, 'x-cro-signature')
      .check(z.describe("header carrying CRO's own HMAC signature")),
    CRO_SIGNATURE_ENCODING: z
      ._default(
        z.enum(CRO_SIGNATURE_ENCODINGS, { error: `must be one of ${CRO_SIGNATURE_ENCODINGS.join(', ')}` }),
        'base64',
      )
      .check(z.describe("encoding of CRO's HMAC-SHA256 digest")),
    CRO_DELIVERY_ID_HEADER: z
      ._default(headerName, 'x-cro-delivery-id')
      .check(z.describe("header carrying CRO's delivery id, the seed of the event id")),
    WEBHOOK_SECRET_TTL_MS: z
      ._default(envVar.int(0, 3_600_000), 300_000)
      .check(z.describe('how long the webhook secret is cached (ms)')),
    // Few attempts: the sender retries a 503 anyway, and API Gateway gives up after 30 s.
    ...awsLimitsEnv({ maxAttempts: 2 }),
  })
  .check(
    z.meta({ title: 'webhook', description: 'The signed HTTP endpoint that puts events on the queue.' }),
  );

/** Validated webhook configuration. */
export interface WebhookConfig {
  /** The event queue (a URL ending in `.fifo` is a FIFO queue). */
  queueUrl: string;
  /** Secrets Manager id/ARN (or `file:<path>` locally) of the `whsec_` secret(s). */
  webhookSecretId: string;
  /** The CRO tenant this deployment serves; events for another tenant get a 400. */
  crmTenantId: number;
  /** Header carrying CRO's own HMAC signature (lower case). @default 'x-cro-signature' */
  croSignatureHeader: string;
  /** Encoding of CRO's HMAC-SHA256 digest. @default 'base64' */
  croSignatureEncoding: CroSignatureEncoding;
  /** Header carrying CRO's delivery id, the seed of the event id (lower case). @default 'x-cro-delivery-id' */
  croDeliveryIdHeader: string;
  /** How long the webhook secret is cached. @default 300000 */
  secretTtlMs: number;
  /** Bounds of the SQS and Secrets Manager calls. @default { 1000, 3000, maxAttempts: 2 } */
  awsLimits: AwsCallLimits;
}

/**
 * Reads and validates the webhook configuration once, at cold start; throws `ConfigError` naming every bad
 * variable (never its value).
 *
 * @example
 * const config = loadWebhookConfig(); // process.env
 */
export function loadWebhookConfig(env: Env = process.env): WebhookConfig {
  const e = parseEnv(WebhookEnvSchema, env);
  return {
    queueUrl: e.QUEUE_URL,
    webhookSecretId: e.WEBHOOK_SECRET_ID,
    crmTenantId: e.CRM_TENANT_ID,
    croSignatureHeader: e.CRO_SIGNATURE_HEADER,
    croSignatureEncoding: e.CRO_SIGNATURE_ENCODING,
    croDeliveryIdHeader: e.CRO_DELIVERY_ID_HEADER,
    secretTtlMs: e.WEBHOOK_SECRET_TTL_MS,
    awsLimits: awsLimitsOf(e),
  };
}

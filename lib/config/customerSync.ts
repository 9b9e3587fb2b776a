import type { AwsCallLimits } from '../aws/boundedCalls.ts';
import { COUNTRY_CODE_PROBLEM, isIsoCountryCode } from '../countries.ts';
import * as z from '../zod.ts';
import { CRO_DEFAULT_API_VERSION } from '../crm/CroClient.ts';
import { IC_DEFAULT_BASE_URL } from '../invisible-collector/InvisibleCollectorClient.ts';
import { IC_LOCALES, type IcLocale } from '../invisible-collector/schemas.ts';
import { FALLBACK_LOCALE } from '../mapping/fieldTable.ts';
import { normaliseLocale } from '../mapping/normaliseLocale.ts';
import type { VisibilityBackoff } from '../queue/visibility.ts';
import { AWS_DEADLINE_RESERVE_MS, awsLimitsEnv, awsLimitsOf } from './awsLimits.ts';
import { lambdaRuntimeEnv, requireStateTableInLambda } from './lambdaRuntime.ts';
import { CRM_OAUTH_ENV, crmOAuthConfig, type CrmOAuthConfig } from './crmOAuth.ts';
import { ConfigError } from './errors.ts';
import { envVar, parseEnv, type Env } from './parseEnv.ts';

/** What to do when registering a customer hits a 409 because another IC customer has the VAT number. */
export const VAT_CONFLICT_POLICIES = ['dead-letter', 'adopt'] as const;
export type VatConflictPolicy = (typeof VAT_CONFLICT_POLICIES)[number];

/**
 * customer-sync's defaults, in one place: the environment schema below applies them, and the CDK stack
 * (infra/CrmSyncStack.ts, lib/settings/maxReceiveCount.ts) uses the same values instead of repeating them.
 */
export const CUSTOMER_SYNC_DEFAULTS = {
  icApiUrl: IC_DEFAULT_BASE_URL,
  syncConcurrency: 10,
  vatConflictPolicy: 'dead-letter' as VatConflictPolicy,
  icTimeoutMs: 5_000,
  crmTimeoutMs: 5_000,
  timeMarginMs: 3_000,
  /**
   * How long a write Invisible Collector did not answer clearly (no answer, a 5xx) may still be applied after
   * the sync gave up on it. The customer is not written again until this has passed.
   */
  icWriteSettleMs: 30_000,
  /** Visibility backoff of a record that failed transiently (per `ApproximateReceiveCount`). */
  retryBackoff: { baseSeconds: 30, capSeconds: 900 } satisfies VisibilityBackoff,
  /** Delay of a record deferred because another invocation holds its customer (per `requeue-count`). */
  busyBackoff: { baseSeconds: 10, capSeconds: 60 } satisfies VisibilityBackoff,
  /** Receives during which an update without VAT for a customer IC does not know waits for its `created`. */
  missingVatReceives: 3,
} as const;

/**
 * The customer-sync function's environment. Each variable carries its description (`z.describe`), from which
 * `npm run gen-docs` writes docs/configuration.md: a variable added here is documented there.
 */
export const CustomerSyncEnvSchema = z
  .object({
    IC_API_URL: z
      ._default(envVar.url(), CUSTOMER_SYNC_DEFAULTS.icApiUrl)
      .check(z.describe('Invisible Collector base URL')),
    CRM_API_URL: envVar.url().check(z.describe('CRO Software API base URL')),
    CRM_TENANT_ID: envVar
      .int(1, Number.MAX_SAFE_INTEGER)
      .check(
        z.describe(
          'the CRO tenant served (`x-tenant-id`); events for another tenant are dead-lettered (`wrong-tenant`)',
        ),
      ),
    CREDENTIALS_SECRET_ID: envVar
      .text()
      .check(
        z.describe(
          'Secrets Manager id or ARN of `{"invisibleCollectorToken": "...", "crmToken": "..."}`, or with the `crm` OAuth object instead of `crmToken` (docs/cro-oauth.md); `file:<path>` locally',
        ),
      ),
    ...CRM_OAUTH_ENV,
    DLQ_URL: envVar.url().check(z.describe('the dead-letter queue permanent failures are sent to')),
    DEFAULT_COUNTRY: z
      .optional(
        z.string().check(z.toUpperCase(), z.refine(isIsoCountryCode, { error: COUNTRY_CODE_PROBLEM })),
      )
      .check(
        z.describe(
          'ISO 3166-1 alpha-2 country (an assigned one: `GB`, not `UK`) used when the address has none',
        ),
      ),
    DEFAULT_LOCALE: z
      .optional(
        z.pipe(
          z.pipe(
            z.string(),
            z.transform((value: string) => normaliseLocale(value)),
          ),
          z.enum(IC_LOCALES, {
            error: `must be a locale of ${IC_LOCALES.join(', ')} (or e.g. pt-PT, en-GB)`,
          }),
        ),
      )
      .check(
        z.describe(
          `locale used when the event has none supported: ${IC_LOCALES.join(', ')} or e.g. \`en-GB\`; unset → \`${FALLBACK_LOCALE}\``,
        ),
      ),
    STATE_TABLE_NAME: z
      .optional(envVar.text())
      .check(
        z.describe(
          'DynamoDB table of leases, watermarks and dedup ids (the stack sets it); required in AWS Lambda; unset in a local run → an in-memory store, one process only',
        ),
      ),
    SYNC_CONCURRENCY: z
      ._default(envVar.int(1, 100), CUSTOMER_SYNC_DEFAULTS.syncConcurrency)
      .check(z.describe('customers synced at once per batch')),
    VAT_CONFLICT_POLICY: z
      ._default(
        z.enum(VAT_CONFLICT_POLICIES, { error: `must be one of ${VAT_CONFLICT_POLICIES.join(', ')}` }),
        CUSTOMER_SYNC_DEFAULTS.vatConflictPolicy,
      )
      .check(
        z.describe(
          'on a VAT 409: `dead-letter` (reason `vat-conflict`) or `adopt` (link to the existing Invisible Collector customer)',
        ),
      ),
    IC_TIMEOUT_MS: z
      ._default(envVar.int(100, 60_000), CUSTOMER_SYNC_DEFAULTS.icTimeoutMs)
      .check(z.describe('per-request timeout of Invisible Collector calls (ms)')),
    CRM_TIMEOUT_MS: z
      ._default(envVar.int(100, 60_000), CUSTOMER_SYNC_DEFAULTS.crmTimeoutMs)
      .check(z.describe('per-request timeout of CRO calls (ms)')),
    CRM_API_VERSION: z
      .optional(envVar.text())
      .check(z.describe(`sent as CRO's \`x-api-version\` header; unset → \`${CRO_DEFAULT_API_VERSION}\``)),
    TIME_MARGIN_MS: z
      ._default(envVar.int(0, 60_000), CUSTOMER_SYNC_DEFAULTS.timeMarginMs)
      .check(z.describe('time kept before the Lambda deadline (ms): no customer starts inside it')),
    RETRY_BASE_SECONDS: z
      ._default(
        envVar.int(1, CUSTOMER_SYNC_DEFAULTS.retryBackoff.capSeconds),
        CUSTOMER_SYNC_DEFAULTS.retryBackoff.baseSeconds,
      )
      .check(
        z.describe(
          'visibility backoff after the first transient failure of a record (s), doubled per receive up to 900 s, jittered; `npm start` takes a short one from the environment',
        ),
      ),
    // SQS delays a deferred record 900 s at most: the window must fit in one delay.
    IC_WRITE_SETTLE_MS: z
      ._default(envVar.int(100, 900_000), CUSTOMER_SYNC_DEFAULTS.icWriteSettleMs)
      .check(
        z.describe(
          'how long an Invisible Collector write of unknown outcome (no answer, a 5xx) may still land (ms, ≥ `IC_TIMEOUT_MS`): the customer is not written again before',
        ),
      ),
    ...awsLimitsEnv(),
    ...lambdaRuntimeEnv,
  })
  .check(
    z.meta({
      title: 'customer-sync',
      description: 'The SQS consumer that applies customer events to Invisible Collector.',
    }),
  );

/** Validated customer-sync configuration. */
export interface CustomerSyncConfig {
  /** @default 'https://api.invisiblecollector.com' (no trailing slash) */
  icApiUrl: string;
  crmApiUrl: string;
  /** The CRO tenant this deployment serves; events for another tenant are dead-lettered (`wrong-tenant`). */
  crmTenantId: number;
  credentialsSecretId: string;
  /** CRO's OAuth token endpoint and client authentication (for a secret with the `crm` object). */
  crmOAuth: CrmOAuthConfig;
  dlqUrl: string;
  /** Mapping fallback when the address has no country (upper case). */
  defaultCountry?: string;
  /** Mapping fallback when the event has no (supported) locale, already normalised. */
  defaultLocale?: IcLocale;
  /**
   * DynamoDB table for leases, watermarks and dedup. Required in AWS Lambda; unset in a local run → the
   * in-memory store (single process only).
   */
  stateTableName?: string;
  /** Customers synced at the same time within one batch. @default 10 */
  syncConcurrency: number;
  /** @default 'dead-letter' */
  vatConflictPolicy: VatConflictPolicy;
  /** Per-request timeout for Invisible Collector calls. @default 5000 */
  icTimeoutMs: number;
  /** Per-request timeout for CRO calls. @default 5000 */
  crmTimeoutMs: number;
  /** Sent as CRO's `x-api-version` header when set. */
  crmApiVersion?: string;
  /** Time kept in reserve before the Lambda deadline: no new customer starts inside it. @default 3000 */
  timeMarginMs: number;
  /**
   * How long an Invisible Collector write of unknown outcome may still land; at least `icTimeoutMs`.
   * @default 30000
   */
  icWriteSettleMs: number;
  /**
   * Visibility backoff of transient failures: `RETRY_BASE_SECONDS` (a short one suits the local stack, where an
   * operator watches the retry), capped at 900 s. @default { baseSeconds: 30, capSeconds: 900 }
   */
  retryBackoff: VisibilityBackoff;
  /** Delay of records deferred while another invocation holds the customer. @default { baseSeconds: 10, capSeconds: 60 } */
  busyBackoff: VisibilityBackoff;
  /** Receives an update without VAT waits for its customer's registration. @default 3 */
  missingVatReceives: number;
  /**
   * Bounds of every DynamoDB, SQS and Secrets Manager call (`AWS_CONNECT_TIMEOUT_MS`, `AWS_CALL_TIMEOUT_MS`,
   * `AWS_MAX_ATTEMPTS`). @default { connectionTimeoutMs: 1000, requestTimeoutMs: 3000, maxAttempts: 3 }
   */
  awsLimits: AwsCallLimits;
  /** AWS calls end this long before the invocation would time out, so the batch response still goes out. */
  awsDeadlineReserveMs: number;
}

/**
 * Reads and validates the customer-sync configuration once (call it at module scope: a bad deployment
 * fails at cold start). Throws {@link ConfigError} naming every bad variable; in AWS Lambda (the runtime sets
 * `AWS_LAMBDA_FUNCTION_NAME`) `STATE_TABLE_NAME` is required, since an in-memory store would silently lose
 * leases, watermarks and deduplication between containers.
 *
 * @example
 * const config = loadCustomerSyncConfig(); // process.env
 * const config2 = loadCustomerSyncConfig({ CRM_API_URL: 'http://127.0.0.1:4001', ... });
 */
export function loadCustomerSyncConfig(env: Env = process.env): CustomerSyncConfig {
  const e = parseEnv(CustomerSyncEnvSchema, env);
  requireStateTableInLambda(e, 'leases, watermarks and deduplication');
  return {
    icApiUrl: e.IC_API_URL,
    crmApiUrl: e.CRM_API_URL,
    crmTenantId: e.CRM_TENANT_ID,
    credentialsSecretId: e.CREDENTIALS_SECRET_ID,
    crmOAuth: crmOAuthConfig(e),
    dlqUrl: e.DLQ_URL,
    ...(e.DEFAULT_COUNTRY !== undefined && { defaultCountry: e.DEFAULT_COUNTRY }),
    ...(e.DEFAULT_LOCALE !== undefined && { defaultLocale: e.DEFAULT_LOCALE }),
    ...(e.STATE_TABLE_NAME !== undefined && { stateTableName: e.STATE_TABLE_NAME }),
    syncConcurrency: e.SYNC_CONCURRENCY,
    vatConflictPolicy: e.VAT_CONFLICT_POLICY,
    icTimeoutMs: e.IC_TIMEOUT_MS,
    crmTimeoutMs: e.CRM_TIMEOUT_MS,
    ...(e.CRM_API_VERSION !== undefined && { crmApiVersion: e.CRM_API_VERSION }),
    timeMarginMs: e.TIME_MARGIN_MS,
    icWriteSettleMs: settleWindow(e.IC_WRITE_SETTLE_MS, e.IC_TIMEOUT_MS),
    retryBackoff: { ...CUSTOMER_SYNC_DEFAULTS.retryBackoff, baseSeconds: e.RETRY_BASE_SECONDS },
    busyBackoff: { ...CUSTOMER_SYNC_DEFAULTS.busyBackoff },
    missingVatReceives: CUSTOMER_SYNC_DEFAULTS.missingVatReceives,
    awsLimits: awsLimitsOf(e),
    awsDeadlineReserveMs: AWS_DEADLINE_RESERVE_MS,
  };
}

// A write still unanswered when the client gave up may be applied at least a request timeout later.
function settleWindow(settleMs: number, icTimeoutMs: number): number {
  if (settleMs >= icTimeoutMs) return settleMs;
  throw new ConfigError([
    { variable: 'IC_WRITE_SETTLE_MS', message: `must be ≥ IC_TIMEOUT_MS (${icTimeoutMs})` },
  ]);
}

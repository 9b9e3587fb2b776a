import type { AwsCallLimits } from '../aws/boundedCalls.ts';
import { COUNTRY_CODE_PROBLEM, isIsoCountryCode } from '../countries.ts';
import * as z from '../zod.ts';
import { CRO_DEFAULT_API_VERSION } from '../crm/CroClient.ts';
import { IC_LOCALES, type IcLocale } from '../invisible-collector/schemas.ts';
import { FALLBACK_LOCALE } from '../mapping/fieldTable.ts';
import { normaliseLocale } from '../mapping/normaliseLocale.ts';
import { awsLimitsEnv, awsLimitsOf } from './awsLimits.ts';
import { CRM_OAUTH_ENV, crmOAuthConfig, type CrmOAuthConfig } from './crmOAuth.ts';
import { ConfigError } from './errors.ts';
import { envVar, parseEnv, type Env } from './parseEnv.ts';

/** What to do when registering a customer hits a 409 because another IC customer has the VAT number. */
export const VAT_CONFLICT_POLICIES = ['dead-letter', 'adopt'] as const;
export type VatConflictPolicy = (typeof VAT_CONFLICT_POLICIES)[number];

/**
 * The customer-sync function's environment. Each variable carries its description (`z.describe`), from which
 * `npm run gen-docs` writes docs/configuration.md: a variable added here is documented there.
 */
export const CustomerSyncEnvSchema = z
  .object({
    IC_API_URL: z
      ._default(envVar.url(), 'https://api.invisiblecollector.com')
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
      ._default(envVar.int(1, 100), 10)
      .check(z.describe('customers synced at once per batch')),
    VAT_CONFLICT_POLICY: z
      ._default(
        z.enum(VAT_CONFLICT_POLICIES, { error: `must be one of ${VAT_CONFLICT_POLICIES.join(', ')}` }),
        'dead-letter',
      )
      .check(
        z.describe(
          'on a VAT 409: `dead-letter` (reason `vat-conflict`) or `adopt` (link to the existing Invisible Collector customer)',
        ),
      ),
    IC_TIMEOUT_MS: z
      ._default(envVar.int(100, 60_000), 5_000)
      .check(z.describe('per-request timeout of Invisible Collector calls (ms)')),
    CRM_TIMEOUT_MS: z
      ._default(envVar.int(100, 60_000), 5_000)
      .check(z.describe('per-request timeout of CRO calls (ms)')),
    CRM_API_VERSION: z
      .optional(envVar.text())
      .check(z.describe(`sent as CRO's \`x-api-version\` header; unset → \`${CRO_DEFAULT_API_VERSION}\``)),
    TIME_MARGIN_MS: z
      ._default(envVar.int(0, 60_000), 3_000)
      .check(z.describe('time kept before the Lambda deadline (ms): no customer starts inside it')),
    RETRY_BASE_SECONDS: z
      ._default(envVar.int(1, 900), 30)
      .check(
        z.describe(
          'visibility backoff after the first transient failure of a record (s), doubled per receive up to 900 s, jittered; `npm start` takes a short one from the environment',
        ),
      ),
    ...awsLimitsEnv(),
    AWS_LAMBDA_FUNCTION_NAME: z
      .optional(envVar.text())
      .check(
        z.describe(
          'set by the Lambda runtime, never by hand: a deployed function, which requires `STATE_TABLE_NAME`',
        ),
      ),
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
   * Visibility backoff of a transiently failed record after its first receive, seconds (doubled per receive
   * up to 900 s, jittered). A short one suits the local stack, where an operator watches the retry. @default 30
   */
  retryBaseSeconds: number;
  /**
   * Bounds of every DynamoDB, SQS and Secrets Manager call (`AWS_CONNECT_TIMEOUT_MS`, `AWS_CALL_TIMEOUT_MS`,
   * `AWS_MAX_ATTEMPTS`). @default { connectionTimeoutMs: 1000, requestTimeoutMs: 3000, maxAttempts: 3 }
   */
  awsLimits: AwsCallLimits;
  /** AWS calls end this long before the invocation would time out, so the batch response still goes out. */
  awsDeadlineReserveMs: number;
}

/** Time an invocation keeps after its last AWS call to return the partial batch response. */
const AWS_DEADLINE_RESERVE_MS = 1_000;

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
  if (e.AWS_LAMBDA_FUNCTION_NAME !== undefined && e.STATE_TABLE_NAME === undefined) {
    throw new ConfigError([
      {
        variable: 'STATE_TABLE_NAME',
        message:
          'is required in AWS Lambda (the in-memory state store would not share leases, watermarks or ' +
          'deduplication between containers)',
      },
    ]);
  }
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
    retryBaseSeconds: e.RETRY_BASE_SECONDS,
    awsLimits: awsLimitsOf(e),
    awsDeadlineReserveMs: AWS_DEADLINE_RESERVE_MS,
  };
}

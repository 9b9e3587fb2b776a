import * as z from '../zod.ts';
import { IC_LOCALES, type IcLocale } from '../invisible-collector/schemas.ts';
import { normaliseLocale } from '../mapping/normaliseLocale.ts';
import { CRM_OAUTH_ENV, crmOAuthConfig, type CrmOAuthConfig } from './crmOAuth.ts';
import { envVar, parseEnv, type Env } from './parseEnv.ts';

/** What to do when registering a customer hits a 409 because another IC customer has the VAT number. */
export const VAT_CONFLICT_POLICIES = ['dead-letter', 'adopt'] as const;
export type VatConflictPolicy = (typeof VAT_CONFLICT_POLICIES)[number];

/** The customer-sync function's environment (CONTRACT.md §3 plus tuning variables with defaults). */
const CustomerSyncEnvSchema = z.object({
  IC_API_URL: z._default(envVar.url(), 'https://api.invisiblecollector.com'),
  CRM_API_URL: envVar.url(),
  CRM_TENANT_ID: envVar.int(1, Number.MAX_SAFE_INTEGER),
  CREDENTIALS_SECRET_ID: envVar.text(),
  ...CRM_OAUTH_ENV,
  DLQ_URL: envVar.url(),
  DEFAULT_COUNTRY: z.optional(
    z.string().check(z.toUpperCase(), z.regex(/^[A-Z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 code' })),
  ),
  DEFAULT_LOCALE: z.optional(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((value: string) => normaliseLocale(value)),
      ),
      z.enum(IC_LOCALES, { error: `must be a locale of ${IC_LOCALES.join(', ')} (or e.g. pt-PT, en-GB)` }),
    ),
  ),
  STATE_TABLE_NAME: z.optional(envVar.text()),
  SYNC_CONCURRENCY: z._default(envVar.int(1, 100), 10),
  VAT_CONFLICT_POLICY: z._default(
    z.enum(VAT_CONFLICT_POLICIES, { error: `must be one of ${VAT_CONFLICT_POLICIES.join(', ')}` }),
    'dead-letter',
  ),
  IC_TIMEOUT_MS: z._default(envVar.int(100, 60_000), 5_000),
  CRM_TIMEOUT_MS: z._default(envVar.int(100, 60_000), 5_000),
  CRM_API_VERSION: z.optional(envVar.text()),
  TIME_MARGIN_MS: z._default(envVar.int(0, 60_000), 3_000),
});

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
  /** DynamoDB table for leases, watermarks and dedup; unset → in-memory store (single process only). */
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
}

/**
 * Reads and validates the customer-sync configuration once (call it at module scope: a bad deployment
 * fails at cold start). Throws {@link ConfigError} naming every bad variable.
 *
 * @example
 * const config = loadCustomerSyncConfig(); // process.env
 * const config2 = loadCustomerSyncConfig({ CRM_API_URL: 'http://127.0.0.1:4001', ... });
 */
export function loadCustomerSyncConfig(env: Env = process.env): CustomerSyncConfig {
  const e = parseEnv(CustomerSyncEnvSchema, env);
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
  };
}

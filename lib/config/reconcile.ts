import type { AwsCallLimits } from '../aws/boundedCalls.ts';
import * as z from '../zod.ts';
import { CRO_DEFAULT_API_VERSION } from '../crm/CroClient.ts';
import { AWS_DEADLINE_RESERVE_MS, awsLimitsEnv, awsLimitsOf } from './awsLimits.ts';
import { lambdaRuntimeEnv, requireStateTableInLambda } from './lambdaRuntime.ts';
import { CRM_OAUTH_ENV, crmOAuthConfig, type CrmOAuthConfig } from './crmOAuth.ts';
import { envVar, parseEnv, type Env } from './parseEnv.ts';

const locationIds = z.pipe(
  z
    .string()
    .check(
      z.regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, { error: 'must be comma-separated location ids, e.g. 1,2,7' }),
    ),
  z.transform((value: string) => [...new Set(value.split(',').map((id) => Number(id.trim())))]),
);

const fieldPath = z.string().check(
  z.regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, {
    error: 'must be a dotted path into the CustomerModel, e.g. tax_id or locations.0.reference_number',
  }),
);

/**
 * The reconcile function's environment. Each variable carries its description (`z.describe`), from which
 * `npm run gen-docs` writes docs/configuration.md.
 */
export const ReconcileEnvSchema = z
  .object({
    CRM_API_URL: envVar.url().check(z.describe('CRO Software API base URL')),
    CRM_TENANT_ID: envVar
      .int(1, Number.MAX_SAFE_INTEGER)
      .check(z.describe('the CRO tenant whose customers are listed (`x-tenant-id`)')),
    CREDENTIALS_SECRET_ID: envVar
      .text()
      .check(
        z.describe(
          "Secrets Manager id or ARN of the credentials secret, the customer-sync's (`file:<path>` locally); with the `crm` OAuth object, refreshed tokens are written back to it",
        ),
      ),
    ...CRM_OAUTH_ENV,
    QUEUE_URL: envVar.url().check(z.describe('the event queue the events are sent to')),
    CRM_LOCATION_IDS: z
      .optional(locationIds)
      .check(
        z.describe('locations to list, comma-separated (e.g. `1,2,7`); unset → every active location of CRO'),
      ),
    STATE_TABLE_NAME: z
      .optional(envVar.text())
      .check(
        z.describe(
          'DynamoDB table holding the checkpoints and the CRO OAuth refresh lease (the state table; the stack sets it); required in AWS Lambda; unset in a local run → checkpoints in memory (one process only), the lease in a file beside a `file:` secret',
        ),
      ),
    CRM_VAT_FIELD: z
      .optional(fieldPath)
      .check(
        z.describe(
          "where the tenant keeps the VAT number in CRO's CustomerModel, a dotted path (e.g. `tax_id`, `locations.0.reference_number`); unset → events carry none",
        ),
      ),
    RECONCILE_OVERLAP_SECONDS: z
      ._default(envVar.int(0, 86_400), 300)
      .check(z.describe('listing starts this long before the checkpoint (clock skew, late commits)')),
    RECONCILE_PAGE_LIMIT: z
      ._default(envVar.int(1, 1_000), 1_000)
      .check(z.describe("`page_limit` of CRO's customer list")),
    RECONCILE_ENQUEUE_RATE: z
      ._default(envVar.int(1, 3_000), 100)
      .check(z.describe('events put on the queue per second at most')),
    RECONCILE_CONCURRENCY: z
      ._default(envVar.int(1, 20), 4)
      .check(z.describe('locations listed at the same time')),
    RECONCILE_MAX_RESTARTS: z
      ._default(envVar.int(0, 100), 3)
      .check(
        z.describe('restarts of a window whose pages keep moving, per run, before it waits for the next run'),
      ),
    CRM_TIMEOUT_MS: z
      ._default(envVar.int(100, 60_000), 5_000)
      .check(z.describe('per-request timeout of CRO calls (ms)')),
    CRM_API_VERSION: z
      .optional(envVar.text())
      .check(z.describe(`sent as CRO's \`x-api-version\` header; unset → \`${CRO_DEFAULT_API_VERSION}\``)),
    TIME_MARGIN_MS: z
      ._default(envVar.int(0, 300_000), 30_000)
      .check(
        z.describe(
          'time kept before the Lambda deadline (ms): no page starts inside it, the last one is sent',
        ),
      ),
    ...awsLimitsEnv(),
    ...lambdaRuntimeEnv,
  })
  .check(
    z.meta({
      title: 'reconcile',
      description: "The scheduled function that lists CRO's customers and enqueues their events.",
    }),
  );

/** Validated reconcile configuration. */
export interface ReconcileConfig {
  crmApiUrl: string;
  /** The CRO tenant whose customers are listed. */
  crmTenantId: number;
  credentialsSecretId: string;
  /** CRO's OAuth token endpoint and client authentication (for a secret with the `crm` object). */
  crmOAuth: CrmOAuthConfig;
  /** The event queue (a URL ending in `.fifo` is a FIFO queue). */
  queueUrl: string;
  /** Locations to reconcile; unset: every active location of `GET /locations`. */
  crmLocationIds?: number[];
  /**
   * The state table, where checkpoints and the CRO OAuth refresh lease live; unset (local runs only): in
   * memory, one process only, lost on restart.
   */
  stateTableName?: string;
  /** Where the tenant keeps the VAT number in CRO's CustomerModel (path segments). */
  crmVatField?: string[];
  /** Subtracted from the checkpoint for `last_updated_gte`, ms. @default 300000 (5 minutes) */
  overlapMs: number;
  /** `page_limit` of the customer list. @default 1000 */
  pageLimit: number;
  /** Events put on the queue per second at most. @default 100 */
  enqueueRate: number;
  /** Locations reconciled at the same time. @default 4 */
  concurrency: number;
  /** Restarts of a moving window within one run before it is left for the next run. @default 3 */
  maxRestarts: number;
  /** Per-request timeout for CRO calls. @default 5000 */
  crmTimeoutMs: number;
  /** Sent as CRO's `x-api-version` header when set. */
  crmApiVersion?: string;
  /** Time kept before the Lambda deadline: no page starts inside it (the last page's sends finish). @default 30000 */
  timeMarginMs: number;
  /**
   * Bounds of every DynamoDB, SQS and Secrets Manager call (`AWS_CONNECT_TIMEOUT_MS`, `AWS_CALL_TIMEOUT_MS`,
   * `AWS_MAX_ATTEMPTS`). @default { connectionTimeoutMs: 1000, requestTimeoutMs: 3000, maxAttempts: 3 }
   */
  awsLimits: AwsCallLimits;
  /** AWS calls end this long before the invocation would time out, so the run's summary still goes out. */
  awsDeadlineReserveMs: number;
}

/**
 * Reads and validates the reconcile configuration once, at cold start; throws `ConfigError` naming every bad
 * variable (never its value). In AWS Lambda `STATE_TABLE_NAME` is required: in-memory checkpoints would make
 * every run a full listing, and an in-memory refresh lease would not keep two functions from sending the
 * same CRO refresh token.
 *
 * @example
 * const config = loadReconcileConfig(); // process.env
 */
export function loadReconcileConfig(env: Env = process.env): ReconcileConfig {
  const e = parseEnv(ReconcileEnvSchema, env);
  requireStateTableInLambda(e, 'checkpoints and the CRO refresh lease shared with customer-sync');
  return {
    crmApiUrl: e.CRM_API_URL,
    crmTenantId: e.CRM_TENANT_ID,
    credentialsSecretId: e.CREDENTIALS_SECRET_ID,
    crmOAuth: crmOAuthConfig(e),
    queueUrl: e.QUEUE_URL,
    ...(e.CRM_LOCATION_IDS !== undefined && { crmLocationIds: e.CRM_LOCATION_IDS }),
    ...(e.STATE_TABLE_NAME !== undefined && { stateTableName: e.STATE_TABLE_NAME }),
    ...(e.CRM_VAT_FIELD !== undefined && { crmVatField: e.CRM_VAT_FIELD.split('.') }),
    overlapMs: e.RECONCILE_OVERLAP_SECONDS * 1000,
    pageLimit: e.RECONCILE_PAGE_LIMIT,
    enqueueRate: e.RECONCILE_ENQUEUE_RATE,
    concurrency: e.RECONCILE_CONCURRENCY,
    maxRestarts: e.RECONCILE_MAX_RESTARTS,
    crmTimeoutMs: e.CRM_TIMEOUT_MS,
    ...(e.CRM_API_VERSION !== undefined && { crmApiVersion: e.CRM_API_VERSION }),
    timeMarginMs: e.TIME_MARGIN_MS,
    awsLimits: awsLimitsOf(e),
    awsDeadlineReserveMs: AWS_DEADLINE_RESERVE_MS,
  };
}

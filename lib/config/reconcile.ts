import * as z from '../zod.ts';
import { envVar, parseEnv, type Env } from './parseEnv.ts';

const locationIds = z.pipe(
  z.string().check(
    z.regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, { error: 'must be comma-separated location ids, e.g. 1,2,7' }),
  ),
  z.transform((value: string) => [...new Set(value.split(',').map((id) => Number(id.trim())))]),
);

const fieldPath = z.string().check(
  z.regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, {
    error: 'must be a dotted path into the CustomerModel, e.g. tax_id or locations.0.reference_number',
  }),
);

/** The reconcile function's environment (CONTRACT.md §10 plus tuning variables with defaults). */
const ReconcileEnvSchema = z.object({
  CRM_API_URL: envVar.url(),
  CRM_TENANT_ID: envVar.int(1, Number.MAX_SAFE_INTEGER),
  CREDENTIALS_SECRET_ID: envVar.text(),
  QUEUE_URL: envVar.url(),
  CRM_LOCATION_IDS: z.optional(locationIds),
  STATE_TABLE_NAME: z.optional(envVar.text()),
  CRM_VAT_FIELD: z.optional(fieldPath),
  RECONCILE_OVERLAP_SECONDS: z._default(envVar.int(0, 86_400), 300),
  RECONCILE_PAGE_LIMIT: z._default(envVar.int(1, 1_000), 1_000),
  RECONCILE_ENQUEUE_RATE: z._default(envVar.int(1, 3_000), 100),
  RECONCILE_CONCURRENCY: z._default(envVar.int(1, 20), 4),
  RECONCILE_MAX_RESTARTS: z._default(envVar.int(0, 100), 3),
  CRM_TIMEOUT_MS: z._default(envVar.int(100, 60_000), 5_000),
  CRM_API_VERSION: z.optional(envVar.text()),
  TIME_MARGIN_MS: z._default(envVar.int(0, 300_000), 30_000),
});

/** Validated reconcile configuration. */
export interface ReconcileConfig {
  crmApiUrl: string;
  /** The CRO tenant whose customers are listed. */
  crmTenantId: number;
  credentialsSecretId: string;
  /** The event queue (a URL ending in `.fifo` is a FIFO queue). */
  queueUrl: string;
  /** Locations to reconcile; unset: every active location of `GET /locations`. */
  crmLocationIds?: number[];
  /** The state table, where checkpoints live; unset: in memory (one process only, lost on restart). */
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
}

/**
 * Reads and validates the reconcile configuration once, at cold start; throws `ConfigError` naming every bad
 * variable (never its value).
 *
 * @example
 * const config = loadReconcileConfig(); // process.env
 */
export function loadReconcileConfig(env: Env = process.env): ReconcileConfig {
  const e = parseEnv(ReconcileEnvSchema, env);
  return {
    crmApiUrl: e.CRM_API_URL,
    crmTenantId: e.CRM_TENANT_ID,
    credentialsSecretId: e.CREDENTIALS_SECRET_ID,
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
  };
}

import type { Node } from 'constructs';
import * as z from '../lib/zod.ts';
import { CUSTOMER_SYNC_DEFAULTS, VAT_CONFLICT_POLICIES } from '../lib/config/customerSync.ts';
import { CLIENT_AUTH_METHODS } from '../lib/oauth/types.ts';
import type { CrmSyncStackProps } from './CrmSyncStackProps.ts';
import { InvalidContextError } from './errors.ts';

// Context values arrive as strings from `-c key=value` and as JSON values from cdk.json: accept both.
const int = (min: number, max: number) => z.coerce.number().check(z.int(), z.gte(min), z.lte(max));
const bool = z.union([
  z.boolean(),
  z.pipe(
    z.enum(['true', 'false']),
    z.transform((value: 'true' | 'false') => value === 'true'),
  ),
]);
const text = z.string().check(z.trim(), z.minLength(1));
const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,59}$/;

/**
 * The context keys, their types and descriptions (`npm run gen-docs` writes docs/configuration.md from them, with
 * {@link CONTEXT_DEFAULTS}): a key added here is documented there. The first four describe the deployment
 * (which environment, its stack name, whether it is only an example, the alarm e-mail waiver); the others are
 * the stack's props.
 */
export const CONTEXT_SCHEMA = z.object({
  env: z
    .optional(z.string().check(z.regex(ENV_NAME, { error: 'must be letters, digits and dashes' })))
    .check(
      z.describe(
        "the named environment: the block of `cdk.json`'s `environments` to deploy (`-c env=prod`); its keys are the keys below",
      ),
    ),
  stackName: z
    .optional(
      z.string().check(
        z.regex(STACK_NAME, {
          error: 'must start with a letter and hold at most 60 letters, digits and dashes',
        }),
      ),
    )
    .check(
      z.describe(
        "the CloudFormation stack's name, which also names the DLQ (`<stackName>-dead-letters`) and the state table (`<stackName>-state`); unset → `CrmSync-<env>` (`CrmSync` without `env`)",
      ),
    ),
  example: z
    .optional(bool)
    .check(
      z.describe(
        "an environment that only synthesizes (CI's `npm run synth`, cdk-nag): placeholders are allowed, and its template refuses to deploy",
      ),
    ),
  alarmEmailWaived: z
    .optional(bool)
    .check(
      z.describe(
        '`true`: deploy without `alarmEmail` because the alarm topic is subscribed elsewhere (PagerDuty, Chatbot); otherwise a missing `alarmEmail` stops synth',
      ),
    ),
  crmApiUrl: z.url({ protocol: /^https?$/ }).check(z.describe('CRO Software API base URL (`CRM_API_URL`)')),
  crmTenantId: int(1, Number.MAX_SAFE_INTEGER).check(
    z.describe("the CRO tenant served (`CRM_TENANT_ID`); other tenants' events are dead-lettered"),
  ),
  credentialsSecretName: text.check(
    z.describe(
      'name or complete ARN of the `{"invisibleCollectorToken","crmToken"}` (or `"crm": {...}`) secret',
    ),
  ),
  webhookSecretName: text.check(z.describe('name or complete ARN of the `whsec_...` secret')),
  crmTokenUrl: z
    .optional(z.url({ protocol: /^https?$/ }))
    .check(
      z.describe(
        "CRO's OAuth token endpoint (`CRM_TOKEN_URL`): the credentials secret holds the `crm` OAuth object, which customer-sync may write back (`PutSecretValue`, docs/cro-oauth.md)",
      ),
    ),
  crmTokenAuth: z
    .optional(z.enum(CLIENT_AUTH_METHODS))
    .check(z.describe('token endpoint client authentication (`CRM_TOKEN_AUTH`)')),
  secretsKmsKeyArn: z
    .optional(z.string().check(z.startsWith('arn:')))
    .check(
      z.describe(
        'customer-managed KMS key of the two secrets (adds `kms:Decrypt` via Secrets Manager only); unset → the AWS managed key',
      ),
    ),
  icApiUrl: z.optional(z.url({ protocol: /^https?$/ })).check(z.describe('Invisible Collector base URL')),
  defaultCountry: z
    .optional(z.string().check(z.regex(/^[A-Za-z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 code' })))
    .check(z.describe('mapping fallback (`DEFAULT_COUNTRY`)')),
  defaultLocale: z.optional(text).check(z.describe('mapping fallback (`DEFAULT_LOCALE`)')),
  fifo: z
    .optional(bool)
    .check(
      z.describe('FIFO queue and DLQ (per-customer message groups; producers set the deduplication id)'),
    ),
  queueEncryption: z
    .optional(z.enum(['sqs-managed', 'kms']))
    .check(z.describe('`sqs-managed` (SSE-SQS) or `kms` (a rotated customer-managed key)')),
  queueRetentionDays: z
    .optional(int(1, 14))
    .check(z.describe('main queue retention in days (the DLQ always keeps 14 days)')),
  retryHorizonMinutes: z
    .optional(int(0, 7 * 24 * 60))
    .check(z.describe('how long transient failures are retried before dead-lettering → `maxReceiveCount`')),
  syncTimeoutSeconds: z
    .optional(int(5, 900))
    .check(z.describe("customer-sync timeout → the queue's visibility timeout")),
  syncMemorySize: z.optional(int(128, 10_240)).check(z.describe('customer-sync memory (MB)')),
  batchSize: z.optional(int(1, 100)).check(z.describe('records per invocation (≤ 100 standard, ≤ 10 FIFO)')),
  maxBatchingWindowSeconds: z
    .optional(int(0, 300))
    .check(z.describe('wait to fill a batch (≥ 1 when `batchSize` > 10; FIFO: 0)')),
  maxConcurrency: z
    .optional(int(2, 1000))
    .check(
      z.describe('concurrent customer-sync invocations at most: the load ceiling on Invisible Collector'),
    ),
  syncConcurrency: z
    .optional(int(1, 100))
    .check(z.describe('customers synced in parallel inside one invocation (`SYNC_CONCURRENCY`)')),
  vatConflictPolicy: z
    .optional(z.enum(VAT_CONFLICT_POLICIES))
    .check(z.describe('what a VAT conflict does (`VAT_CONFLICT_POLICY`)')),
  webhookRateLimit: z.optional(int(1, 10_000)).check(z.describe('HTTP API throttling: steady requests/s')),
  webhookBurstLimit: z.optional(int(1, 5_000)).check(z.describe('HTTP API throttling: burst')),
  webhookMemorySize: z.optional(int(128, 10_240)).check(z.describe('webhook memory (MB)')),
  reconcileSchedule: z
    .optional(
      z.string().check(
        z.regex(/^(disabled|rate\(.+\)|cron\(.+\)|at\(.+\))$/, {
          error: 'must be an EventBridge Scheduler expression (rate(15 minutes), cron(...)) or disabled',
        }),
      ),
    )
    .check(
      z.describe(
        'when the reconciliation runs: an EventBridge Scheduler expression, or `disabled` (the function is deployed without a schedule)',
      ),
    ),
  reconcileRate: z
    .optional(int(1, 3_000))
    .check(z.describe('events the reconciliation enqueues per second at most (`RECONCILE_ENQUEUE_RATE`)')),
  crmLocationIds: z
    .optional(
      // cdk.json may hold one id as a number.
      z.coerce
        .string()
        .check(z.regex(/^\d+(,\d+)*$/, { error: 'must be comma-separated location ids, e.g. 1,2,7' })),
    )
    .check(
      z.describe(
        'locations the reconciliation lists, comma-separated (`CRM_LOCATION_IDS`); unset → every active location',
      ),
    ),
  crmVatField: z
    .optional(
      z
        .string()
        .check(z.regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, { error: 'must be a dotted path, e.g. tax_id' })),
    )
    .check(
      z.describe(
        "where CRO customers keep their VAT number, a dotted path into the CustomerModel (`CRM_VAT_FIELD`); unset → the reconciliation's events carry none",
      ),
    ),
  checkpointLagAlarmMinutes: z
    .optional(int(15, 10_080))
    .check(z.describe("alarm when a location's reconciliation checkpoint is older than this")),
  logRetentionDays: z
    .optional(int(1, 3653))
    .check(
      z.describe('retention of every log group, a CloudWatch Logs value: 1, 3, 5, 7, 14, 30, 60, 90, ...'),
    ),
  oldestMessageAgeAlarmMinutes: z
    .optional(int(1, 20_160))
    .check(z.describe('alarm when an event not yet retried has waited on the queue longer than this')),
  deadLetterAgeAlarmDays: z
    .optional(int(1, 13))
    .check(z.describe('alarm when a dead letter is older than this (the DLQ deletes them at 14 days)')),
  webhookSilenceAlarmHours: z
    .optional(int(0, 168))
    .check(z.describe('alarm when the webhook receives no request for this many hours; `0` turns it off')),
  alarmEmail: z
    .optional(z.email())
    .check(
      z.describe(
        'e-mail subscribed to the alarm topic (confirm the subscription mail); required unless `alarmEmailWaived`',
      ),
    ),
  retainData: z
    .optional(bool)
    .check(
      z.describe(
        'keep the DLQ and the state table when the stack is deleted (or they are replaced); `false` for throwaway stacks',
      ),
    ),
  tracing: z
    .optional(bool)
    .check(
      z.describe(
        'X-Ray active tracing with Powertools Tracer (each invocation and its HTTP calls); off, no trace is recorded or paid for',
      ),
    ),
});

/**
 * What the stack uses for an optional context key left unset. The event source's defaults depend on the queue
 * type and come from `resolveEventSourceSettings` (lib/settings).
 */
export const CONTEXT_DEFAULTS = {
  // The function's own defaults, passed through (one source: lib/config).
  icApiUrl: CUSTOMER_SYNC_DEFAULTS.icApiUrl,
  crmTokenAuth: 'client_secret_basic',
  fifo: false,
  queueEncryption: 'sqs-managed',
  queueRetentionDays: 4,
  retryHorizonMinutes: 120,
  syncTimeoutSeconds: 60,
  syncMemorySize: 256,
  syncConcurrency: CUSTOMER_SYNC_DEFAULTS.syncConcurrency,
  vatConflictPolicy: CUSTOMER_SYNC_DEFAULTS.vatConflictPolicy,
  webhookRateLimit: 50,
  webhookBurstLimit: 100,
  webhookMemorySize: 256,
  reconcileSchedule: 'rate(15 minutes)',
  reconcileRate: 100,
  checkpointLagAlarmMinutes: 60,
  logRetentionDays: 30,
  oldestMessageAgeAlarmMinutes: 30,
  deadLetterAgeAlarmDays: 10,
  webhookSilenceAlarmHours: 24,
  retainData: true,
  tracing: false,
} as const satisfies Partial<CrmSyncStackProps>;

/** The context keys read by {@link stackPropsFromContext}. */
export const CONTEXT_KEYS = Object.keys(CONTEXT_SCHEMA.shape) as Array<keyof typeof CONTEXT_SCHEMA.shape>;

/** The context key holding the named environments (`cdk.json`: `"environments": { "prod": {...} }`). */
export const ENVIRONMENTS_KEY = 'environments';

/** The stack name when neither `stackName` nor `env` is given. */
export const DEFAULT_STACK_NAME = 'CrmSync';

/** A deployment as the context describes it. */
export interface ContextDeployment {
  /** The named environment (`-c env=<name>`), when one is used. */
  envName?: string;
  /** The CloudFormation stack name (`stackName`, else `CrmSync-<env>`, else `CrmSync`). */
  stackName: string;
  /** Marked `example: true`: synthesizes, never deploys. */
  example: boolean;
  /** `alarmEmailWaived: true`. */
  alarmEmailWaived: boolean;
  props: CrmSyncStackProps;
}

/**
 * Reads the deployment from CDK context, validated. With `-c env=<name>`, the keys of `cdk.json`'s
 * `environments.<name>` block apply, and a key given with `-c` (or at the top level of `cdk.json`'s context)
 * wins over the block. A missing or bad value (or an unknown key in the block, or an unknown environment) stops
 * synth with an {@link InvalidContextError} naming every bad key and where to set it. Empty strings count as unset,
 * so `-c alarmEmail=` clears a value set in the block.
 *
 * @example
 * const { stackName, props } = readContextDeployment(app.node); // npx cdk synth -c env=prod -c maxConcurrency=4
 */
export function readContextDeployment(node: Node): ContextDeployment {
  const { envName, block } = environmentBlock(node);
  const input: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) {
    const given: unknown = node.tryGetContext(key);
    const value = given === undefined ? block[key] : given;
    if (value !== undefined && value !== null && value !== '') input[key] = value;
  }
  const result = CONTEXT_SCHEMA.safeParse(input);
  if (!result.success) {
    throw new InvalidContextError(
      result.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '(context)');
        return { key, message: input[key] === undefined ? 'is required' : issue.message };
      }),
      whereToSet(envName),
    );
  }
  // `env`, `stackName`, `example` and `alarmEmailWaived` describe the deployment; the rest are stack props.
  const { env: _env, stackName, example, alarmEmailWaived, ...props } = result.data;
  return {
    ...(envName !== undefined && { envName }),
    stackName: stackName ?? (envName === undefined ? DEFAULT_STACK_NAME : `${DEFAULT_STACK_NAME}-${envName}`),
    example: example ?? false,
    alarmEmailWaived: alarmEmailWaived ?? false,
    props,
  };
}

/**
 * The stack props of {@link readContextDeployment} (no deploy guards: see `deploymentFromContext`).
 *
 * @example
 * const props = stackPropsFromContext(app.node);
 */
export function stackPropsFromContext(node: Node): CrmSyncStackProps {
  return readContextDeployment(node).props;
}

/** Where a missing key goes, for the error message. */
export function whereToSet(envName: string | undefined): string {
  const block = envName ?? '<env>';
  return `set them in cdk.json's "${ENVIRONMENTS_KEY}": { "${block}": { ... } } block and deploy with -c env=${block}, or give -c key=value (docs/deploy.md)`;
}

function environmentBlock(node: Node): { envName?: string; block: Record<string, unknown> } {
  const given: unknown = node.tryGetContext('env');
  if (given === undefined || given === null || given === '') return { block: {} };
  const envName = String(given);
  const environments: unknown = node.tryGetContext(ENVIRONMENTS_KEY) ?? {};
  const known = isRecord(environments) ? Object.keys(environments) : [];
  const block = isRecord(environments) ? environments[envName] : undefined;
  if (!isRecord(block)) {
    throw new InvalidContextError(
      [
        {
          key: 'env',
          message: `no environment "${envName}" in cdk.json's "${ENVIRONMENTS_KEY}" (known: ${known.join(', ') || 'none'})`,
        },
      ],
      whereToSet(envName),
    );
  }
  const unknown = Object.keys(block).filter(
    (key) => !(CONTEXT_KEYS as readonly string[]).includes(key) || key === 'env',
  );
  if (unknown.length > 0) {
    throw new InvalidContextError(
      unknown.map((key) => ({ key, message: `is not a context key (in "${ENVIRONMENTS_KEY}.${envName}")` })),
    );
  }
  return { envName, block };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

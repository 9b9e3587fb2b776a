import type { Node } from 'constructs';
import * as z from '../lib/zod.ts';
import { VAT_CONFLICT_POLICIES } from '../lib/config/customerSync.ts';
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

/** The context keys and their types (the names of {@link CrmSyncStackProps}). */
export const CONTEXT_SCHEMA = z.object({
  crmApiUrl: z.url({ protocol: /^https?$/ }),
  crmTenantId: int(1, Number.MAX_SAFE_INTEGER),
  credentialsSecretName: text,
  webhookSecretName: text,
  secretsKmsKeyArn: z.optional(z.string().check(z.startsWith('arn:'))),
  icApiUrl: z.optional(z.url({ protocol: /^https?$/ })),
  defaultCountry: z.optional(
    z.string().check(z.regex(/^[A-Za-z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 code' })),
  ),
  defaultLocale: z.optional(text),
  fifo: z.optional(bool),
  queueEncryption: z.optional(z.enum(['sqs-managed', 'kms'])),
  queueRetentionDays: z.optional(int(1, 14)),
  retryHorizonMinutes: z.optional(int(0, 7 * 24 * 60)),
  syncTimeoutSeconds: z.optional(int(5, 900)),
  syncMemorySize: z.optional(int(128, 10_240)),
  batchSize: z.optional(int(1, 100)),
  maxBatchingWindowSeconds: z.optional(int(0, 300)),
  maxConcurrency: z.optional(int(2, 1000)),
  syncConcurrency: z.optional(int(1, 100)),
  vatConflictPolicy: z.optional(z.enum(VAT_CONFLICT_POLICIES)),
  webhookRateLimit: z.optional(int(1, 10_000)),
  webhookBurstLimit: z.optional(int(1, 5_000)),
  webhookMemorySize: z.optional(int(128, 10_240)),
  reconcileSchedule: z.optional(
    z.string().check(
      z.regex(/^(disabled|rate\(.+\)|cron\(.+\)|at\(.+\))$/, {
        error: 'must be an EventBridge Scheduler expression (rate(15 minutes), cron(...)) or disabled',
      }),
    ),
  ),
  reconcileRate: z.optional(int(1, 3_000)),
  crmLocationIds: z.optional(
    // cdk.json may hold one id as a number.
    z.coerce.string().check(z.regex(/^\d+(,\d+)*$/, { error: 'must be comma-separated location ids, e.g. 1,2,7' })),
  ),
  crmVatField: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, { error: 'must be a dotted path, e.g. tax_id' })),
  ),
  checkpointLagAlarmMinutes: z.optional(int(15, 10_080)),
  logRetentionDays: z.optional(int(1, 3653)),
  oldestMessageAgeAlarmMinutes: z.optional(int(1, 20_160)),
  alarmEmail: z.optional(z.email()),
});

/** The context keys read by {@link stackPropsFromContext}. */
export const CONTEXT_KEYS = Object.keys(CONTEXT_SCHEMA.shape) as Array<keyof typeof CONTEXT_SCHEMA.shape>;

/**
 * Reads the stack props from CDK context (`cdk.json`'s `context`, overridden by `-c key=value`), validated:
 * a missing or bad value stops synth with an {@link InvalidContextError} naming every bad key. Empty strings
 * count as unset, so `-c alarmEmail=` clears a value set in cdk.json.
 *
 * @example
 * const props = stackPropsFromContext(app.node); // npx cdk synth -c fifo=true -c maxConcurrency=4
 */
export function stackPropsFromContext(node: Node): CrmSyncStackProps {
  const input: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) {
    const value: unknown = node.tryGetContext(key);
    if (value !== undefined && value !== null && value !== '') input[key] = value;
  }
  const result = CONTEXT_SCHEMA.safeParse(input);
  if (!result.success) {
    throw new InvalidContextError(
      result.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '(context)');
        return { key, message: input[key] === undefined ? 'is required' : issue.message };
      }),
    );
  }
  return result.data;
}

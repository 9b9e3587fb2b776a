import type { Node } from 'constructs';
import { z } from 'zod';
import { VAT_CONFLICT_POLICIES } from '../lib/config/customerSync.ts';
import type { CrmSyncStackProps } from './CrmSyncStackProps.ts';
import { InvalidContextError } from './errors.ts';

// Context values arrive as strings from `-c key=value` and as JSON values from cdk.json: accept both.
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);
const text = z.string().trim().min(1);

/** The context keys and their types (the names of {@link CrmSyncStackProps}). */
export const CONTEXT_SCHEMA = z.object({
  crmApiUrl: z.url({ protocol: /^https?$/ }),
  crmTenantId: int(1, Number.MAX_SAFE_INTEGER),
  credentialsSecretName: text,
  webhookSecretName: text,
  secretsKmsKeyArn: z.string().startsWith('arn:').optional(),
  icApiUrl: z.url({ protocol: /^https?$/ }).optional(),
  defaultCountry: z
    .string()
    .regex(/^[A-Za-z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 code' })
    .optional(),
  defaultLocale: text.optional(),
  fifo: bool.optional(),
  queueEncryption: z.enum(['sqs-managed', 'kms']).optional(),
  queueRetentionDays: int(1, 14).optional(),
  retryHorizonMinutes: int(0, 7 * 24 * 60).optional(),
  syncTimeoutSeconds: int(5, 900).optional(),
  syncMemorySize: int(128, 10_240).optional(),
  batchSize: int(1, 100).optional(),
  maxBatchingWindowSeconds: int(0, 300).optional(),
  maxConcurrency: int(2, 1000).optional(),
  syncConcurrency: int(1, 100).optional(),
  vatConflictPolicy: z.enum(VAT_CONFLICT_POLICIES).optional(),
  webhookRateLimit: int(1, 10_000).optional(),
  webhookBurstLimit: int(1, 5_000).optional(),
  webhookMemorySize: int(128, 10_240).optional(),
  logRetentionDays: int(1, 3653).optional(),
  oldestMessageAgeAlarmMinutes: int(1, 20_160).optional(),
  alarmEmail: z.email().optional(),
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

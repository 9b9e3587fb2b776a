import * as z from '../zod.ts';
import { envVar, parseEnv, type Env } from './parseEnv.ts';

const flag = z.pipe(
  z.enum(['true', 'false'], { error: 'must be true or false' }),
  z.transform((value: 'true' | 'false') => value === 'true'),
);

/**
 * What every function reads to describe itself to CloudWatch, each variable with its description
 * (`npm run gen-docs` writes docs/configuration.md from it).
 */
export const ObservabilityEnvSchema = z
  .object({
    STACK_NAME: z
      ._default(envVar.text(), 'local')
      .check(
        z.describe(
          "the deployment (the stack sets its name): the `stack` dimension of every metric, so each stack's alarms and dashboard see only its own",
        ),
      ),
    TRACING: z
      ._default(flag, false)
      .check(
        z.describe(
          '`true`: trace each invocation and its HTTP calls with Powertools Tracer (X-Ray); unset or `false`: the Tracer is not loaded. The stack sets it from the `tracing` context key',
        ),
      ),
  })
  .check(
    z.meta({
      title: 'every function',
      description:
        'Read by customer-sync, webhook and replay alike; reconcile reads `STACK_NAME` only (it is not traced).',
    }),
  );

/** Validated observability settings of a function. */
export interface ObservabilityConfig {
  /** The `stack` dimension of every metric. @default 'local' */
  stack: string;
  /** Powertools Tracer on (the function must also have X-Ray active tracing). @default false */
  tracing: boolean;
}

/**
 * Reads `STACK_NAME` and `TRACING` once, at cold start; throws `ConfigError` naming a bad variable.
 *
 * @example
 * const { stack } = loadObservabilityConfig(); // process.env
 * const metrics = createMetrics('webhook', stack);
 */
export function loadObservabilityConfig(env: Env = process.env): ObservabilityConfig {
  const e = parseEnv(ObservabilityEnvSchema, env);
  return { stack: e.STACK_NAME, tracing: e.TRACING };
}

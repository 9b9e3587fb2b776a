import { z } from 'zod';
import { ConfigError } from './errors.ts';

/** Environment as Lambda/Node gives it. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Validates environment variables with a zod object schema whose keys are the variable names, and throws
 * one {@link ConfigError} listing every bad variable (`NAME: problem`), never its value.
 * Empty strings count as unset (CDK and shells often pass `VAR=`), so defaults apply to them.
 *
 * @example
 * const env = parseEnv(z.object({ QUEUE_URL: z.url() }), process.env);
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Env): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key]?.trim();
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      return { variable, message: input[variable] === undefined ? 'is required' : issue.message };
    }),
  );
}

/** Reusable variable schemas (all read from strings). */
export const envVar = {
  /** An http(s) URL; a trailing slash is removed so paths can be appended. */
  url: () =>
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .transform((value) => value.replace(/\/+$/, '')),
  /** An integer within [min, max]. */
  int: (min: number, max: number) =>
    z.coerce
      .number({ error: 'must be a number' })
      .int({ error: 'must be an integer' })
      .min(min, { error: `must be ≥ ${min}` })
      .max(max, { error: `must be ≤ ${max}` }),
  text: () => z.string().min(1),
};

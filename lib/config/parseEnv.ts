import * as z from '../zod.ts';
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
export function parseEnv<S extends z.ZodMiniObject>(schema: S, env: Env): z.infer<S> {
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
      .check(z.overwrite((value) => value.replace(/\/+$/, ''))),
  /** An integer within [min, max]. */
  int: (min: number, max: number) =>
    z.coerce
      .number({ error: 'must be a number' })
      .check(
        z.int({ error: 'must be an integer' }),
        z.gte(min, { error: `must be ≥ ${min}` }),
        z.lte(max, { error: `must be ≤ ${max}` }),
      ),
  text: () => z.string().check(z.minLength(1)),
};

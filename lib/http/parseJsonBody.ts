import type * as z from '../zod.ts';
import { formatIssues, toIssues } from '../zodIssues.ts';
import { type ApiError, type ApiErrorContext, InvalidResponseError } from './errors.ts';

/**
 * A 2xx body through its lenient schema: empty → `undefined`, not JSON or not fitting →
 * `InvalidResponseError` naming at most five paths (never values).
 *
 * @example
 * parseJsonBody(z.object({ gid: z.string() }), '{"gid":"g1"}', context); // { ok: true, value: { gid: 'g1' } }
 */
export function parseJsonBody<T>(
  schema: z.ZodMiniType<T>,
  text: string,
  context: ApiErrorContext,
): { ok: true; value: T } | { ok: false; error: ApiError } {
  let json: unknown;
  try {
    json = text.trim() === '' ? undefined : JSON.parse(text);
  } catch (cause) {
    return {
      ok: false,
      error: new InvalidResponseError({ ...context, detail: 'body is not JSON' }, { cause }),
    };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = formatIssues(toIssues(parsed.error.issues).slice(0, 5));
  return { ok: false, error: new InvalidResponseError({ ...context, detail: `unexpected body: ${issues}` }) };
}

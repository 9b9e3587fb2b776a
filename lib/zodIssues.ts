import type * as z from './zod.ts';

/** One problem found by a zod schema: where (dotted path) and what, never the offending value. */
export interface Issue {
  /** Dotted path, e.g. `data.tenantId`; the `root` label for the value itself. */
  path: string;
  message: string;
}

/**
 * Zod issues as `{path, message}` pairs: dotted paths and zod's own messages (which name fields, never
 * input values), so they are safe for logs, DLQ details and HTTP answers.
 *
 * @example
 * toIssues(result.error.issues); // [{ path: 'data.customerId', message: 'Invalid input: expected number, ...' }]
 */
export function toIssues(issues: readonly z.core.$ZodIssue[], root = '(root)'): Issue[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { path: path === '' ? root : path, message: issue.message };
  });
}

/**
 * `path: message; path: message` — the format every zod-backed error of this project uses. Past `max`
 * issues, the rest are counted (`; (3 more)`).
 *
 * @example
 * formatIssues([{ path: 'QUEUE_URL', message: 'is required' }]); // 'QUEUE_URL: is required'
 */
export function formatIssues(issues: readonly Issue[], max = Number.POSITIVE_INFINITY): string {
  const listed = issues.slice(0, max).map((issue) => `${issue.path}: ${issue.message}`);
  const more = issues.length - listed.length;
  return more > 0 ? `${listed.join('; ')}; (${more} more)` : listed.join('; ');
}

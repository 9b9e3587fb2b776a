import type * as z from '../zod.ts';
import type { RequestIssue } from './errors.ts';

/** Zod issues as `{path, message}` pairs: dotted paths and zod's own messages, never the input values. */
export function toRequestIssues(issues: readonly z.core.$ZodIssue[]): RequestIssue[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { path: path === '' ? '(root)' : path, message: issue.message };
  });
}

import type * as z from '../zod.ts';
import { CrmSyncError } from '../errors.ts';

/** One problem found in an event: where (dotted path) and what, never the offending value. */
export interface EventIssue {
  /** Dotted path inside the CloudEvent, e.g. `data.tenantId`; `(root)` for the event itself. */
  path: string;
  message: string;
}

/**
 * The message body is not a valid customer CloudEvent (CONTRACT.md §1). Permanent: the same body can
 * never succeed, so it is dead-lettered at once with reason `invalid-event`.
 *
 * The message lists the problems as `path: message; ...` and never echoes input values, so it is safe
 * for logs and for the DLQ's `failure-detail`.
 *
 * @example
 * try { parseEventBody(body) } catch (e) {
 *   if (e instanceof InvalidEventError) console.log(e.issues); // [{ path: 'data.tenantId', message: '...' }]
 * }
 */
export class InvalidEventError extends CrmSyncError {
  /** The problems, for callers that answer with them (the webhook's 400). */
  readonly issues: readonly EventIssue[];

  constructor(summary: string, issues: readonly EventIssue[], cause?: unknown) {
    super(issues.length > 0 ? `${summary}: ${formatIssues(issues)}` : summary, {
      transient: false,
      reason: 'invalid-event',
      cause,
    });
    this.name = 'InvalidEventError';
    this.issues = issues;
  }

  /** Builds the error from zod issues, keeping only paths and zod's own (value-free) messages. */
  static fromZod(summary: string, issues: readonly z.core.$ZodIssue[], cause?: unknown): InvalidEventError {
    return new InvalidEventError(summary, issues.map(toEventIssue), cause);
  }
}

/** At most this many issues are spelled out; the rest are counted (keeps DLQ attributes small). */
const MAX_LISTED_ISSUES = 10;

/** `path: message; path: message` — the format every zod-backed error of this project uses. */
export function formatIssues(issues: readonly EventIssue[]): string {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => `${issue.path}: ${issue.message}`);
  const more = issues.length - listed.length;
  return more > 0 ? `${listed.join('; ')}; (${more} more)` : listed.join('; ');
}

function toEventIssue(issue: z.core.$ZodIssue): EventIssue {
  const path = issue.path.map(String).join('.');
  // Unrecognised keys are named by zod in `keys`, which are field names, not values.
  return { path: path === '' ? '(root)' : path, message: issue.message };
}

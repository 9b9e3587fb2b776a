import type * as z from '../zod.ts';
import { CrmSyncError } from '../errors.ts';
import { formatIssues, toIssues, type Issue } from '../zodIssues.ts';

/** At most this many issues are spelled out; the rest are counted (keeps DLQ attributes small). */
const MAX_LISTED_ISSUES = 10;

/** One problem found in an event: dotted path inside the CloudEvent (`(root)` for the event itself), never the value. */
export type EventIssue = Issue;

/**
 * The message body is not a valid customer CloudEvent (docs/events.md#event). Permanent: the same body can
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
    super(issues.length > 0 ? `${summary}: ${formatIssues(issues, MAX_LISTED_ISSUES)}` : summary, {
      transient: false,
      reason: 'invalid-event',
      cause,
    });
    this.name = 'InvalidEventError';
    this.issues = issues;
  }

  /** Builds the error from zod issues, keeping only paths and zod's own (value-free) messages. */
  static fromZod(summary: string, issues: readonly z.core.$ZodIssue[], cause?: unknown): InvalidEventError {
    return new InvalidEventError(summary, toIssues(issues), cause);
  }
}

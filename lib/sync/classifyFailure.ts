import { CrmSyncError } from '../errors.ts';
import { ApiAuthError } from '../http/errors.ts';
import { AUTH_RETRY_REASON } from '../observability/names.ts';
import { redactText } from '../observability/redact.ts';

/** How a failure is handled: retried (batch item failure) or dead-lettered with `reason`. */
export interface FailureClass {
  transient: boolean;
  /** The DLQ `failure-reason` / metric dimension. */
  reason: string;
  /** Human-readable, redacted: for logs and the DLQ's `failure-detail`. */
  detail: string;
}

/**
 * Classifies any error once (docs/events.md#failures). Our errors carry their class; a 401 is always transient
 * (`auth`: the client already refreshed the token once, a rotation may be in progress); anything unknown
 * (a bug, an SDK error that escaped conversion) is transient `unexpected`, so it is retried and, if it
 * persists, reaches the DLQ through the redrive policy rather than being dropped.
 *
 * @example
 * classifyFailure(new VatConflictError('cro-42-7', 'g1')); // { transient: false, reason: 'vat-conflict', ... }
 */
export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof ApiAuthError && error.status === 401) {
    return { transient: true, reason: AUTH_RETRY_REASON, detail: redactText(error.message) };
  }
  if (error instanceof CrmSyncError) {
    return { transient: error.transient, reason: error.reason, detail: redactText(error.message) };
  }
  const name = error instanceof Error ? error.name : typeof error;
  return { transient: true, reason: 'unexpected', detail: `unexpected ${name}` };
}

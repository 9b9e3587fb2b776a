import { CrmSyncError } from '../errors.ts';
import type { EventIssue } from '../events/errors.ts';

/**
 * A webhook request that is answered with an error status. `status` is the HTTP status; `publicMessage`
 * is the only text the caller sees (never a secret, a signature detail or personal data).
 *
 * @example
 * throw new WebhookMethodError('GET'); // → 405
 */
export class WebhookError extends CrmSyncError {
  readonly status: number;
  readonly publicMessage: string;

  constructor(
    status: number,
    publicMessage: string,
    options: { transient?: boolean; reason: string; detail?: string; cause?: unknown },
  ) {
    super(options.detail ?? publicMessage, {
      transient: options.transient ?? false,
      reason: options.reason,
      cause: options.cause,
    });
    this.name = 'WebhookError';
    this.status = status;
    this.publicMessage = publicMessage;
  }
}

/** 405: only `POST` delivers events. */
export class WebhookMethodError extends WebhookError {
  constructor(method: string) {
    super(405, 'method not allowed', {
      reason: 'method-not-allowed',
      detail: `method ${method} not allowed`,
    });
    this.name = 'WebhookMethodError';
  }
}

/** 413: the body is over the limit (256 KB, the SQS message size the events must fit in). */
export class WebhookPayloadTooLargeError extends WebhookError {
  constructor(bytes: number, limit: number) {
    super(413, `body over ${limit} bytes`, {
      reason: 'payload-too-large',
      detail: `body of ${bytes} bytes over the ${limit} byte limit`,
    });
    this.name = 'WebhookPayloadTooLargeError';
  }
}

/**
 * 401: missing, malformed, wrong or expired signature. The caller only ever sees `unauthorized`;
 * `detail` (for logs) says which check failed, never a secret or a computed signature.
 */
export class WebhookSignatureError extends WebhookError {
  /**
   * Well-formed and in time, but matching none of the secrets tried: the one failure that freshly read
   * secrets (a rotation just happened) can cure.
   */
  readonly mismatch: boolean;

  constructor(detail: string, options: { mismatch?: boolean; cause?: unknown } = {}) {
    super(401, 'unauthorized', { reason: 'bad-signature', detail, cause: options.cause });
    this.name = 'WebhookSignatureError';
    this.mismatch = options.mismatch ?? false;
  }
}

/** 400: the body is not JSON, not one or an array of valid customer CloudEvents, or names another tenant. */
export class WebhookPayloadError extends WebhookError {
  /** Where and what, never the offending values. */
  readonly issues: readonly EventIssue[];

  constructor(summary: string, issues: readonly EventIssue[] = [], cause?: unknown) {
    super(400, summary, { reason: 'invalid-payload', cause });
    this.name = 'WebhookPayloadError';
    this.issues = issues;
  }
}

/** 503: the queue (or the secret store) cannot be reached; the sender retries the delivery. */
export class WebhookUnavailableError extends WebhookError {
  constructor(detail: string, cause?: unknown) {
    super(503, 'temporarily unavailable, retry later', {
      transient: true,
      reason: 'unavailable',
      detail,
      cause,
    });
    this.name = 'WebhookUnavailableError';
  }
}

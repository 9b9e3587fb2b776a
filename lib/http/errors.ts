import { CrmSyncError } from '../errors.ts';
import { AUTH_RETRY_REASON } from '../observability/names.ts';
import { formatIssues, type Issue } from '../zodIssues.ts';

/** The third-party APIs crm-sync calls (also the `api` metric dimension). */
export type ApiName = 'invisible-collector' | 'cro';

/** Prefix of the failure reasons of each API (`ic-validation`, `crm-not-found`, ...). */
export const REASON_PREFIX: Record<ApiName, string> = { 'invisible-collector': 'ic', cro: 'crm' };

const LABEL: Record<ApiName, string> = { 'invisible-collector': 'Invisible Collector', cro: 'CRO' };

/** Where an API error happened and what the vendor said, already free of tokens and personal data. */
export interface ApiErrorContext {
  api: ApiName;
  method: string;
  /** Request path without the query string (query values can be personal: e-mail, VAT, phone). */
  path: string;
  /** HTTP status; absent when no response arrived (network, timeout, local validation). */
  status?: number;
  /** The vendor's request id (`x-request-id`), for support tickets. */
  requestId?: string;
  /** The vendor's error code (IC `code`, CRO `field`), as a string. */
  code?: string;
  /** Redacted, truncated vendor message or local explanation. */
  detail?: string;
  /** Server-requested wait before a retry (`Retry-After`), in ms. */
  retryAfterMs?: number;
}

/**
 * An Invisible Collector or CRO call that failed. Built by `fromResponse()` for HTTP answers and by the
 * HTTP client for network failures; never carries a token or the Authorization header.
 *
 * @example
 * try { await ic.registerCustomer(doc) } catch (e) {
 *   if (e instanceof ApiConflictError) console.log(e.gid);   // existing customer, when IC says
 *   if (e instanceof ApiError) console.log(e.status, e.reason, e.transient);
 * }
 */
export class ApiError extends CrmSyncError {
  readonly api: ApiName;
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly requestId?: string;
  readonly code?: string;
  readonly retryAfterMs?: number;

  constructor(
    context: ApiErrorContext,
    classification: { transient: boolean; reason: string },
    options: { cause?: unknown } = {},
  ) {
    super(describe(context), { ...classification, cause: options.cause });
    this.name = 'ApiError';
    this.api = context.api;
    this.method = context.method;
    this.path = context.path;
    this.status = context.status;
    this.requestId = context.requestId;
    this.code = context.code;
    this.retryAfterMs = context.retryAfterMs;
  }
}

/**
 * 401 or 403. A 401 is transient (`auth`) by class (docs/events.md#failures: the token may be mid-rotation): the client
 * asks for a fresh token and retries exactly once, and a 401 that still reaches the caller — after that refresh,
 * or cut by the deadline before it — is retried later with the record. A 403 (e.g. wrong tenant) is permanent.
 */
export class ApiAuthError extends ApiError {
  /** True when this 401 came after the token provider was asked for a fresh token. */
  readonly tokenRefreshed: boolean;

  constructor(context: ApiErrorContext, options: { tokenRefreshed?: boolean; cause?: unknown } = {}) {
    const unauthorised = context.status === 401;
    super(
      context,
      {
        transient: unauthorised,
        reason: unauthorised ? AUTH_RETRY_REASON : `${REASON_PREFIX[context.api]}-forbidden`,
      },
      options,
    );
    this.name = 'ApiAuthError';
    this.tokenRefreshed = options.tokenRefreshed ?? false;
  }
}

/** 404: no such resource. Permanent (`ic-not-found`, `crm-not-found`). */
export class ApiNotFoundError extends ApiError {
  constructor(context: ApiErrorContext, options: { cause?: unknown } = {}) {
    super(context, { transient: false, reason: `${REASON_PREFIX[context.api]}-not-found` }, options);
    this.name = 'ApiNotFoundError';
  }
}

/** 409: e.g. IC's "a customer with the same VAT number already exists"; `gid` when the body names it. */
export class ApiConflictError extends ApiError {
  /** The existing customer's gid (IC usually sends it; not always). */
  readonly gid?: string;

  constructor(context: ApiErrorContext & { gid?: string }, options: { cause?: unknown } = {}) {
    super(context, { transient: false, reason: `${REASON_PREFIX[context.api]}-conflict` }, options);
    this.name = 'ApiConflictError';
    this.gid = context.gid;
  }
}

/** 400 or 422: the vendor refused the document. Permanent (`ic-validation`, `crm-validation`). */
export class ApiValidationError extends ApiError {
  constructor(context: ApiErrorContext, options: { cause?: unknown } = {}) {
    super(context, { transient: false, reason: `${REASON_PREFIX[context.api]}-validation` }, options);
    this.name = 'ApiValidationError';
  }
}

/** 429. Transient; `retryAfterMs` from `Retry-After` when sent. */
export class ApiRateLimitedError extends ApiError {
  constructor(context: ApiErrorContext, options: { cause?: unknown } = {}) {
    super(context, { transient: true, reason: 'rate-limited' }, options);
    this.name = 'ApiRateLimitedError';
  }
}

/** 5xx. Transient (`ic-unavailable`, `crm-unavailable`). */
export class ApiServerError extends ApiError {
  constructor(context: ApiErrorContext, options: { cause?: unknown } = {}) {
    super(context, { transient: true, reason: `${REASON_PREFIX[context.api]}-unavailable` }, options);
    this.name = 'ApiServerError';
  }
}

/** No HTTP answer: connection refused/reset, DNS. Transient (`ic-unavailable`, `crm-unavailable`). */
export class ApiNetworkError extends ApiError {
  constructor(context: ApiErrorContext, options: { cause?: unknown } = {}) {
    super(context, { transient: true, reason: `${REASON_PREFIX[context.api]}-unavailable` }, options);
    this.name = 'ApiNetworkError';
  }
}

/** The per-request timeout, the caller's deadline or the caller's abort signal cut the call. Transient. */
export class ApiTimeoutError extends ApiError {
  constructor(context: ApiErrorContext, options: { cause?: unknown } = {}) {
    super(context, { transient: true, reason: 'timeout' }, options);
    this.name = 'ApiTimeoutError';
  }
}

/**
 * The caller's deadline, not the API, ended the call: no time was left to send the request, or the attempt in
 * flight was cut when the deadline came (its outcome then unknown). Transient (`timeout`); the caller knows it
 * ran out of its own time rather than met a failing API.
 */
export class ApiDeadlineError extends ApiTimeoutError {
  constructor(context: ApiErrorContext, options: { cause?: unknown } = {}) {
    super(context, options);
    this.name = 'ApiDeadlineError';
  }
}

/** Issue of a local validation: where, and zod's value-free message. */
/** A problem with a request found before sending it (a zod issue, value-free). */
export type RequestIssue = Issue;

/**
 * The request failed local validation, so it was never sent (a bad locale, a missing country...).
 * Permanent (`ic-invalid-request`, `crm-invalid-request`); the message lists `path: message; ...`
 * without values.
 */
export class RequestValidationError extends ApiError {
  readonly issues: readonly RequestIssue[];

  constructor(context: ApiErrorContext, issues: readonly RequestIssue[], options: { cause?: unknown } = {}) {
    super(
      { ...context, detail: `invalid request, not sent: ${formatIssues(issues)}` },
      { transient: false, reason: `${REASON_PREFIX[context.api]}-invalid-request` },
      options,
    );
    this.name = 'RequestValidationError';
    this.issues = issues;
  }
}

/** A 2xx whose body does not fit the expected shape even leniently. Permanent. */
export class InvalidResponseError extends ApiError {
  constructor(context: ApiErrorContext, options: { cause?: unknown } = {}) {
    super(context, { transient: false, reason: `${REASON_PREFIX[context.api]}-invalid-response` }, options);
    this.name = 'InvalidResponseError';
  }
}

function describe(context: ApiErrorContext): string {
  const status = context.status === undefined ? '' : ` → ${context.status}`;
  const code = context.code === undefined ? '' : ` (code ${context.code})`;
  const detail = context.detail ? `: ${context.detail}` : '';
  return `${LABEL[context.api]} ${context.method} ${context.path}${status}${code}${detail}`;
}

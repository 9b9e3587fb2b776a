import { CrmSyncError } from '../errors.ts';
import { ApiError, type ApiErrorContext, type ApiName, REASON_PREFIX } from '../http/errors.ts';

/**
 * How long a record that failed because the authorization server refuses our credentials waits before
 * its next attempt, at least (the queue's visibility backoff grows from there): only an operator can fix
 * it, so retrying sooner only burns receives.
 */
export const OPERATOR_RETRY_MS = 300_000;

/** The RFC 6749 §5.2 error answer of a token endpoint, already free of tokens. */
export interface TokenErrorContext extends ApiErrorContext {
  /** The `error` code (`invalid_grant`, `invalid_client`, ...). */
  code: string;
}

/**
 * The token endpoint answered `invalid_grant` to our refresh token: the authorization was revoked,
 * expired, or lost (a rotated refresh token was sent, or the newest one was never stored). Only a new
 * authorization (`npx crm-sync auth`) fixes it, so the records are retried with a long backoff
 * (`retryAfterMs` = {@link OPERATOR_RETRY_MS}) rather than dead-lettered: once re-authorized, they flow.
 * Reason `crm-authorization-lost`.
 *
 * @example
 * if (error instanceof AuthorizationLostError) logger.error('run npx crm-sync auth');
 */
export class AuthorizationLostError extends ApiError {
  constructor(context: TokenErrorContext, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(
      { ...context, retryAfterMs: options.retryAfterMs ?? OPERATOR_RETRY_MS },
      { transient: true, reason: `${REASON_PREFIX[context.api]}-authorization-lost` },
      { cause: options.cause },
    );
    this.name = 'AuthorizationLostError';
  }
}

/**
 * Any other RFC 6749 §5.2 refusal of the token endpoint: `invalid_client` (wrong client id or secret, or
 * the wrong client authentication method: `CRM_TOKEN_AUTH`), `unauthorized_client`, `invalid_request`,
 * `unsupported_grant_type`, `invalid_scope`. A configuration problem an operator must fix: transient with
 * the same long backoff as {@link AuthorizationLostError} (dead-lettering every event would only move
 * the problem). Reason `crm-token-refused`.
 */
export class TokenRequestRefusedError extends ApiError {
  constructor(context: TokenErrorContext, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(
      { ...context, retryAfterMs: options.retryAfterMs ?? OPERATOR_RETRY_MS },
      { transient: true, reason: `${REASON_PREFIX[context.api]}-token-refused` },
      { cause: options.cause },
    );
    this.name = 'TokenRequestRefusedError';
  }
}

/**
 * No access token could be obtained for now, through no fault of the credentials: another process held
 * the refresh lease for longer than this one could wait, the stored credentials were older than the
 * lease says (a write not visible yet), or too little time was left in the invocation to refresh safely.
 * Transient (reason `crm-token-unavailable`), retried with the normal backoff.
 */
export class TokenUnavailableError extends CrmSyncError {
  constructor(api: ApiName, problem: string, options: { cause?: unknown } = {}) {
    super(`no ${api === 'cro' ? 'CRO' : api} access token: ${problem}`, {
      transient: true,
      reason: `${REASON_PREFIX[api]}-token-unavailable`,
      cause: options.cause,
    });
    this.name = 'TokenUnavailableError';
  }
}

/** True for the refusals only an operator can fix (they raise the authorization-lost metric and alarm). */
export function needsOperator(error: unknown): error is AuthorizationLostError | TokenRequestRefusedError {
  return error instanceof AuthorizationLostError || error instanceof TokenRequestRefusedError;
}

/**
 * The refresh lease's table failed or answered unexpectedly. Transient (reason `state-unavailable`, as for
 * the sync state: the same table); the message names the operation and the AWS error name only.
 */
export class RefreshLeaseError extends CrmSyncError {
  readonly operation: string;

  constructor(operation: string, cause: unknown) {
    super(`refresh lease ${operation} failed: ${cause instanceof Error ? cause.name : 'unknown error'}`, {
      transient: true,
      reason: 'state-unavailable',
      cause,
    });
    this.name = 'RefreshLeaseError';
    this.operation = operation;
  }
}

import { redactText } from '../observability/redact.ts';
import {
  ApiAuthError,
  ApiConflictError,
  ApiError,
  type ApiErrorContext,
  type ApiName,
  ApiNotFoundError,
  ApiRateLimitedError,
  ApiServerError,
  ApiTimeoutError,
  ApiValidationError,
  REASON_PREFIX,
} from './errors.ts';
import { parseRetryAfter } from './retry.ts';

/** What `fromResponse` needs from an HTTP answer. */
export interface ResponseFacts {
  status: number;
  headers?: Record<string, string | undefined>;
  bodyText?: string;
  api: ApiName;
  method: string;
  /** Request path; anything from `?` on is dropped. */
  path: string;
  /** True when this answer came after a forced token refresh (see `ApiAuthError`). */
  tokenRefreshed?: boolean;
  /** Strings that must never appear in the error (the token in use); replaced wherever they occur. */
  secrets?: readonly string[];
  /** Clock for an HTTP-date `Retry-After`. @default Date.now */
  now?: number;
}

/** Longest vendor message kept in an error (after redaction). */
export const MAX_DETAIL_LENGTH = 200;

/**
 * The ONE factory from a non-2xx HTTP answer to a typed `ApiError`: 401/403 → auth, 404 → not found,
 * 409 → conflict (`gid` when the body has one), 400/422 → validation, 429 → rate limited (Retry-After),
 * 408 → timeout, ≥500 → server, other → a permanent `ApiError`. Parses IC bodies `{code, message, gid}`
 * and CRO bodies `{field, detail, explanation}` (the documented shape; a `title` is read too) tolerantly;
 * never throws.
 * The vendor message is redacted (IC echoes submitted values) and truncated.
 *
 * @example
 * const error = fromResponse({ status: 409, bodyText: '{"code":409,"message":"exists","gid":"g-1"}',
 *   api: 'invisible-collector', method: 'POST', path: '/customers' });
 * // error instanceof ApiConflictError && error.gid === 'g-1'
 */
export function fromResponse(facts: ResponseFacts): ApiError {
  const body = parseErrorBody(facts.bodyText ?? '');
  const secrets = (facts.secrets ?? []).filter((s) => s.length > 0);
  const context: ApiErrorContext = {
    api: facts.api,
    method: facts.method.toUpperCase(),
    path: scrub(stripQuery(facts.path), secrets),
    status: facts.status,
    requestId: cleanHeader(
      header(facts.headers, 'x-request-id') ?? header(facts.headers, 'request-id'),
      secrets,
    ),
    code: body.code === undefined ? undefined : truncate(redactText(scrub(body.code, secrets)), 64),
    detail: body.message === undefined ? undefined : truncate(redactText(scrub(body.message, secrets))),
  };
  const { status } = facts;
  if (status === 401 || status === 403)
    return new ApiAuthError(context, { tokenRefreshed: facts.tokenRefreshed });
  if (status === 404) return new ApiNotFoundError(context);
  if (status === 409) return new ApiConflictError({ ...context, gid: body.gid });
  if (status === 400 || status === 422) return new ApiValidationError(context);
  if (status === 408) return new ApiTimeoutError(context);
  const retryAfterMs = parseRetryAfter(header(facts.headers, 'retry-after'), facts.now ?? Date.now());
  if (status === 429) return new ApiRateLimitedError({ ...context, retryAfterMs });
  if (status >= 500) return new ApiServerError({ ...context, retryAfterMs });
  const kind = status >= 400 ? 'rejected' : 'unexpected-status';
  return new ApiError(context, { transient: false, reason: `${REASON_PREFIX[facts.api]}-${kind}` });
}

interface ErrorBody {
  code?: string;
  message?: string;
  gid?: string;
}

/** IC `{code, message, gid}`, CRO `{field, detail, explanation}` (`field` null when no parameter is at fault), or nothing. */
function parseErrorBody(text: string): ErrorBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return {};
  const body = json as Record<string, unknown>;
  const str = (value: unknown) =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  const code =
    typeof body.code === 'number' && Number.isFinite(body.code)
      ? String(body.code)
      : (str(body.code) ?? str(body.field));
  const parts = [str(body.message) ?? str(body.title), str(body.detail), str(body.explanation)];
  const message = [...new Set(parts.filter((p) => p !== undefined))].join(' — ');
  return { code, message: message === '' ? undefined : message, gid: str(body.gid) };
}

function header(headers: ResponseFacts['headers'], name: string): string | undefined {
  if (headers === undefined) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** Request ids are opaque tokens: keep them only when they look like one. */
function cleanHeader(value: string | undefined, secrets: readonly string[]): string | undefined {
  if (value === undefined || !/^[A-Za-z0-9._:-]{1,128}$/.test(value)) return undefined;
  return secrets.some((secret) => value.includes(secret)) ? undefined : value;
}

function stripQuery(path: string): string {
  const index = path.search(/[?#]/);
  return index < 0 ? path : path.slice(0, index);
}

function scrub(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

function truncate(text: string, max = MAX_DETAIL_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

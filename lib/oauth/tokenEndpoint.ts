import {
  ApiNetworkError,
  type ApiError,
  type ApiName,
  ApiServerError,
  ApiTimeoutError,
} from '../http/errors.ts';
import { fromResponse, MAX_DETAIL_LENGTH } from '../http/fromResponse.ts';
import { send, type TransportResponse } from '../http/transport.ts';
import { redactText } from '../observability/redact.ts';
import * as z from '../zod.ts';
import { AuthorizationLostError, type TokenErrorContext, TokenRequestRefusedError } from './errors.ts';
import type { TokenEndpoint, TokenSet } from './types.ts';

/** What a token request grants from: a refresh token (RFC 6749 §6) or an authorization code (§4.1.3, PKCE). */
export type TokenGrant =
  | { type: 'refresh_token'; refreshToken: string; scope?: string }
  | { type: 'authorization_code'; code: string; redirectUri: string; codeVerifier: string };

export interface TokenRequestOptions {
  /** Names the API in errors and failure reasons. @default 'cro' */
  api?: ApiName;
  /** Lifetime assumed when the answer has no `expires_in` (a 401 still forces a refresh). @default 3600 */
  defaultExpiresInSeconds?: number;
  signal?: AbortSignal;
  /** @default Date.now */
  now?: () => number;
  /** The least wait before a record refused for lack of authorization is retried. @default OPERATOR_RETRY_MS */
  operatorRetryMs?: number;
}

// RFC 6749 §5.1, read leniently: `expires_in` as a number or a numeric string (both are seen in the wild).
const TokenAnswerSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  token_type: z.optional(z.string()),
  expires_in: z.optional(z.union([z.number(), z.string().check(z.regex(/^\d+(\.\d+)?$/))])),
  refresh_token: z.optional(z.string().check(z.minLength(1))),
  scope: z.optional(z.string()),
});

const ErrorAnswerSchema = z.looseObject({
  error: z.string().check(z.regex(/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/)),
  error_description: z.optional(z.string()),
  error_uri: z.optional(z.string()),
});

/**
 * One token request (RFC 6749): `POST` with an `application/x-www-form-urlencoded` body, the client
 * authenticated with HTTP Basic (`client_secret_basic`: id and secret form-encoded, then base64, §2.3.1)
 * or in the body (`client_secret_post`). Resolves the normalised {@link TokenSet}; a §5.2 error answer
 * becomes an {@link AuthorizationLostError} (`invalid_grant`) or a {@link TokenRequestRefusedError} (any
 * other code, or a 4xx without one); 408/429/5xx, timeouts and network failures the usual transient
 * `ApiError`s. No token, secret or code ever appears in an error.
 *
 * Written on node:http through the shared transport rather than with an OAuth library: the two grants
 * are a form post each, and the library candidates bring their own HTTP stack, caches and retry rules
 * that would bypass the project's.
 *
 * @example
 * const tokens = await requestToken({ url: config.crmTokenUrl }, credentials,
 *   { type: 'refresh_token', refreshToken: credentials.refreshToken });
 */
export async function requestToken(
  endpoint: TokenEndpoint,
  client: { clientId: string; clientSecret: string },
  grant: TokenGrant,
  options: TokenRequestOptions = {},
): Promise<TokenSet> {
  const api = options.api ?? 'cro';
  const now = options.now ?? Date.now;
  const url = new URL(endpoint.url);
  const context = { api, method: 'POST', path: url.pathname };
  const secrets = [client.clientSecret, ...grantSecrets(grant)];
  const form = new URLSearchParams(grantParams(grant));
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  };
  if ((endpoint.clientAuth ?? 'client_secret_basic') === 'client_secret_basic') {
    headers.authorization = basicAuthorization(client.clientId, client.clientSecret);
  } else {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  }

  const timeoutMs = endpoint.timeoutMs ?? 10_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let response: TransportResponse;
  try {
    response = await send({ method: 'POST', url, headers, body: form.toString(), signal });
  } catch (cause) {
    if (timeout.aborted || options.signal?.aborted) {
      throw new ApiTimeoutError({ ...context, detail: `token endpoint: no answer within ${timeoutMs} ms` });
    }
    const code = (cause as { code?: unknown } | undefined)?.code;
    const detail =
      typeof code === 'string' ? `token endpoint: network error ${code}` : 'token endpoint: network error';
    throw new ApiNetworkError({ ...context, detail }, { cause });
  }
  const receivedAt = now();
  if (response.status >= 200 && response.status <= 299) {
    return parseTokenAnswer(response.body, receivedAt, context, options.defaultExpiresInSeconds ?? 3600);
  }
  throw errorFromAnswer(response, { ...context, status: response.status }, secrets, options.operatorRetryMs);
}

/**
 * `Basic base64(form(id):form(secret))` — RFC 6749 §2.3.1 form-encodes both before joining them, so a
 * secret with `:` or non-ASCII characters survives.
 *
 * @example
 * basicAuthorization('my client', 's3cr:t'); // 'Basic bXkrY2xpZW50OnMzY3IlM0F0'
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

function grantParams(grant: TokenGrant): Array<[string, string]> {
  if (grant.type === 'refresh_token') {
    return [
      ['grant_type', 'refresh_token'],
      ['refresh_token', grant.refreshToken],
      ...(grant.scope !== undefined ? ([['scope', grant.scope]] as Array<[string, string]>) : []),
    ];
  }
  return [
    ['grant_type', 'authorization_code'],
    ['code', grant.code],
    ['redirect_uri', grant.redirectUri],
    ['code_verifier', grant.codeVerifier],
  ];
}

function grantSecrets(grant: TokenGrant): string[] {
  return grant.type === 'refresh_token' ? [grant.refreshToken] : [grant.code, grant.codeVerifier];
}

function parseTokenAnswer(
  body: string,
  receivedAt: number,
  context: { api: ApiName; method: string; path: string },
  defaultExpiresInSeconds: number,
): TokenSet {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const parsed = TokenAnswerSchema.safeParse(json);
  // A 2xx we cannot use is the server's fault (and may be a proxy's page): transient.
  if (!parsed.success) {
    throw new ApiServerError({
      ...context,
      status: 200,
      detail: 'token endpoint answered without an access_token',
    });
  }
  const answer = parsed.data;
  if (answer.token_type !== undefined && answer.token_type.toLowerCase() !== 'bearer') {
    throw new ApiServerError({
      ...context,
      status: 200,
      detail: `token endpoint issued a token of type "${answer.token_type.slice(0, 20)}", not Bearer`,
    });
  }
  const expiresIn = answer.expires_in === undefined ? defaultExpiresInSeconds : Number(answer.expires_in);
  return {
    accessToken: answer.access_token,
    expiresAt: receivedAt + Math.max(0, expiresIn) * 1000,
    ...(answer.refresh_token !== undefined && { refreshToken: answer.refresh_token }),
    ...(answer.scope !== undefined && { scope: answer.scope }),
  };
}

/** RFC 6749 §5.2: `{error, error_description?, error_uri?}` with 400 (401 for `invalid_client`). */
function errorFromAnswer(
  response: TransportResponse,
  context: { api: ApiName; method: string; path: string; status: number },
  secrets: readonly string[],
  retryAfterMs: number | undefined,
): ApiError {
  const { status } = response;
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    json = undefined;
  }
  const parsed = ErrorAnswerSchema.safeParse(json);
  const refusal = status >= 400 && status < 500 && status !== 408 && status !== 429;
  if (!refusal) {
    return fromResponse({ ...context, headers: response.headers, bodyText: response.body, secrets });
  }
  const code = parsed.success ? parsed.data.error : status === 401 ? 'invalid_client' : `http_${status}`;
  const description = parsed.success ? parsed.data.error_description : undefined;
  const tokenContext: TokenErrorContext = {
    ...context,
    code,
    detail: `token endpoint refused the request: ${code}${description ? ` (${clean(description, secrets)})` : ''}`,
  };
  const options = retryAfterMs === undefined ? {} : { retryAfterMs };
  return code === 'invalid_grant'
    ? new AuthorizationLostError(tokenContext, options)
    : new TokenRequestRefusedError(tokenContext, options);
}

function clean(text: string, secrets: readonly string[]): string {
  const scrubbed = secrets
    .filter((s) => s.length > 0)
    .reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  const redacted = redactText(scrubbed);
  return redacted.length <= MAX_DETAIL_LENGTH / 2
    ? redacted
    : `${redacted.slice(0, MAX_DETAIL_LENGTH / 2 - 1)}…`;
}

import type * as z from '../zod.ts';
import type { CallInfo, CallOptions, TokenProvider } from './types.ts';

export type { CallInfo };
import type { ApiError } from './errors.ts';
import {
  ApiAuthError,
  ApiDeadlineError,
  type ApiErrorContext,
  type ApiName,
  ApiNetworkError,
  ApiTimeoutError,
} from './errors.ts';
import { fromResponse } from './fromResponse.ts';
import type { AdaptiveRateLimit } from './AdaptiveRateLimit.ts';
import { backoffMs, shouldRetry } from './retry.ts';
import { parseJsonBody } from './parseJsonBody.ts';
import { send, type TransportResponse } from './transport.ts';

export interface HttpClientOptions {
  api: ApiName;
  /** Base URL without trailing slash, e.g. `https://api.invisiblecollector.com`. */
  baseUrl: string;
  tokenProvider: TokenProvider;
  /** Headers sent on every request (e.g. `x-tenant-id`). */
  headers?: Record<string, string>;
  /** Per-attempt timeout. @default 5000 */
  timeoutMs?: number;
  /** Attempts for transient failures (the token-refresh retry after a 401 is extra). @default 3 */
  maxAttempts?: number;
  /** Backoff base / cap for full jitter. @default 100 / 2000 */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** A `Retry-After` longer than this is not waited for: the error goes back to the caller. @default 20000 */
  maxRetryAfterMs?: number;
  /** An attempt is not started with less time than this before the deadline. @default 100 */
  minAttemptMs?: number;
  /** Called after every attempt. Must not throw. */
  onCall?: (info: CallInfo) => void;
  /** Paces the attempts after the API answered 429 (one per API client and container). @default none */
  rateLimit?: AdaptiveRateLimit;
  /** Jitter source (tests make it deterministic). @default Math.random */
  random?: () => number;
  /** Waits between attempts. Tests inject a recorder. @default a timer */
  sleep?: (ms: number) => Promise<void>;
}

/** One logical request (retried as needed). */
export interface HttpRequest<T> {
  method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** Path with ids already percent-encoded, e.g. `/customers/${encodeURIComponent(id)}`. */
  path: string;
  /** Templated path for metrics and error context, e.g. `/customers/:id`. */
  route: string;
  query?: Record<string, string | undefined>;
  /** JSON-serialised. */
  body?: unknown;
  /** Lenient schema of a 2xx body (unknown fields ignored); a mismatch → `InvalidResponseError`. */
  schema: z.ZodMiniType<T>;
  options?: CallOptions;
}

/**
 * The HTTP machinery both API clients share: `send` (`transport.ts`: node:http/https, keep-alive),
 * bearer token from a provider (refreshed once after a 401), a per-attempt timeout, an overall deadline, retries of transient failures with full-jitter backoff honouring `Retry-After`,
 * typed errors from `fromResponse`, and an `onCall` hook per attempt.
 * Hand-written rather than a retry library because the 401-refresh, deadline and
 * Retry-After rules interact and are short to state here.
 *
 * @example
 * const http = new HttpClient({ api: 'cro', baseUrl, tokenProvider, headers: { 'x-tenant-id': '42' } });
 * const customer = await http.request({ method: 'GET', path: '/customers/1', route: '/customers/:id', schema });
 */
export class HttpClient {
  readonly #options: HttpClientOptions;
  readonly #baseUrl: string;

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** Sends the request, retrying transient failures; resolves the parsed 2xx body or throws an `ApiError`. */
  async request<T>(request: HttpRequest<T>): Promise<T> {
    const maxAttempts = this.#options.maxAttempts ?? 3;
    const minAttemptMs = this.#options.minAttemptMs ?? 100;
    const deadline = request.options?.deadline;
    const context = { api: this.#options.api, method: request.method, path: request.path };
    let attempt = 0;
    let transientAttempts = 0;
    let refreshed = false;
    let forceRefresh = false;
    let usedToken: string | undefined;
    let lastError: ApiError | undefined;

    for (;;) {
      const remaining = deadline === undefined ? Infinity : deadline - Date.now();
      if (remaining < minAttemptMs) {
        throw lastError ?? new ApiDeadlineError({ ...context, detail: 'deadline reached before sending' });
      }
      const turnMs = this.#options.rateLimit?.reserve() ?? 0;
      if (turnMs > 0) {
        if (deadline !== undefined && Date.now() + turnMs + minAttemptMs > deadline) {
          throw (
            lastError ?? new ApiDeadlineError({ ...context, detail: 'rate-limit wait beyond the deadline' })
          );
        }
        await (this.#options.sleep ?? sleep)(turnMs);
      }
      attempt += 1;
      transientAttempts += 1;
      const token = await this.#options.tokenProvider(
        forceRefresh || deadline !== undefined
          ? {
              ...(forceRefresh && { forceRefresh: true, rejectedToken: usedToken }),
              ...(deadline !== undefined && { deadline }),
            }
          : undefined,
      );
      usedToken = token;
      const perAttemptMs = this.#options.timeoutMs ?? 5_000;
      const timeoutMs = Math.min(perAttemptMs, remaining);
      const outcome = await this.#attempt(
        request,
        token,
        timeoutMs,
        attempt,
        refreshed,
        timeoutMs < perAttemptMs,
      );
      if (outcome.ok) return outcome.value;
      const error = outcome.error;

      if (error instanceof ApiAuthError && error.status === 401 && !refreshed) {
        refreshed = true;
        forceRefresh = true;
        transientAttempts -= 1; // the refresh retry does not use up a transient attempt
        lastError = error;
        continue;
      }
      forceRefresh = false;
      if (!shouldRetry(error, transientAttempts, maxAttempts)) throw error;
      if ((error.retryAfterMs ?? 0) > (this.#options.maxRetryAfterMs ?? 20_000)) throw error;
      const wait = backoffMs(transientAttempts, {
        baseMs: this.#options.backoffBaseMs,
        capMs: this.#options.backoffCapMs,
        random: this.#options.random,
        retryAfterMs: error.retryAfterMs,
      });
      if (deadline !== undefined && Date.now() + wait + minAttemptMs > deadline) throw error;
      lastError = error;
      await (this.#options.sleep ?? sleep)(wait);
    }
  }

  async #attempt<T>(
    request: HttpRequest<T>,
    token: string,
    timeoutMs: number,
    attempt: number,
    tokenRefreshed: boolean,
    /** The attempt's timeout is the caller's deadline (shorter than the per-attempt timeout). */
    cutByDeadline: boolean,
  ): Promise<{ ok: true; value: T } | { ok: false; error: ApiError }> {
    const { api } = this.#options;
    const context: ApiErrorContext = { api, method: request.method, path: request.path };
    const timeout = AbortSignal.timeout(timeoutMs);
    const started = performance.now();
    let status = 0;
    const report = () => {
      const info: CallInfo = {
        api,
        method: request.method,
        route: request.route,
        status,
        durationMs: Math.round(performance.now() - started),
        attempt,
      };
      this.#options.rateLimit?.record(status);
      for (const hook of [this.#options.onCall, request.options?.onAttempt]) {
        try {
          hook?.(info);
        } catch {
          // A metrics or tracking hook must never turn a good call into a failure.
        }
      }
    };

    let response: TransportResponse;
    try {
      response = await send({
        method: request.method,
        url: this.#url(request),
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...this.#options.headers,
          authorization: `Bearer ${token}`,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: timeout,
      });
      status = response.status;
    } catch (cause) {
      report();
      if (timeout.aborted) {
        const detail = `no answer within ${timeoutMs} ms`;
        const error = cutByDeadline
          ? new ApiDeadlineError({ ...context, detail: `${detail} (the caller's deadline)` })
          : new ApiTimeoutError({ ...context, detail });
        return { ok: false, error };
      }
      return {
        ok: false,
        error: new ApiNetworkError({ ...context, detail: networkDetail(cause) }, { cause }),
      };
    }
    report();

    if (status < 200 || status > 299) {
      return {
        ok: false,
        error: fromResponse({
          ...context,
          status,
          headers: response.headers,
          bodyText: response.body,
          tokenRefreshed,
          secrets: [token],
        }),
      };
    }
    return parseJsonBody(request.schema, response.body, { ...context, status });
  }

  #url(request: HttpRequest<unknown>): URL {
    const url = new URL(`${this.#baseUrl}${request.path}`);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    return url;
  }
}

/**
 * The system error code (ECONNREFUSED, ECONNRESET, ERESPONSETOOLARGE...) only: their messages can carry the URL.
 * Duck-typed along the `cause` chain because errors from node internals fail `instanceof` across realms.
 */
function networkDetail(cause: unknown): string {
  let current = cause;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{2,40}$/.test(code)) return `network error ${code}`;
    current = (current as { cause?: unknown }).cause;
  }
  return 'network error';
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

import { createHash, randomUUID } from 'node:crypto';
import type { ApiError, ApiName } from '../http/errors.ts';
import type { TokenProvider } from '../http/types.ts';
import { AuthorizationLostError, needsOperator, OPERATOR_RETRY_MS, TokenUnavailableError } from './errors.ts';
import type { LeaseRecord, LeaseUpdate, RefreshLease } from './refreshLease.ts';
import { requestToken } from './tokenEndpoint.ts';
import type { CredentialStore, OAuthCredentials, TokenEndpoint, TokenLogger } from './types.ts';

/** Options of {@link SharedTokenProvider}; the timings have defaults for one-hour access tokens. */
export interface SharedTokenProviderOptions {
  /** Names the API in errors, reasons and log lines. @default 'cro' */
  api?: ApiName;
  endpoint: TokenEndpoint;
  /** Where the client, the refresh token and the shared access token live (the credentials secret). */
  store: CredentialStore;
  /** The fleet-wide lock around a refresh. */
  lease: RefreshLease;
  /** This process's name in the lease. @default a random UUID */
  owner?: string;
  /** How long a holder may keep the lease before others may take it. @default 30000 */
  leaseMs?: number;
  /** Refresh at most this long before expiry (and at least 10–20 % of the token's lifetime). @default 300000 */
  maxMarginMs?: number;
  /** How long a caller without a usable token waits for another process's refresh. @default 10000 */
  waitMs?: number;
  /** Pause between looks at the store and the lease while waiting. @default 200 */
  pollMs?: number;
  /** Once the grant is lost, how often the store is looked at again for a new authorization. @default 5000 */
  lostRecheckMs?: number;
  /** The least wait before records refused for lack of authorization are retried. @default OPERATOR_RETRY_MS (5 min) */
  operatorRetryMs?: number;
  /** The operator's command, for the authorization-lost log line. @default 'npx crm-sync auth' */
  reauthorizeCommand?: string;
  logger?: TokenLogger;
  /** Called after every refresh this process made (the fleet's count is the sum). */
  onRefresh?: () => void;
  /** Called whenever a request for a token ends in a refusal only an operator can fix. */
  onAuthorizationLost?: (error: ApiError) => void;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A refresh is not started with less time than this before the caller's deadline. */
const MIN_REFRESH_MS = 2_000;
/** Lease periods after which an unstored refresh is presumed lost (its process gone): 5 minutes by default. */
const STALE_GRACE_LEASES = 10;

interface Cached {
  token: string;
  expiresAt: number;
  refreshAt: number;
  adoptedAt: number;
}

/**
 * OAuth 2.0 access tokens for a fleet of processes sharing one grant whose refresh tokens may rotate on
 * every use (and where sending a rotated one revokes the grant):
 *
 * - each process caches its access token and hands it out until its refresh window (the last 10–20 % of
 *   its lifetime, jittered, at most `maxMarginMs`), then reads the store: a token another process stored
 *   is adopted, with no refresh;
 * - only the holder of the {@link RefreshLease} refreshes, and it reads the store again once it holds the
 *   lease (a process that lost the race gets the stored token instead of sending a rotated one); the new
 *   refresh token and access token are written to the store BEFORE the access token is used; the lease
 *   records the digests of rotated-away refresh tokens so a stale read is never sent;
 * - within a process, concurrent callers share one round (one in-flight promise);
 * - a caller that finds the lease held keeps using its still-valid token, or waits (bounded by `waitMs`
 *   and the caller's deadline) for the stored one;
 * - `invalid_grant` becomes an {@link AuthorizationLostError} (recorded in the lease so no other process
 *   sends that refresh token again; one error log line names the re-authorization command), and the store
 *   is looked at every `lostRecheckMs` until a new authorization appears there.
 *
 * @example
 * const provider = new SharedTokenProvider({ endpoint: { url: config.crmTokenUrl }, store, lease });
 * const cro = new CroClient({ baseUrl, tenantId, tokenProvider: provider.tokenProvider });
 */
export class SharedTokenProvider {
  readonly tokenProvider: TokenProvider;
  readonly #o: Required<
    Omit<SharedTokenProviderOptions, 'logger' | 'onRefresh' | 'onAuthorizationLost' | 'endpoint'>
  > &
    Pick<SharedTokenProviderOptions, 'logger' | 'onRefresh' | 'onAuthorizationLost' | 'endpoint'>;
  #cache: Cached | undefined;
  #lifetimeMs = 0;
  #inflight: { promise: Promise<string>; rejected?: string } | undefined;
  #lost: { digest: string; error: ApiError; checkedAt: number } | undefined;
  #loggedLostDigest: string | undefined;
  #pendingWrite: { next: OAuthCredentials; expected: string } | undefined;

  constructor(options: SharedTokenProviderOptions) {
    this.#o = {
      api: 'cro',
      owner: randomUUID(),
      leaseMs: 30_000,
      maxMarginMs: 300_000,
      waitMs: 10_000,
      pollMs: 200,
      lostRecheckMs: 5_000,
      operatorRetryMs: OPERATOR_RETRY_MS,
      reauthorizeCommand: 'npx crm-sync auth',
      now: Date.now,
      random: Math.random,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...options,
    };
    this.tokenProvider = (o) => this.getToken(o);
  }

  /**
   * The access token to send. `forceRefresh` after a 401: the `rejectedToken` (else the cached one) is never
   * handed out again; when the cache already holds a newer token, that one is the answer.
   */
  async getToken(
    options: { forceRefresh?: boolean; rejectedToken?: string; deadline?: number } = {},
  ): Promise<string> {
    const now = this.#o.now();
    const cached = this.#cache;
    const forced = options.forceRefresh === true;
    if (cached !== undefined && !forced && now < cached.refreshAt) return cached.token;
    const rejected = forced ? (options.rejectedToken ?? cached?.token) : undefined;
    // The 401 answered a request sent with a token this process has replaced since.
    if (cached !== undefined && forced && rejected !== cached.token && this.#usable(cached, rejected)) {
      return cached.token;
    }
    const joined = this.#inflight;
    if (joined !== undefined) {
      if (rejected === undefined || joined.rejected === rejected) return joined.promise;
      const token = await joined.promise.catch(() => undefined);
      if (token !== undefined && token !== rejected) return token;
    }
    if (this.#inflight === undefined || this.#inflight.rejected !== rejected) {
      const entry: { promise: Promise<string>; rejected?: string } = {
        promise: this.#round(rejected, options.deadline),
        ...(rejected !== undefined && { rejected }),
      };
      this.#inflight = entry;
      void entry.promise
        .finally(() => {
          if (this.#inflight === entry) this.#inflight = undefined;
        })
        .catch(() => undefined);
    }
    return this.#inflight.promise;
  }

  async #round(rejected: string | undefined, deadline: number | undefined): Promise<string> {
    try {
      return await this.#obtain(rejected, deadline);
    } catch (error) {
      if (needsOperator(error)) this.#o.onAuthorizationLost?.(error);
      // A refresh ahead of expiry that failed does not stop the work: the current token is still good.
      const usable = this.#usable(this.#cache, rejected);
      if (usable === undefined) throw error;
      const now = this.#o.now();
      this.#cache = { ...usable, refreshAt: now + Math.min(5_000, (usable.expiresAt - now) / 2) };
      this.#o.logger?.warn('access token refresh failed; the current token is still valid', {
        api: this.#o.api,
        reason: (error as { reason?: string }).reason ?? 'unexpected',
      });
      return usable.token;
    }
  }

  async #obtain(rejected: string | undefined, deadline: number | undefined): Promise<string> {
    if (this.#pendingWrite !== undefined) await this.#flushPendingWrite();
    const lost = this.#lost;
    if (lost !== undefined && this.#o.now() - lost.checkedAt < this.#o.lostRecheckMs) throw lost.error;

    let creds = await this.#o.store.read();
    let digest = tokenDigest(creds.refreshToken);
    if (lost !== undefined) {
      if (lost.digest === digest) {
        lost.checkedAt = this.#o.now();
        throw lost.error;
      }
      this.#lost = undefined;
      this.#o.logger?.info('a new authorization is in the credentials; refreshing with it', {
        api: this.#o.api,
      });
    }
    if (this.#acceptable(creds, rejected)) return this.#adoptStored(creds);

    const waitUntil = Math.min(
      this.#o.now() + this.#o.waitMs,
      deadline === undefined ? Infinity : deadline - this.#o.pollMs,
    );
    for (;;) {
      const { acquired, record } = await this.#o.lease.acquire(this.#o.owner, this.#o.leaseMs);
      if (acquired) return await this.#refreshHoldingLease(record, rejected, deadline);
      if (record.lostDigest === digest) throw this.#markLost(digest, this.#lostError('another process'));
      // Someone else is refreshing: keep using a token that is still valid, and look again soon.
      const usable = this.#usable(this.#cache, rejected) ?? this.#usable(storedToken(creds), rejected);
      if (usable !== undefined) {
        const now = this.#o.now();
        this.#cache = { ...usable, refreshAt: now + this.#o.pollMs * 2, adoptedAt: usable.adoptedAt ?? now };
        return usable.token;
      }
      if (this.#o.now() + this.#o.pollMs > waitUntil) {
        throw new TokenUnavailableError(this.#o.api, 'another process is refreshing it; not stored yet');
      }
      await this.#o.sleep(this.#o.pollMs * (0.5 + this.#o.random()));
      creds = await this.#o.store.read();
      digest = tokenDigest(creds.refreshToken);
      if (this.#acceptable(creds, rejected)) return this.#adoptStored(creds);
    }
  }

  async #refreshHoldingLease(
    record: LeaseRecord,
    rejected: string | undefined,
    deadline: number | undefined,
  ): Promise<string> {
    let update: LeaseUpdate = {};
    try {
      let creds = await this.#o.store.read();
      // The store may lag behind the lease (a write not visible yet): never send a rotated-away token.
      for (let n = 0; n < 5 && record.retiredDigests.includes(tokenDigest(creds.refreshToken)); n += 1) {
        await this.#o.sleep(this.#o.pollMs);
        creds = await this.#o.store.read();
      }
      if (this.#acceptable(creds, rejected)) return this.#adoptStored(creds);
      const digest = tokenDigest(creds.refreshToken);
      if (record.retiredDigests.includes(digest)) {
        // The refresher could not store its tokens and retries on its next call: sending the old token now
        // would revoke the grant under it. Only once it has had ample time is it presumed gone.
        const sinceRefresh = this.#o.now() - (record.refreshedAt ?? 0);
        if (sinceRefresh < this.#o.leaseMs * STALE_GRACE_LEASES) {
          throw new TokenUnavailableError(this.#o.api, 'the newest refresh token is not in the store yet');
        }
        // Its successor was issued to a process that never stored it: this token is all there is.
        this.#o.logger?.warn(
          'the stored refresh token was rotated by a refresh whose result was never stored; trying it',
          {
            api: this.#o.api,
          },
        );
      }
      if (record.lostDigest === digest) throw this.#markLost(digest, this.#lostError('another process'));
      // The caller's deadline keeps a margin before the invocation ends (TIME_MARGIN_MS): the request may
      // use the time up to it, the margin is left for storing its answer.
      const remaining = deadline === undefined ? Infinity : deadline - this.#o.now();
      if (remaining < MIN_REFRESH_MS) {
        throw new TokenUnavailableError(this.#o.api, 'too little time left in the invocation to refresh');
      }
      const endpoint = {
        ...this.#o.endpoint,
        timeoutMs: Math.min(this.#o.endpoint.timeoutMs ?? 10_000, remaining),
      };

      let tokens;
      try {
        tokens = await requestToken(
          endpoint,
          creds,
          { type: 'refresh_token', refreshToken: creds.refreshToken },
          { api: this.#o.api, now: this.#o.now, operatorRetryMs: this.#o.operatorRetryMs },
        );
      } catch (error) {
        if (error instanceof AuthorizationLostError) {
          update = { lostDigest: digest };
          // An operator may have re-authorized while this request was on its way: try the new grant.
          const latest = await this.#o.store.read().catch(() => undefined);
          if (latest !== undefined && latest.refreshToken !== creds.refreshToken) {
            throw new TokenUnavailableError(this.#o.api, 'the authorization changed during the refresh');
          }
          throw this.#markLost(digest, error);
        }
        throw error;
      }
      const next: OAuthCredentials = {
        ...creds,
        refreshToken: tokens.refreshToken ?? creds.refreshToken,
        accessToken: tokens.accessToken,
        accessTokenExpiresAt: new Date(tokens.expiresAt).toISOString(),
      };
      const nextDigest = tokenDigest(next.refreshToken);
      update = {
        currentDigest: nextDigest,
        refreshedAt: this.#o.now(),
        lostDigest: null,
        ...(nextDigest !== digest && { retiredDigests: [...record.retiredDigests, digest] }),
      };
      this.#o.onRefresh?.();
      const stored = await this.#write(next, creds.refreshToken);
      if (stored === 'superseded') delete update.currentDigest;
      if (stored === 'failed') {
        this.#pendingWrite = { next, expected: creds.refreshToken };
        throw new TokenUnavailableError(this.#o.api, 'the refreshed tokens could not be stored yet');
      }
      return this.#adopt(tokens.accessToken, tokens.expiresAt);
    } finally {
      await this.#o.lease.release(this.#o.owner, update).catch((error: unknown) => {
        this.#o.logger?.warn('could not release the token refresh lease (it expires by itself)', {
          error: error instanceof Error ? error.name : 'unknown',
        });
      });
    }
  }

  /** Writes `next` (a few attempts); `'failed'` when the store stays unavailable. */
  async #write(next: OAuthCredentials, expected: string): Promise<'written' | 'superseded' | 'failed'> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#o.store.write(next, expected);
      } catch (error) {
        if (attempt >= 3) {
          this.#o.logger?.error('could not store the refreshed tokens; this process keeps them and retries', {
            api: this.#o.api,
            error: error instanceof Error ? error.message : 'unknown',
          });
          return 'failed';
        }
        await this.#o.sleep(100 * 3 ** (attempt - 1));
      }
    }
  }

  async #flushPendingWrite(): Promise<void> {
    const pending = this.#pendingWrite!;
    const stored = await this.#write(pending.next, pending.expected);
    if (stored === 'failed') {
      throw new TokenUnavailableError(this.#o.api, 'the refreshed tokens could not be stored yet');
    }
    this.#pendingWrite = undefined;
    if (stored === 'written' && pending.next.accessToken !== undefined) {
      this.#adopt(pending.next.accessToken, Date.parse(pending.next.accessTokenExpiresAt ?? ''));
    }
  }

  /** A stored token another process obtained, good for more than the refresh margin (never `rejected`). */
  #acceptable(creds: OAuthCredentials, rejected: string | undefined): boolean {
    const stored = storedToken(creds);
    if (stored === undefined || stored.token === rejected) return false;
    const remaining = stored.expiresAt - this.#o.now();
    // Our own token past its refresh window is what we came to replace.
    if (stored.token === this.#cache?.token) return this.#o.now() < this.#cache.refreshAt;
    return remaining > this.#marginMs(0);
  }

  /** A token still safe to send for a moment (not `rejected`, not about to expire). */
  #usable(
    token: { token: string; expiresAt: number; adoptedAt?: number } | undefined,
    rejected: string | undefined,
  ): Cached | undefined {
    if (token === undefined || token.token === rejected) return undefined;
    const now = this.#o.now();
    if (token.expiresAt - now <= Math.min(1_000, this.#lifetimeMs * 0.05)) return undefined;
    return {
      token: token.token,
      expiresAt: token.expiresAt,
      refreshAt: now,
      adoptedAt: token.adoptedAt ?? now,
    };
  }

  #adoptStored(creds: OAuthCredentials): string {
    const stored = storedToken(creds)!;
    return this.#adopt(stored.token, stored.expiresAt);
  }

  #adopt(token: string, expiresAt: number): string {
    const now = this.#o.now();
    this.#lifetimeMs = Math.max(this.#lifetimeMs, expiresAt - now);
    this.#cache = {
      token,
      expiresAt,
      refreshAt: expiresAt - this.#marginMs(this.#o.random()),
      adoptedAt: now,
    };
    return token;
  }

  /** 10 % of the longest lifetime seen, +10 % × `jitter`, capped at `maxMarginMs`. */
  #marginMs(jitter: number): number {
    return Math.min(this.#o.maxMarginMs, this.#lifetimeMs * (0.1 + 0.1 * jitter));
  }

  #lostError(who: string): AuthorizationLostError {
    return new AuthorizationLostError(
      {
        api: this.#o.api,
        method: 'POST',
        path: safePath(this.#o.endpoint.url),
        status: 400,
        code: 'invalid_grant',
        detail: `token endpoint refused the stored refresh token (invalid_grant, seen by ${who})`,
      },
      { retryAfterMs: this.#o.operatorRetryMs },
    );
  }

  #markLost(digest: string, error: ApiError): ApiError {
    this.#lost = { digest, error, checkedAt: this.#o.now() };
    if (this.#loggedLostDigest !== digest) {
      this.#loggedLostDigest = digest;
      this.#o.logger?.error(
        `authorization lost: the token endpoint refuses the refresh token (invalid_grant). Run \`${this.#o.reauthorizeCommand}\` to authorize again; records are retried until then.`,
        { api: this.#o.api, reason: error.reason },
      );
    }
    return error;
  }
}

/**
 * A short, one-way digest of a refresh token: what the lease records to recognise a token without ever
 * storing it.
 *
 * @example
 * tokenDigest('rt-1'); // 32 hex characters
 */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 32);
}

function storedToken(creds: OAuthCredentials): { token: string; expiresAt: number } | undefined {
  if (creds.accessToken === undefined || creds.accessTokenExpiresAt === undefined) return undefined;
  const expiresAt = Date.parse(creds.accessTokenExpiresAt);
  return Number.isFinite(expiresAt) ? { token: creds.accessToken, expiresAt } : undefined;
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(token endpoint)';
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { type SimRequest, type SimResponse, startSimulatorServer } from './SimulatorServer.ts';
import type { FaultOptions, SimulatorControls } from './types.ts';

/** The OAuth client the simulator knows unless told otherwise (the local stack's credentials). */
export const DEFAULT_CRO_CLIENT = {
  clientId: 'crm-sync-local',
  clientSecret: 'local-client-secret',
  /** A loopback redirect: any port matches (RFC 8252 §7.3), so `crm-sync auth` may pick a free one. */
  redirectUris: ['http://127.0.0.1/callback'],
} as const;

export interface CroOAuthClient {
  clientId: string;
  clientSecret: string;
  /** Registered landing URLs; a loopback one (`http://127.0.0.1/...`) matches on any port. */
  redirectUris: readonly string[];
}

/**
 * The `crm` object of a credentials secret for `client`, with a grant freshly seeded in `oauth` (no access token
 * yet: the first call refreshes) — what `crm-sync auth` would store.
 *
 * @example
 * writeFileSync(path, JSON.stringify({ invisibleCollectorToken, crm: authorizedClient(oauth) }));
 */
export function authorizedClient(
  oauth: Pick<CroOAuthSimulator, 'seedGrant'>,
  client: Pick<CroOAuthClient, 'clientId' | 'clientSecret'> = DEFAULT_CRO_CLIENT,
): { clientId: string; clientSecret: string; refreshToken: string } {
  const { clientId, clientSecret } = client;
  return { clientId, clientSecret, refreshToken: oauth.seedGrant(clientId).refreshToken };
}

export interface CroOAuthSimulatorOptions {
  /** @default [DEFAULT_CRO_CLIENT] */
  clients?: CroOAuthClient[];
  /** Access token lifetime (`expires_in`). @default 3600 */
  accessTokenTtlSeconds?: number;
  /** A new refresh token on every refresh, the old one retired. @default true */
  rotateRefreshTokens?: boolean;
  /**
   * What a retired (rotated) refresh token gets: `'revoke-grant'` revokes the whole grant and every token
   * issued under it (strict providers, OAuth 2.0 Security BCP §4.14.2); `'refuse'` only refuses it.
   * Both answer `invalid_grant`. @default 'revoke-grant'
   */
  reuse?: 'revoke-grant' | 'refuse';
  /** Client authentication the token endpoint accepts. @default 'any' (Basic or body, not both) */
  clientAuth?: 'client_secret_basic' | 'client_secret_post' | 'any';
  /** The simulated user's answer on the authorize page. @default 'approve' */
  consent?: 'approve' | 'deny';
  /** Called when tokens are issued, just before the answer is sent (tests kill the requester here). */
  onTokensIssued?: (grant: 'refresh_token' | 'authorization_code') => void;
  latencyMs?: number;
  faults?: FaultOptions;
  port?: number;
}

/** What the authorization server has done, for assertions and the bench. */
export interface CroOAuthStats {
  /** Successful refresh_token grants. */
  refreshes: number;
  /** Successful authorization_code grants. */
  codeExchanges: number;
  /** `invalid_grant` answers. */
  invalidGrants: number;
  /** Grants revoked because a rotated refresh token (or a used code) was presented. */
  reuseRevocations: number;
  /** Grants neither revoked nor replaced. */
  activeGrants: number;
}

/** A running CRO OAuth 2.0 authorization server; see {@link startCroOAuthSimulator}. */
export interface CroOAuthSimulator extends SimulatorControls {
  /** `GET`: Authorization Code with PKCE; answers with a redirect (the simulated user consents). */
  authorizeUrl: string;
  /** `POST`: RFC 6749 §6 refresh and §4.1.3 code exchange. */
  tokenUrl: string;
  /** True for an access token issued here, not expired, of a grant not revoked (the CRO API's check). */
  isAccessTokenValid(token: string): boolean;
  /** A consented grant without the browser step (what `crm-sync auth` would obtain). */
  seedGrant(clientId?: string): { refreshToken: string };
  /** Revokes every grant (the user withdrew consent): their refresh and access tokens stop working. */
  revokeGrants(): number;
  setAccessTokenTtl(seconds: number): void;
  stats(): CroOAuthStats;
}

interface Grant {
  clientId: string;
  revoked: boolean;
  refreshToken: string;
}

interface Code {
  clientId: string;
  redirectUri: string;
  challenge?: string;
  method?: string;
  expiresAt: number;
  used: boolean;
  grant?: Grant;
}

const FORM = 'application/x-www-form-urlencoded';
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/**
 * Starts CRO's OAuth 2.0 authorization server as CRO's developer documentation describes it (Authorization
 * Code, also with PKCE, and Refresh Token grants; no client credentials), on its own port: `GET
 * /oauth/authorize` (client and redirect URI checked before anything is redirected, RFC 6749 §4.1.2.1;
 * PKCE `S256`/`plain`; `state` echoed) and `POST /oauth/token` (form-encoded only; client authenticated by
 * Basic with form-encoded credentials or in the body, never both; §5.2 error answers, 401 with
 * `WWW-Authenticate` for a failed Basic authentication). Access tokens are JWT-shaped and expire; refresh
 * tokens rotate on every use, and presenting a rotated one revokes the grant. A used code presented again
 * revokes what it granted. Pair it with `startCroSimulator({ acceptToken: oauth.isAccessTokenValid })`.
 *
 * @example
 * const oauth = await startCroOAuthSimulator({ accessTokenTtlSeconds: 3 });
 * const cro = await startCroSimulator({ acceptToken: (t) => oauth.isAccessTokenValid(t) });
 * const { refreshToken } = oauth.seedGrant();
 */
export async function startCroOAuthSimulator(
  options: CroOAuthSimulatorOptions = {},
): Promise<CroOAuthSimulator> {
  const clients = new Map((options.clients ?? [DEFAULT_CRO_CLIENT]).map((c) => [c.clientId, c]));
  const refreshTokens = new Map<string, { grant: Grant; retired: boolean }>();
  const accessTokens = new Map<string, { grant: Grant; expiresAt: number }>();
  const codes = new Map<string, Code>();
  const grants = new Set<Grant>();
  const counts = { refreshes: 0, codeExchanges: 0, invalidGrants: 0, reuseRevocations: 0 };
  let ttlSeconds = options.accessTokenTtlSeconds ?? 3600;

  const issue = (
    grant: Grant,
    rotate: boolean,
    kind: 'refresh_token' | 'authorization_code',
  ): SimResponse => {
    if (rotate) {
      refreshTokens.get(grant.refreshToken)!.retired = true;
      grant.refreshToken = opaqueToken('rt');
      refreshTokens.set(grant.refreshToken, { grant, retired: false });
    }
    const accessToken = jwtShaped(grant.clientId, ttlSeconds);
    accessTokens.set(accessToken, { grant, expiresAt: Date.now() + ttlSeconds * 1000 });
    options.onTokensIssued?.(kind);
    return {
      status: 200,
      headers: NO_STORE,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: ttlSeconds,
        // The code exchange always hands out the grant's refresh token; a refresh only a rotated one.
        ...((rotate || kind === 'authorization_code') && { refresh_token: grant.refreshToken }),
      },
    };
  };
  const newGrant = (clientId: string): Grant => {
    const grant: Grant = { clientId, revoked: false, refreshToken: opaqueToken('rt') };
    grants.add(grant);
    refreshTokens.set(grant.refreshToken, { grant, retired: false });
    return grant;
  };
  const revoke = (grant: Grant) => {
    grant.revoked = true;
    for (const [token, entry] of accessTokens) if (entry.grant === grant) accessTokens.delete(token);
  };
  const invalidGrant = (description: string): SimResponse => {
    counts.invalidGrants += 1;
    return oauthError(400, 'invalid_grant', description);
  };

  const token = (req: SimRequest): SimResponse => {
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM)) {
      return oauthError(400, 'invalid_request', `the body must be ${FORM}`);
    }
    const form = new URLSearchParams(req.rawBody);
    if (new Set(form.keys()).size !== [...form.keys()].length) {
      return oauthError(400, 'invalid_request', 'a parameter is repeated');
    }
    const client = authenticate(req, form);
    if ('status' in client) return client;
    const grantType = form.get('grant_type');
    if (grantType === 'refresh_token') {
      const presented = form.get('refresh_token');
      if (!presented) return oauthError(400, 'invalid_request', 'refresh_token is required');
      const entry = refreshTokens.get(presented);
      if (!entry || entry.grant.clientId !== client.clientId || entry.grant.revoked) {
        return invalidGrant('The refresh token is invalid, expired or revoked.');
      }
      if (entry.retired) {
        if ((options.reuse ?? 'revoke-grant') === 'revoke-grant') {
          revoke(entry.grant);
          counts.reuseRevocations += 1;
        }
        return invalidGrant('The refresh token was already used.');
      }
      counts.refreshes += 1;
      return issue(entry.grant, options.rotateRefreshTokens ?? true, 'refresh_token');
    }
    if (grantType === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      if (!code || code.clientId !== client.clientId || code.expiresAt < Date.now()) {
        return invalidGrant('The authorization code is invalid or expired.');
      }
      if (code.used) {
        if (code.grant) revoke(code.grant);
        counts.reuseRevocations += 1;
        return invalidGrant('The authorization code was already used.');
      }
      if (form.get('redirect_uri') !== code.redirectUri) return invalidGrant('redirect_uri does not match.');
      if (code.challenge !== undefined) {
        const verifier = form.get('code_verifier') ?? '';
        if (
          !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) ||
          pkceChallenge(verifier, code.method) !== code.challenge
        ) {
          return invalidGrant('PKCE verification failed.');
        }
      }
      code.used = true;
      code.grant = newGrant(client.clientId);
      counts.codeExchanges += 1;
      return issue(code.grant, false, 'authorization_code');
    }
    if (!grantType) return oauthError(400, 'invalid_request', 'grant_type is required');
    return oauthError(400, 'unsupported_grant_type', `${grantType.slice(0, 40)} is not supported`);
  };

  const authenticate = (req: SimRequest, form: URLSearchParams): CroOAuthClient | SimResponse => {
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
    const inBody = form.has('client_id') || form.has('client_secret');
    if (basic && inBody) return oauthError(400, 'invalid_request', 'use one client authentication method');
    const allowed = options.clientAuth ?? 'any';
    let id: string | null;
    let secret: string | null;
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const formDecode = (value: string) => new URLSearchParams(`v=${value}`).get('v') ?? '';
      [id, secret] =
        colon < 0
          ? [null, null]
          : [formDecode(decoded.slice(0, colon)), formDecode(decoded.slice(colon + 1))];
    } else {
      [id, secret] = [form.get('client_id'), form.get('client_secret')];
    }
    const method = basic ? 'client_secret_basic' : 'client_secret_post';
    const client = id === null ? undefined : clients.get(id);
    if (!client || client.clientSecret !== secret || (allowed !== 'any' && allowed !== method)) {
      return {
        ...oauthError(401, 'invalid_client', 'Client authentication failed.'),
        ...(basic && { headers: { ...NO_STORE, 'www-authenticate': 'Basic realm="cro"' } }),
      };
    }
    return client;
  };

  const authorize = (req: SimRequest): SimResponse => {
    const client = clients.get(req.query.client_id ?? '');
    const redirectUri =
      req.query.redirect_uri ?? (client?.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
    // RFC 6749 §4.1.2.1: with an unknown client or redirect URI, the user is told; nothing is redirected.
    if (!client) return { status: 400, body: 'Unknown client_id.' };
    if (redirectUri === undefined || !client.redirectUris.some((r) => redirectMatches(r, redirectUri))) {
      return { status: 400, body: 'This redirect_uri is not registered for the client.' };
    }
    const back = (params: Record<string, string | undefined>) => {
      const url = new URL(redirectUri);
      for (const [k, v] of Object.entries({ ...params, state: req.query.state }))
        if (v !== undefined) url.searchParams.set(k, v);
      return { status: 302, headers: { location: url.toString() } };
    };
    if (req.query.response_type !== 'code') return back({ error: 'unsupported_response_type' });
    const method = req.query.code_challenge_method;
    const challenge = req.query.code_challenge;
    if (
      (method !== undefined && method !== 'S256' && method !== 'plain') ||
      (method !== undefined && !challenge)
    ) {
      return back({ error: 'invalid_request', error_description: 'unsupported code_challenge_method' });
    }
    if ((options.consent ?? 'approve') === 'deny') return back({ error: 'access_denied' });
    const code = opaqueToken('code');
    codes.set(code, {
      clientId: client.clientId,
      redirectUri,
      ...(challenge !== undefined && { challenge, method: method ?? 'plain' }),
      expiresAt: Date.now() + 60_000,
      used: false,
    });
    return back({ code });
  };

  const controls = await startSimulatorServer({
    tokens: [],
    latencyMs: options.latencyMs,
    faults: options.faults,
    port: options.port,
    // The endpoints authenticate the client themselves; there is no bearer token here.
    vendor: {
      authorise: () => undefined,
      error: (status, message) => oauthError(status, 'server_error', message),
    },
    routes: [
      { method: 'GET', route: '/oauth/authorize', handle: authorize },
      { method: 'POST', route: '/oauth/token', handle: token },
    ],
  });

  return {
    ...controls,
    authorizeUrl: `${controls.url}/oauth/authorize`,
    tokenUrl: `${controls.url}/oauth/token`,
    isAccessTokenValid: (accessToken) => {
      const entry = accessTokens.get(accessToken);
      return entry !== undefined && !entry.grant.revoked && entry.expiresAt > Date.now();
    },
    seedGrant: (clientId = [...clients.keys()][0]!) => ({ refreshToken: newGrant(clientId).refreshToken }),
    revokeGrants: () => {
      let revoked = 0;
      for (const grant of grants) {
        if (!grant.revoked) revoked += 1;
        revoke(grant);
      }
      return revoked;
    },
    setAccessTokenTtl: (seconds) => {
      ttlSeconds = seconds;
    },
    stats: () => ({ ...counts, activeGrants: [...grants].filter((g) => !g.revoked).length }),
  };
}

function oauthError(status: number, error: string, description: string): SimResponse {
  return { status, headers: NO_STORE, body: { error, error_description: description } };
}

/** A registered loopback redirect matches the same URL on any port (RFC 8252 §7.3); others exactly. */
function redirectMatches(registered: string, given: string): boolean {
  if (registered === given) return true;
  try {
    const [r, g] = [new URL(registered), new URL(given)];
    const loopback = r.protocol === 'http:' && (r.hostname === '127.0.0.1' || r.hostname === '[::1]');
    return (
      loopback &&
      g.protocol === r.protocol &&
      g.hostname === r.hostname &&
      g.pathname === r.pathname &&
      g.search === r.search
    );
  } catch {
    return false;
  }
}

function pkceChallenge(verifier: string, method: string | undefined): string {
  return method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
}

function opaqueToken(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/** `header.payload.signature` in base64url, like the tokens CRO issues (the payload is not meant to be read). */
function jwtShaped(clientId: string, ttlSeconds: number): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return [
    part({ alg: 'HS256', typ: 'JWT' }),
    part({ sub: clientId, iat: now, exp: now + ttlSeconds, jti: randomBytes(8).toString('hex') }),
    randomBytes(32).toString('base64url'),
  ].join('.');
}

// The token client against the CRO OAuth simulator (a real HTTP server): the exact requests it sends
// (RFC 6749 §6, §4.1.3, §2.3.1) and how every kind of answer becomes a typed error.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  ApiNetworkError,
  ApiRateLimitedError,
  ApiServerError,
  ApiTimeoutError,
} from '../../../../lib/http/errors.ts';
import {
  type CroOAuthSimulator,
  DEFAULT_CRO_CLIENT,
  startCroOAuthSimulator,
} from '../../../../lib/local/simulators/index.ts';
import {
  AuthorizationLostError,
  OPERATOR_RETRY_MS,
  TokenRequestRefusedError,
} from '../../../../lib/oauth/errors.ts';
import { basicAuthorization, requestToken } from '../../../../lib/oauth/tokenEndpoint.ts';

const WEIRD_CLIENT = {
  clientId: 'client id:ü',
  clientSecret: 'sé cret:+/%',
  redirectUris: ['http://127.0.0.1/cb'],
};

describe('requestToken', () => {
  let oauth: CroOAuthSimulator;
  const client = { clientId: DEFAULT_CRO_CLIENT.clientId, clientSecret: DEFAULT_CRO_CLIENT.clientSecret };
  const refresh = (refreshToken: string) => ({ type: 'refresh_token' as const, refreshToken });

  beforeAll(async () => {
    oauth = await startCroOAuthSimulator({
      clients: [DEFAULT_CRO_CLIENT, WEIRD_CLIENT],
      accessTokenTtlSeconds: 600,
    });
  });
  afterAll(() => oauth.stop());
  beforeEach(() => {
    oauth.clearCalls();
    oauth.resetFaults();
  });

  it('refreshes with a form-encoded POST, the client in HTTP Basic (client_secret_basic), and reads the rotated refresh token', async () => {
    const { refreshToken } = oauth.seedGrant();
    const before = Date.now();

    const tokens = await requestToken({ url: oauth.tokenUrl }, client, refresh(refreshToken));

    const [call] = oauth.calls;
    expect(call).toMatchObject({ method: 'POST', path: '/oauth/token', status: 200 });
    expect(call!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call!.headers.authorization).toBe(basicAuthorization(client.clientId, client.clientSecret));
    expect(Object.fromEntries(new URLSearchParams(call!.body as string))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(tokens.accessToken.split('.')).toHaveLength(3);
    expect(tokens.refreshToken).toMatch(/^rt_/);
    expect(tokens.refreshToken).not.toBe(refreshToken);
    expect(tokens.expiresAt).toBeGreaterThanOrEqual(before + 600_000);
    expect(tokens.expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);
  });

  it('puts client_id and client_secret in the body with client_secret_post, and sends no Authorization header', async () => {
    const { refreshToken } = oauth.seedGrant();

    await requestToken(
      { url: oauth.tokenUrl, clientAuth: 'client_secret_post' },
      client,
      refresh(refreshToken),
    );

    const [call] = oauth.calls;
    expect(call!.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(call!.body as string))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
  });

  it('form-encodes the client id and secret before base64 (RFC 6749 §2.3.1), so ":" and non-ASCII survive', async () => {
    const { refreshToken } = oauth.seedGrant(WEIRD_CLIENT.clientId);

    const tokens = await requestToken({ url: oauth.tokenUrl }, WEIRD_CLIENT, refresh(refreshToken));

    expect(tokens.accessToken).toBeTruthy();
    expect(Buffer.from(basicAuthorization('my client', 's3cr:t').slice(6), 'base64').toString()).toBe(
      'my+client:s3cr%3At',
    );
  });

  it('exchanges an authorization code with its redirect_uri and PKCE code_verifier', async () => {
    const verifier = 'v'.repeat(43);
    const challenge = (await import('node:crypto')).createHash('sha256').update(verifier).digest('base64url');
    const authorize = new URL(oauth.authorizeUrl);
    Object.entries({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: 'http://127.0.0.1:5555/callback',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 's1',
    }).forEach(([k, v]) => authorize.searchParams.set(k, v));
    const redirect = await fetch(authorize, { redirect: 'manual' });
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;

    const tokens = await requestToken({ url: oauth.tokenUrl }, client, {
      type: 'authorization_code',
      code,
      redirectUri: 'http://127.0.0.1:5555/callback',
      codeVerifier: verifier,
    });

    expect(
      Object.fromEntries(new URLSearchParams(oauth.callsFor('/oauth/token')[0]!.body as string)),
    ).toEqual({
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://127.0.0.1:5555/callback',
      code_verifier: verifier,
    });
    expect(tokens.refreshToken).toMatch(/^rt_/);
  });

  it('turns invalid_grant into a transient AuthorizationLostError with a long retry, never quoting the token', async () => {
    const { refreshToken } = oauth.seedGrant();
    oauth.failNext(1, {
      status: 400,
      body: { error: 'invalid_grant', error_description: `refresh token ${refreshToken} was revoked` },
    });

    const error = await requestToken({ url: oauth.tokenUrl }, client, refresh(refreshToken)).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(AuthorizationLostError);
    expect(error).toMatchObject({
      transient: true,
      reason: 'crm-authorization-lost',
      status: 400,
      code: 'invalid_grant',
      retryAfterMs: OPERATOR_RETRY_MS,
    });
    expect(String((error as Error).message)).toContain('invalid_grant');
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain(refreshToken);
  });

  it('answers invalid_grant for a rotated refresh token (the simulator revokes the grant)', async () => {
    const { refreshToken } = oauth.seedGrant();
    await requestToken({ url: oauth.tokenUrl }, client, refresh(refreshToken));

    const error = await requestToken({ url: oauth.tokenUrl }, client, refresh(refreshToken)).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(AuthorizationLostError);
    expect(oauth.stats().reuseRevocations).toBeGreaterThan(0);
  });

  it('turns a wrong client secret (401 invalid_client) into a TokenRequestRefusedError for the operator', async () => {
    const { refreshToken } = oauth.seedGrant();

    const error = await requestToken(
      { url: oauth.tokenUrl },
      { ...client, clientSecret: 'wrong-secret' },
      refresh(refreshToken),
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TokenRequestRefusedError);
    expect(error).toMatchObject({
      status: 401,
      code: 'invalid_client',
      reason: 'crm-token-refused',
      transient: true,
    });
    expect((error as Error).message).not.toContain('wrong-secret');
  });

  it.each([
    [400, 'http_400'],
    [401, 'invalid_client'],
    [403, 'http_403'],
  ])('treats a %i without an RFC 6749 error body as refused (%s)', async (status, code) => {
    oauth.failNext(1, { status, body: '<html>denied</html>' });

    const error = await requestToken({ url: oauth.tokenUrl }, client, refresh('rt')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TokenRequestRefusedError);
    expect(error).toMatchObject({ code });
  });

  it('keeps 5xx and 429 transient, with Retry-After', async () => {
    oauth.failNext(1, { status: 503, body: { error: 'temporarily_unavailable' } });
    oauth.failNext(1, { status: 429, body: {}, headers: { 'retry-after': '7' } });

    const first = await requestToken({ url: oauth.tokenUrl }, client, refresh('rt')).catch((e: unknown) => e);
    const second = await requestToken({ url: oauth.tokenUrl }, client, refresh('rt')).catch(
      (e: unknown) => e,
    );

    expect(first).toBeInstanceOf(ApiServerError);
    expect(second).toBeInstanceOf(ApiRateLimitedError);
    expect(second).toMatchObject({ retryAfterMs: 7_000, transient: true });
  });

  it('rejects a 2xx without an access token, or with a token type other than Bearer, as a server fault', async () => {
    oauth.failNext(1, { status: 200, body: { token_type: 'Bearer' } });
    oauth.failNext(1, { status: 200, body: { access_token: 'a.b.c', token_type: 'mac' } });

    const missing = await requestToken({ url: oauth.tokenUrl }, client, refresh('rt')).catch(
      (e: unknown) => e,
    );
    const mac = await requestToken({ url: oauth.tokenUrl }, client, refresh('rt')).catch((e: unknown) => e);

    expect(missing).toBeInstanceOf(ApiServerError);
    expect(mac).toBeInstanceOf(ApiServerError);
    expect((mac as Error).message).toContain('not Bearer');
  });

  it('reads expires_in given as a string, and assumes the default lifetime when it is missing', async () => {
    oauth.failNext(1, {
      status: 200,
      body: { access_token: 'a.b.c', token_type: 'bearer', expires_in: '120' },
    });
    oauth.failNext(1, { status: 200, body: { access_token: 'a.b.c', token_type: 'Bearer' } });
    const now = () => 1_000_000;

    const given = await requestToken({ url: oauth.tokenUrl }, client, refresh('rt'), { now });
    const missing = await requestToken({ url: oauth.tokenUrl }, client, refresh('rt'), {
      now,
      defaultExpiresInSeconds: 60,
    });

    expect(given).toEqual({ accessToken: 'a.b.c', expiresAt: 1_120_000 });
    expect(missing.expiresAt).toBe(1_060_000);
  });

  it('reports a connection failure and a timeout as transient network errors', async () => {
    oauth.failNext(1, { status: 200, body: {}, delayMs: 2_000 });

    const timeout = await requestToken({ url: oauth.tokenUrl, timeoutMs: 100 }, client, refresh('rt')).catch(
      (e: unknown) => e,
    );
    const refused = await requestToken(
      { url: 'http://127.0.0.1:9/oauth/token' },
      client,
      refresh('rt'),
    ).catch((e: unknown) => e);

    expect(timeout).toBeInstanceOf(ApiTimeoutError);
    expect(refused).toBeInstanceOf(ApiNetworkError);
    expect((refused as Error).message).toContain('ECONNREFUSED');
  });
});

// The CRO OAuth simulator's rules, over real HTTP: what it refuses and how (RFC 6749 §4.1.2.1, §5.2, §2.3.1,
// RFC 7636, RFC 8252 §7.3), and how its tokens expire, rotate and are revoked — the behaviour the token
// provider and `crm-sync auth` are tested against.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  type CroOAuthSimulator,
  type CroSimulator,
  DEFAULT_CRO_CLIENT,
  startCroOAuthSimulator,
  startCroSimulator,
} from '../../../lib/local/simulators/index.ts';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import { basicAuthorization } from '../../../lib/oauth/tokenEndpoint.ts';

const { clientId, clientSecret } = DEFAULT_CRO_CLIENT;
const VERIFIER = 'a'.repeat(50);
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

describe('CRO OAuth simulator', () => {
  let oauth: CroOAuthSimulator;
  let cro: CroSimulator;

  beforeAll(async () => {
    oauth = await startCroOAuthSimulator({ accessTokenTtlSeconds: 600 });
    cro = await startCroSimulator({ acceptToken: (t) => oauth.isAccessTokenValid(t) });
    cro.seedCustomers([croCustomer({ id: 1 })]);
  });
  afterAll(async () => {
    await Promise.all([oauth.stop(), cro.stop()]);
  });
  beforeEach(() => {
    oauth.setAccessTokenTtl(600);
  });

  const authorize = (params: Record<string, string>) => {
    const url = new URL(oauth.authorizeUrl);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return fetch(url, { redirect: 'manual' });
  };
  const validAuthorize = (redirectUri = 'http://127.0.0.1:8765/callback') =>
    authorize({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      state: 'st',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
    });
  const token = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(oauth.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuthorization(clientId, clientSecret),
        ...headers,
      },
      body: new URLSearchParams(form).toString(),
    });
  const refresh = async (refreshToken: string) =>
    token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  const customer = (accessToken: string) =>
    fetch(`${cro.url}/customers/1`, {
      headers: { authorization: `Bearer ${accessToken}`, 'x-tenant-id': '42' },
    });

  it('redirects to a registered loopback callback on any port with the code and the state', async () => {
    const response = await validAuthorize();

    const location = new URL(response.headers.get('location')!);
    expect(response.status).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:8765/callback');
    expect(location.searchParams.get('state')).toBe('st');
    expect(location.searchParams.get('code')).toMatch(/^code_/);
  });

  it('never redirects for an unknown client or an unregistered redirect URI (the user is told)', async () => {
    const unknown = await authorize({
      response_type: 'code',
      client_id: 'nobody',
      redirect_uri: 'http://127.0.0.1/callback',
    });
    const elsewhere = await validAuthorize('https://attacker.example/callback');

    expect([unknown.status, elsewhere.status]).toEqual([400, 400]);
    expect(unknown.headers.get('location')).toBeNull();
    expect(elsewhere.headers.get('location')).toBeNull();
  });

  it('redirects errors it may redirect: an unsupported response_type or code_challenge_method', async () => {
    const implicit = await authorize({
      response_type: 'token',
      client_id: clientId,
      redirect_uri: 'http://127.0.0.1/callback',
      state: 's',
    });
    const method = await authorize({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: 'http://127.0.0.1/callback',
      code_challenge: 'x',
      code_challenge_method: 'S512',
    });

    expect(new URL(implicit.headers.get('location')!).searchParams.get('error')).toBe(
      'unsupported_response_type',
    );
    expect(new URL(implicit.headers.get('location')!).searchParams.get('state')).toBe('s');
    expect(new URL(method.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('exchanges a code once, with the PKCE verifier and the same redirect URI; a second use revokes what it granted', async () => {
    const code = new URL((await validAuthorize()).headers.get('location')!).searchParams.get('code')!;
    const exchange = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://127.0.0.1:8765/callback',
      code_verifier: VERIFIER,
    };

    const wrongVerifier = await token({ ...exchange, code_verifier: 'b'.repeat(50) });
    const first = await token(exchange);
    const tokens = (await first.json()) as {
      access_token: string;
      refresh_token: string;
      token_type: string;
      expires_in: number;
    };
    const again = await token(exchange);

    expect(wrongVerifier.status).toBe(400);
    expect(await wrongVerifier.json()).toMatchObject({ error: 'invalid_grant' });
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(tokens).toMatchObject({
      token_type: 'Bearer',
      expires_in: 600,
      refresh_token: expect.stringMatching(/^rt_/),
    });
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await customer(tokens.access_token)).status).toBe(401);
  });

  it('rotates the refresh token on every use; a rotated one sent again revokes the grant and its access tokens', async () => {
    const { refreshToken } = oauth.seedGrant();
    const first = (await (await refresh(refreshToken)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    expect((await customer(first.access_token)).status).toBe(200);

    const reuse = await refresh(refreshToken);
    const successor = await refresh(first.refresh_token);

    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
    expect(await successor.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await customer(first.access_token)).status).toBe(401);
  });

  it('lets access tokens expire (the CRO API answers 401 after expires_in)', async () => {
    oauth.setAccessTokenTtl(0);
    const { refreshToken } = oauth.seedGrant();
    const { access_token } = (await (await refresh(refreshToken)).json()) as { access_token: string };

    expect(access_token.split('.')).toHaveLength(3);
    expect((await customer(access_token)).status).toBe(401);
  });

  it('revokes every grant on demand (the console fault): refresh tokens answer invalid_grant', async () => {
    const { refreshToken } = oauth.seedGrant();

    expect(oauth.revokeGrants()).toBeGreaterThan(0);
    expect(await (await refresh(refreshToken)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('authenticates the client by Basic or in the body, never both; refuses a wrong secret with 401 and WWW-Authenticate', async () => {
    const { refreshToken } = oauth.seedGrant();
    const both = await token({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: clientId,
      client_secret: clientSecret,
    });
    const wrong = await token(
      { grant_type: 'refresh_token', refresh_token: refreshToken },
      { authorization: basicAuthorization(clientId, 'wrong') },
    );

    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({ error: 'invalid_request' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('takes form bodies only, each parameter once, and names unsupported grants', async () => {
    const json = await fetch(oauth.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: basicAuthorization(clientId, clientSecret),
      },
      body: JSON.stringify({ grant_type: 'refresh_token' }),
    });
    const repeated = await fetch(oauth.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuthorization(clientId, clientSecret),
      },
      body: 'grant_type=refresh_token&refresh_token=a&refresh_token=b',
    });
    const clientCredentials = await token({ grant_type: 'client_credentials' });

    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
    expect(await repeated.json()).toMatchObject({ error: 'invalid_request' });
    expect(clientCredentials.status).toBe(400);
    expect(await clientCredentials.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});

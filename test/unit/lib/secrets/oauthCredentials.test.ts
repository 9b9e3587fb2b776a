// The credentials secret holding CRO OAuth credentials (`crm`): read, refreshed through the CRO OAuth
// simulator, written back — to a `file:` secret (the local stack) and to Secrets Manager (a thin SDK mock,
// there is no emulator) — keeping the secret's other keys; and the static `crmToken` unchanged.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { croCredentialsProvider } from '../../../../lib/crm/croCredentials.ts';
import {
  type CroOAuthSimulator,
  DEFAULT_CRO_CLIENT,
  startCroOAuthSimulator,
} from '../../../../lib/local/simulators/index.ts';
import {
  createSecretReader,
  createSecretWriter,
  credentialsProvider,
  SecretError,
} from '../../../../lib/secrets/index.ts';

const CLIENT = { clientId: DEFAULT_CRO_CLIENT.clientId, clientSecret: DEFAULT_CRO_CLIENT.clientSecret };

describe('credentials with the crm OAuth object', () => {
  let oauth: CroOAuthSimulator;
  let dir: string;
  let path: string;

  beforeAll(async () => {
    oauth = await startCroOAuthSimulator({ accessTokenTtlSeconds: 600 });
  });
  afterAll(() => oauth.stop());
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crm-sync-oauth-'));
    path = join(dir, 'credentials.json');
    oauth.clearCalls();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const config = (tokenUrl: string | null = oauth.tokenUrl) => ({
    credentialsSecretId: `file:${path}`,
    crmTenantId: 42,
    crmOAuth: { clientAuth: 'client_secret_basic' as const, ...(tokenUrl !== null && { tokenUrl }) },
  });

  it('refreshes, writes the rotated refresh token and the access token into the file, and keeps the other keys', async () => {
    const { refreshToken } = oauth.seedGrant();
    await writeFile(
      path,
      JSON.stringify({ invisibleCollectorToken: 'ic', crm: { ...CLIENT, refreshToken }, note: 'kept' }),
    );

    const token = await croCredentialsProvider(config()).crmToken();

    const stored = JSON.parse(await readFile(path, 'utf8'));
    expect(stored.invisibleCollectorToken).toBe('ic');
    expect(stored.note).toBe('kept');
    expect(stored.crm).toMatchObject({
      ...CLIENT,
      accessToken: token,
      accessTokenExpiresAt: expect.any(String),
    });
    expect(stored.crm.refreshToken).not.toBe(refreshToken);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('prefers the crm object to a crmToken left in the same secret', async () => {
    const { refreshToken } = oauth.seedGrant();
    await writeFile(
      path,
      JSON.stringify({ invisibleCollectorToken: 'ic', crmToken: 'static', crm: { ...CLIENT, refreshToken } }),
    );

    expect(await croCredentialsProvider(config()).crmToken()).not.toBe('static');
  });

  it('keeps serving a static crmToken without any token endpoint', async () => {
    await writeFile(path, JSON.stringify({ invisibleCollectorToken: 'ic', crmToken: 'static' }));

    expect(await croCredentialsProvider(config(null)).crmToken()).toBe('static');
    expect(oauth.calls).toHaveLength(0);
  });

  it('says CRM_TOKEN_URL is missing when the secret holds OAuth credentials but no endpoint is configured', async () => {
    await writeFile(
      path,
      JSON.stringify({ invisibleCollectorToken: 'ic', crm: { ...CLIENT, refreshToken: 'rt-secret' } }),
    );

    const error = await croCredentialsProvider(config(null))
      .crmToken()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecretError);
    expect((error as Error).message).toContain('CRM_TOKEN_URL');
  });

  it('names the bad OAuth keys without printing any value', async () => {
    await writeFile(
      path,
      JSON.stringify({
        invisibleCollectorToken: 'ic',
        crm: { clientId: 'c', clientSecret: '', refreshToken: 'rt-secret-value' },
      }),
    );

    const error = await credentialsProvider(`file:${path}`)
      .crmToken()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecretError);
    expect((error as Error).message).toContain('crm.clientSecret');
    expect((error as Error).message).not.toContain('rt-secret-value');
  });

  it('picks up a grant written by `crm-sync auth` after a 401 on the static token', async () => {
    await writeFile(path, JSON.stringify({ invisibleCollectorToken: 'ic', crmToken: 'static' }));
    const credentials = croCredentialsProvider(config());
    expect(await credentials.crmToken()).toBe('static');
    const { refreshToken } = oauth.seedGrant();
    await writeFile(
      path,
      JSON.stringify({ invisibleCollectorToken: 'ic', crm: { ...CLIENT, refreshToken } }),
    );

    expect(await credentials.crmToken({ forceRefresh: true })).not.toBe('static');
  });
});

describe('Secrets Manager write-back (SDK mock: no emulator)', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  let oauth: CroOAuthSimulator;
  beforeAll(async () => {
    oauth = await startCroOAuthSimulator();
  });
  afterAll(() => oauth.stop());
  beforeEach(() => {
    secretsManager.reset();
  });

  it('puts the new secret version (other keys kept) before the access token is handed out', async () => {
    const { refreshToken } = oauth.seedGrant();
    let current = JSON.stringify({ invisibleCollectorToken: 'ic', crm: { ...CLIENT, refreshToken } });
    const order: string[] = [];
    secretsManager.on(GetSecretValueCommand).callsFake(async () => ({ SecretString: current }));
    secretsManager.on(PutSecretValueCommand).callsFake(async (input: { SecretString: string }) => {
      order.push('put');
      current = input.SecretString;
      return { VersionId: 'v2' };
    });
    const credentials = croCredentialsProvider(
      {
        credentialsSecretId: 'crm-sync/credentials',
        crmTenantId: 42,
        crmOAuth: { tokenUrl: oauth.tokenUrl, clientAuth: 'client_secret_basic' },
      },
      {
        reader: createSecretReader({ client }),
        oauthReader: createSecretReader({ client, ttlMs: 0, minRefreshIntervalMs: 0 }),
        writer: createSecretWriter({ client }),
      },
    );

    const token = await credentials.crmToken().then((t) => (order.push('token'), t));

    expect(order).toEqual(['put', 'token']);
    const put = secretsManager.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
    expect(put.SecretId).toBe('crm-sync/credentials');
    const written = JSON.parse(put.SecretString!);
    expect(written).toMatchObject({ invisibleCollectorToken: 'ic', crm: { ...CLIENT, accessToken: token } });
    expect(written.crm.refreshToken).not.toBe(refreshToken);
  });

  it('reports a refused PutSecretValue as a SecretError naming the secret, not the value', async () => {
    secretsManager.on(PutSecretValueCommand).rejects(
      new SecretsManagerServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'no',
        $metadata: {},
      }),
    );

    const error = await createSecretWriter({ client })(
      'crm-sync/credentials',
      '{"crm":{"refreshToken":"rt-x"}}',
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecretError);
    expect((error as Error).message).toMatch(
      /crm-sync\/credentials.*cannot be written \(AccessDeniedException\)/,
    );
    expect((error as Error).message).not.toContain('rt-x');
  });
});

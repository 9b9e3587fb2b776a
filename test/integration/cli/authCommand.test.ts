// `crm-sync auth` end to end against the CRO OAuth simulator: a real HTTP client plays the browser (it follows
// the authorize redirect to the command's callback server), `--manual` reads from a piped stdin, and the
// secret is a `file:` secret (`--local`) or Secrets Manager (a thin SDK mock: no emulator) found by id or
// through a stack's outputs (a CloudFormation stub speaking the real protocol).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { AuthIo } from '../../../lib/cli/authCommand.ts';
import { runCli } from '../../../lib/cli/program.ts';
import {
  type CroOAuthSimulator,
  DEFAULT_CRO_CLIENT,
  startCroOAuthSimulator,
} from '../../../lib/local/simulators/index.ts';
import { startCloudFormationStub } from '../replay/cloudFormationStub.ts';

const CLIENT = { clientId: DEFAULT_CRO_CLIENT.clientId, clientSecret: DEFAULT_CRO_CLIENT.clientSecret };

/** A secret already holding a grant: `crm-sync auth` replaces its refresh token and keeps the rest. */
const AUTHORIZED = { invisibleCollectorToken: 'ic', crm: { ...CLIENT, refreshToken: 'rt_old' } };
const storedRefreshToken = async (file: string): Promise<string> =>
  (JSON.parse(await readFile(file, 'utf8')) as { crm: { refreshToken: string } }).crm.refreshToken;

let oauth: CroOAuthSimulator;
let cwd: string;

beforeAll(async () => {
  oauth = await startCroOAuthSimulator();
});
afterAll(async () => {
  await oauth.stop();
});
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'crm-sync-auth-'));
  oauth.clearCalls();
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** Captured streams; `url()` resolves with the first authorize URL the command prints. */
function terminal(overrides: Partial<AuthIo> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  let announce: (url: string) => void;
  const printed = new Promise<string>((resolve) => (announce = resolve));
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const match = /^(https?:\/\/\S+\/oauth\/authorize\S*)$/m.exec(out);
    if (match) announce(match[1]!);
  });
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const io: AuthIo = { stdout, stderr, stdin, cwd, env: {}, ...overrides };
  return { io, stdin, url: () => printed, out: () => out, err: () => err };
}

/** What `npm start` leaves for tools: stack.json naming the secret and the OAuth endpoints, and the secret. */
async function localStackFiles(secret: object) {
  await mkdir(join(cwd, '.local'), { recursive: true });
  const credentials = join(cwd, '.local', 'credentials.json');
  await writeFile(credentials, JSON.stringify(secret));
  await writeFile(
    join(cwd, '.local', 'stack.json'),
    JSON.stringify({
      webhookUrl: 'http://127.0.0.1:3000/webhook',
      queueUrl: 'http://127.0.0.1:1/q',
      dlqUrl: 'http://127.0.0.1:1/dlq',
      sqsEndpoint: 'http://127.0.0.1:1',
      tenantId: 42,
      webhookSecretId: 'file:x',
      credentialsSecretId: `file:${credentials}`,
      crmTokenUrl: oauth.tokenUrl,
      crmAuthorizeUrl: oauth.authorizeUrl,
    }),
  );
  return credentials;
}

describe('crm-sync auth (callback on 127.0.0.1)', () => {
  it('--local: PKCE S256 and state in the authorize URL, the callback catches the code, the crm object lands in the file with the other keys kept', async () => {
    const file = await localStackFiles(AUTHORIZED);
    const t = terminal();

    const exit = runCli(['auth', '--local'], t.io);
    const url = new URL(await t.url());
    const browser = await fetch(url); // follows the redirect to the command's callback server
    const code = await exit;

    expect(code).toBe(0);
    expect(browser.status).toBe(200);
    expect(await browser.text()).toContain('authorized');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const stored = JSON.parse(await readFile(file, 'utf8'));
    expect(stored.invisibleCollectorToken).toBe('ic');
    expect(stored.crm).toMatchObject({
      ...CLIENT,
      accessToken: expect.any(String),
      accessTokenExpiresAt: expect.any(String),
    });
    expect(stored.crm.refreshToken).toMatch(/^rt_/);
    expect(stored.crm.refreshToken).not.toBe('rt_old');
    expect(oauth.stats().codeExchanges).toBeGreaterThan(0);
    expect(t.out() + t.err()).not.toContain(stored.crm.refreshToken);
    expect(t.out() + t.err()).not.toContain(stored.crm.accessToken);
  });

  it('refuses a callback whose state does not match, and keeps waiting for the real one', async () => {
    await localStackFiles(AUTHORIZED);
    const t = terminal();

    const exit = runCli(['auth', '--local'], t.io);
    const url = new URL(await t.url());
    const callback = new URL(url.searchParams.get('redirect_uri')!);
    callback.searchParams.set('code', 'forged');
    callback.searchParams.set('state', 'not-the-state');
    const forged = await fetch(callback);
    await fetch(url);

    expect(forged.status).toBe(400);
    expect(await exit).toBe(0);
    expect(
      oauth.callsFor('/oauth/token').map((c) => new URLSearchParams(c.body as string).get('code')),
    ).not.toContain('forged');
  });

  it('reports a refusal on the authorize page (access_denied) and writes nothing', async () => {
    const denying = await startCroOAuthSimulator({ consent: 'deny' });
    const file = await localStackFiles(AUTHORIZED);
    const t = terminal({ env: { CRM_AUTHORIZE_URL: denying.authorizeUrl } });
    try {
      const exit = runCli(['auth', '--local', '--authorize-url', denying.authorizeUrl], t.io);
      await fetch(await t.url());

      expect(await exit).toBe(1);
      expect(t.err()).toContain('access_denied');
      expect(await storedRefreshToken(file)).toBe('rt_old');
    } finally {
      await denying.stop();
    }
  });

  it('says what is missing when no client secret is known', async () => {
    await localStackFiles({ invisibleCollectorToken: 'ic', crmToken: 'static' });
    const t = terminal();

    expect(await runCli(['auth', '--local', '--client-id', 'c'], t.io)).toBe(2);
    expect(t.err()).toContain('CRM_CLIENT_SECRET');
  });
});

describe('crm-sync auth --manual', () => {
  it('reads the whole redirect URL from stdin, checks its state and exchanges the code', async () => {
    const file = await localStackFiles(AUTHORIZED);
    const t = terminal();

    const exit = runCli(['auth', '--local', '--manual'], t.io);
    const page = await fetch(await t.url(), { redirect: 'manual' });
    const landing = page.headers.get('location')!;
    t.stdin.end(`${landing}\n`);

    expect(await exit).toBe(0);
    expect(new URL(landing).origin + new URL(landing).pathname).toBe('http://127.0.0.1/callback');
    expect(await storedRefreshToken(file)).not.toBe('rt_old');
  });

  it('accepts the bare code too', async () => {
    const file = await localStackFiles(AUTHORIZED);
    const t = terminal();

    const exit = runCli(['auth', '--local', '--manual'], t.io);
    const page = await fetch(await t.url(), { redirect: 'manual' });
    t.stdin.end(`\n${new URL(page.headers.get('location')!).searchParams.get('code')}\n`);

    expect(await exit).toBe(0);
    expect(await storedRefreshToken(file)).not.toBe('rt_old');
  });

  it('refuses a pasted redirect URL of another authorization (state mismatch)', async () => {
    await localStackFiles(AUTHORIZED);
    const t = terminal();

    const exit = runCli(['auth', '--local', '--manual'], t.io);
    await t.url();
    t.stdin.end('http://127.0.0.1/callback?code=abc&state=other\n');

    expect(await exit).toBe(2);
    expect(t.err()).toContain('state mismatch');
  });
});

describe('crm-sync auth on AWS (Secrets Manager: SDK mock)', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  beforeEach(() => {
    secretsManager.reset();
  });
  afterAll(() => secretsManager.restore());

  it('--stack: finds the secret in the stack outputs, keeps its other keys, writes a new version', async () => {
    let current = JSON.stringify({ invisibleCollectorToken: 'ic', crmToken: 'static' });
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'crm-sync/credentials' })
      .callsFake(async () => ({ SecretString: current }));
    secretsManager.on(PutSecretValueCommand).callsFake(async (input: { SecretString: string }) => {
      current = input.SecretString;
      return {};
    });
    const stub = await startCloudFormationStub({
      name: 'CrmSync',
      outputs: { CredentialsSecretId: 'crm-sync/credentials', CrmTokenUrl: oauth.tokenUrl },
    });
    const t = terminal({
      env: {
        CRM_CLIENT_ID: CLIENT.clientId,
        CRM_CLIENT_SECRET: CLIENT.clientSecret,
        CRM_AUTHORIZE_URL: oauth.authorizeUrl,
      },
      cloudFormation: (config) =>
        new CloudFormationClient({
          ...config,
          region: 'eu-west-1',
          endpoint: stub.endpoint,
          credentials: { accessKeyId: 'a', secretAccessKey: 's' },
        }),
      secretsManager: () => new SecretsManagerClient({ region: 'eu-west-1' }),
    });
    try {
      const exit = runCli(['auth', '--stack', 'CrmSync'], t.io);
      await fetch(await t.url());

      expect(await exit).toBe(0);
      const put = secretsManager.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
      expect(put.SecretId).toBe('crm-sync/credentials');
      const written = JSON.parse(put.SecretString!);
      expect(written).toMatchObject({ invisibleCollectorToken: 'ic', crmToken: 'static', crm: CLIENT });
      expect(written.crm.refreshToken).toMatch(/^rt_/);
      expect(t.out()).toContain('crm-sync/credentials');
    } finally {
      await stub.stop();
    }
  });

  it('needs exactly one target', async () => {
    const t = terminal();

    expect(await runCli(['auth', '--local', '--secret-id', 'x'], t.io)).toBe(2);
    expect(t.err()).toContain('--secret-id');
  });
});

// `crm-sync doctor` against a running local stack (npm start's startLocalStack: fauxqs queues, both API
// simulators, `file:` secrets), healthy and then broken one part at a time; and `--stack` through a real
// CloudFormation client (a DescribeStacks stub) with Secrets Manager mocked thinly (no emulator exists).
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../../lib/cli/program.ts';
import type { DoctorIo } from '../../../lib/cli/doctorCommand.ts';
import { LOCAL_CREDENTIALS } from '../../../lib/local/localSqs.ts';
import { DEFAULT_CRO_TOKEN, DEFAULT_IC_TOKEN } from '../../../lib/local/simulators/index.ts';
import { type LocalStack, startLocalStack } from '../../../lib/local/startLocalStack.ts';
import { buildBundles } from '../local-stack/buildBundles.ts';
import { startCloudFormationStub } from '../replay/cloudFormationStub.ts';

const ROOT = resolve('.local/test-doctor');
const CWD = join(ROOT, 'healthy');

let stack: LocalStack;

beforeAll(async () => {
  const distDir = await buildBundles('test-doctor');
  // A static CRO token: the API probes can use it (the OAuth case has its own stack below).
  stack = await startLocalStack({ port: 0, localDir: join(CWD, '.local'), distDir, crmAuth: 'static' });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await rm(ROOT, { recursive: true, force: true });
});

function capture(cwd: string, overrides: Partial<DoctorIo> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { io: { stdout, stderr, cwd, ...overrides } satisfies DoctorIo, out: () => out, err: () => err };
}

/** A project folder whose `.local/stack.json` is the running stack's, changed by `edit`. */
async function variant(name: string, edit: (file: Record<string, unknown>) => Record<string, unknown>) {
  const cwd = join(ROOT, name);
  await mkdir(join(cwd, '.local'), { recursive: true });
  const file = JSON.parse(await readFile(stack.stackFile, 'utf8')) as Record<string, unknown>;
  await writeFile(join(cwd, '.local', 'stack.json'), JSON.stringify(edit(file)));
  return cwd;
}

/** A file secret under ROOT holding `text`; its `file:` id. */
async function fileSecret(name: string, text: string): Promise<string> {
  const path = join(ROOT, name);
  await mkdir(ROOT, { recursive: true });
  await writeFile(path, text);
  return `file:${path}`;
}

/** A TCP port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const line = (out: string, check: string) => out.split('\n').find((l) => l.slice(2).startsWith(check)) ?? '';
const fixAfter = (out: string, check: string) => {
  const lines = out.split('\n');
  return lines[lines.indexOf(line(out, check)) + 1] ?? '';
};

describe('crm-sync doctor --local', () => {
  it('passes every check on a healthy local stack, and exits 0', async () => {
    const { io, out } = capture(CWD);

    const code = await runCli(['doctor', '--local'], io);

    expect(code).toBe(0);
    const checks = out()
      .split('\n')
      .filter((l) => /^[✓✗] /.test(l));
    expect(checks.map((l) => l.slice(0, 1))).toEqual(['✓', '✓', '✓', '✓', '✓', '✓']);
    expect(line(out(), 'credentials secret')).toContain('JSON with invisibleCollectorToken and crmToken');
    expect(line(out(), 'webhook secret')).toContain('1 whsec_ secret(s)');
    expect(line(out(), 'Invisible Collector API')).toContain('GET /customers/find answered 200');
    expect(line(out(), 'CRO API')).toContain('answered 404 (no such customer) for tenant 42');
    expect(line(out(), 'event queue')).toContain('redrives to the DLQ after 21 receives; visibility 360 s');
    expect(line(out(), 'dead-letter queue')).toContain('retention 1209600 s');
    // The command that inspects this stack's DLQ: without a target, `crm-sync dlq` stops at a usage error.
    expect(line(out(), 'dead-letter queue')).toContain('(npx crm-sync dlq --local to inspect)');
    expect(out()).toMatch(/All checks passed\.\n$/);
  });

  it('reports a credentials secret with a missing token, without probing the APIs, and exits 1', async () => {
    const credentialsSecretId = await fileSecret('bad-credentials.json', '{"invisibleCollectorToken":"x"}');
    const cwd = await variant('broken-secret', (file) => ({ ...file, credentialsSecretId }));
    const { io, out } = capture(cwd);

    const code = await runCli(['doctor', '--local'], io);

    expect(code).toBe(1);
    expect(line(out(), 'credentials secret')).toMatch(/^✗ .*is missing or has empty keys: crmToken/);
    expect(fixAfter(out(), 'credentials secret')).toContain('fix: write {"invisibleCollectorToken"');
    expect(line(out(), 'Invisible Collector API')).toMatch(/^✗ .*not probed: no usable credentials secret/);
    expect(line(out(), 'CRO API')).toMatch(/^✗ /);
    expect(out()).not.toContain('"x"');
    expect(out()).toMatch(/3 of 6 checks failed\.\n$/);
  });

  it('reports a webhook secret that holds no whsec_ value', async () => {
    const webhookSecretId = await fileSecret('bad-webhook-secret', 'not-a-secret');
    const cwd = await variant('broken-webhook-secret', (file) => ({ ...file, webhookSecretId }));
    const { io, out } = capture(cwd);

    expect(await runCli(['doctor', '--local'], io)).toBe(1);
    expect(line(out(), 'webhook secret')).toMatch(/^✗ .*one or more Standard Webhooks secrets/);
    expect(out()).not.toContain('not-a-secret');
  });

  it('reports an unreachable Invisible Collector with the URL to check, CRO still fine', async () => {
    const port = await closedPort();
    const cwd = await variant('unreachable-ic', (file) => ({
      ...file,
      icApiUrl: `http://127.0.0.1:${port}`,
    }));
    const { io, out } = capture(cwd);

    expect(await runCli(['doctor', '--local'], io)).toBe(1);
    expect(line(out(), 'Invisible Collector API')).toMatch(
      new RegExp(`^✗ .*http://127\\.0\\.0\\.1:${port} is unreachable \\(ECONNREFUSED\\)`),
    );
    expect(fixAfter(out(), 'Invisible Collector API')).toContain('fix: check icApiUrl in .local/stack.json');
    expect(line(out(), 'CRO API')).toMatch(/^✓ /);
  });

  it('reports the token an API refuses, naming the key and the secret to fix', async () => {
    const credentialsSecretId = await fileSecret(
      'wrong-token.json',
      JSON.stringify({ invisibleCollectorToken: DEFAULT_IC_TOKEN, crmToken: 'revoked-token' }),
    );
    const cwd = await variant('refused-token', (file) => ({ ...file, credentialsSecretId }));
    const { io, out } = capture(cwd);

    expect(await runCli(['doctor', '--local'], io)).toBe(1);
    expect(line(out(), 'Invisible Collector API')).toMatch(/^✓ /);
    expect(line(out(), 'CRO API')).toMatch(/^✗ .*refused the token \(401\)/);
    expect(fixAfter(out(), 'CRO API')).toContain(
      `fix: put a valid crmToken for tenant 42 in ${credentialsSecretId}`,
    );
    expect(out()).not.toContain('revoked-token');
  });

  describe('with a queue changed outside its deployment', () => {
    afterEach(async () => {
      await stack.sqs.sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: stack.sqs.queue.url,
          Attributes: { VisibilityTimeout: '360' },
        }),
      );
    });

    it('names the attribute and its expected value', async () => {
      await stack.sqs.sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: stack.sqs.queue.url,
          Attributes: { VisibilityTimeout: '30' },
        }),
      );
      const { io, out } = capture(CWD);

      expect(await runCli(['doctor', '--local'], io)).toBe(1);
      expect(line(out(), 'event queue')).toMatch(/^✗ .*visibility timeout is 30 s, expected 360 s/);
      expect(fixAfter(out(), 'event queue')).toContain('fix: restart npm start');
    });
  });

  it('prints the results as JSON with --json', async () => {
    const { io, out } = capture(CWD);

    expect(await runCli(['doctor', '--local', '--json'], io)).toBe(0);
    const report = JSON.parse(out()) as { results: Array<{ check: string; ok: boolean }> };
    expect(report.results.map((r) => [r.check, r.ok])).toEqual([
      ['credentials secret', true],
      ['webhook secret', true],
      ['Invisible Collector API', true],
      ['CRO API', true],
      ['event queue', true],
      ['dead-letter queue', true],
    ]);
  });

  it('exits 2 with a usage message without a target', async () => {
    const { io, err } = capture(ROOT);

    expect(await runCli(['doctor'], io)).toBe(2);
    expect(err()).toContain('give --stack <name> (a deployed stack) or --local (npm start)');
  });
});

describe('crm-sync doctor --local with CRO OAuth', () => {
  const cwd = join(ROOT, 'oauth');
  let oauthStack: LocalStack;
  beforeAll(async () => {
    oauthStack = await startLocalStack({
      port: 0,
      localDir: join(cwd, '.local'),
      distDir: resolve('.local/test-doctor/functions'),
    });
  }, 60_000);
  afterAll(async () => {
    await oauthStack?.stop();
  });

  it('accepts the crm OAuth object and does not refresh a token to probe CRO (that would rotate the grant)', async () => {
    const { io, out } = capture(cwd);
    const refreshesBefore = oauthStack.croOAuth!.stats().refreshes;

    const code = await runCli(['doctor', '--local'], io);

    expect(line(out(), 'credentials secret')).toMatch(/^✓ .*the crm OAuth credentials/);
    expect(line(out(), 'CRO API')).toMatch(/^– .*not probed: CRO OAuth without a valid stored access token/);
    expect(oauthStack.croOAuth!.stats().refreshes).toBe(refreshesBefore);
    expect(out()).toMatch(/All checks passed\.\n$/);
    expect(code).toBe(0);
  });
});

describe('crm-sync doctor --stack', () => {
  const secrets = mockClient(SecretsManagerClient);
  afterAll(() => secrets.restore());

  async function stubStack() {
    const file = JSON.parse(await readFile(stack.stackFile, 'utf8')) as Record<string, unknown>;
    return startCloudFormationStub({
      name: 'CrmSync-prod',
      outputs: {
        QueueUrl: stack.queueUrl,
        DlqUrl: stack.dlqUrl,
        CredentialsSecretId: 'crm-sync/credentials',
        WebhookSecretId: 'crm-sync/webhook-secret',
        IcApiUrl: stack.icApiUrl,
        CrmApiUrl: stack.crmApiUrl,
        CrmTenantId: String(stack.tenantId),
        QueueSettings: JSON.stringify(file.queueSettings),
      },
    });
  }

  function awsIo(endpoint: string) {
    return capture(ROOT, {
      cloudFormation: () =>
        new CloudFormationClient({
          endpoint,
          region: 'eu-west-1',
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        }),
      secretsManager: () =>
        new SecretsManagerClient({
          region: 'eu-west-1',
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        }),
      // The stack's queues are the emulator's here: its endpoint (--endpoint-url) and any credentials.
      sqsClient: (target) =>
        new SQSClient({ ...target.sqsConfig, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }),
    });
  }

  /** `doctor --stack CrmSync-prod` with the credentials secret answering `credentials` (a value or an error). */
  async function doctorStack(credentials: { SecretString: string } | Error) {
    secrets.reset();
    const onCredentials = secrets.on(GetSecretValueCommand, { SecretId: 'crm-sync/credentials' });
    if (credentials instanceof Error) onCredentials.rejects(credentials);
    else onCredentials.resolves(credentials);
    secrets
      .on(GetSecretValueCommand, { SecretId: 'crm-sync/webhook-secret' })
      .resolves({ SecretString: stack.webhookSecret });
    const cloudFormation = await stubStack();
    try {
      const { io, out } = awsIo(cloudFormation.endpoint);
      const code = await runCli(
        ['doctor', '--stack', 'CrmSync-prod', '--endpoint-url', stack.sqsEndpoint],
        io,
      );
      return { code, out: out(), requests: cloudFormation.requests };
    } finally {
      await cloudFormation.stop();
    }
  }

  it('reads the outputs and the Secrets Manager secrets, and checks everything', async () => {
    const { code, out, requests } = await doctorStack({
      SecretString: JSON.stringify({
        invisibleCollectorToken: DEFAULT_IC_TOKEN,
        crmToken: DEFAULT_CRO_TOKEN,
      }),
    });

    expect(out).toMatch(/^crm-sync doctor: stack CrmSync-prod\n/);
    expect(out).toContain('(npx crm-sync dlq --stack <name> to inspect)');
    expect(code).toBe(0);
    expect(requests).toEqual(['DescribeStacks CrmSync-prod']);
  });

  it('reports a secret it cannot read, with the permission and region to check', async () => {
    const { code, out } = await doctorStack(
      new ResourceNotFoundException({ message: 'not found', $metadata: {} }),
    );

    expect(code).toBe(1);
    expect(line(out, 'credentials secret')).toMatch(
      /^✗ .*crm-sync\/credentials.*cannot be read \(ResourceNotFoundException\)/,
    );
    expect(fixAfter(out, 'credentials secret')).toContain(
      'fix: check that crm-sync/credentials exists in this region and that your credentials may read it',
    );
  });
});

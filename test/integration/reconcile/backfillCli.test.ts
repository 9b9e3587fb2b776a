import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { BackfillIo } from '../../../lib/cli/backfillCommand.ts';
import { runCli } from '../../../lib/cli/program.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalSqs, startLocalSqs } from '../../../lib/local/index.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../lib/local/localDynamo.ts';
import {
  type CroSimulator,
  DEFAULT_CRO_CLIENT,
  DEFAULT_CRO_TOKEN,
  DEFAULT_IC_TOKEN,
  startCroOAuthSimulator,
  startCroSimulator,
} from '../../../lib/local/simulators/index.ts';
import { DynamoCheckpointStore } from '../../../lib/reconcile/checkpointStores.ts';
import { startCloudFormationStub } from '../replay/cloudFormationStub.ts';
import { customerAt } from './reconcileHarness.ts';

const LIST = '/locations/:location_id/customers';

let local: LocalSqs;
let cro: CroSimulator;
let cwd: string;
let queueUrl: string;
let pairs = 0;

beforeAll(async () => {
  local = await startLocalSqs();
});
afterAll(async () => {
  await local.stop();
});
beforeEach(async () => {
  cro = await startCroSimulator({ tenantId: 42 });
  cwd = await mkdtemp(join(tmpdir(), 'crm-sync-backfill-'));
  pairs += 1;
  const pair = await local.createQueuePair({ name: `backfill-${pairs}` });
  queueUrl = `${local.endpoint}/000000000000/${pair.queue.name}`;
  await mkdir(join(cwd, '.local'), { recursive: true });
  const credentials = join(cwd, '.local', 'credentials.json');
  await writeFile(
    credentials,
    JSON.stringify({ invisibleCollectorToken: DEFAULT_IC_TOKEN, crmToken: DEFAULT_CRO_TOKEN }),
  );
  await writeFile(
    join(cwd, '.local', 'stack.json'),
    JSON.stringify({
      webhookUrl: 'http://127.0.0.1:3000/webhook',
      tenantId: 42,
      webhookSecretId: 'file:.local/webhook-secret',
      queueUrl,
      dlqUrl: `${local.endpoint}/000000000000/${pair.dlq.name}`,
      sqsEndpoint: local.endpoint,
      crmApiUrl: cro.url,
      credentialsSecretId: `file:${credentials}`,
      crmVatField: 'locations.0.reference_number',
    }),
  );
});
afterEach(async () => {
  await cro.stop();
  await rm(cwd, { recursive: true, force: true });
});

function capture(overrides: Partial<BackfillIo> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const io: BackfillIo = { stdout, stderr, cwd, env: {}, ...overrides };
  return { io, out: () => out, err: () => err };
}

/** Every message on the queue (received once, kept hidden). */
async function queued(): Promise<Array<{ id: string; customerId: number; type: string }>> {
  const bodies: Array<{ id: string; customerId: number; type: string }> = [];
  for (;;) {
    const { Messages = [] } = await local.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }),
    );
    if (Messages.length === 0) return bodies;
    for (const m of Messages) {
      const event = JSON.parse(m.Body!) as { id: string; type: string; data: { customerId: number } };
      bodies.push({ id: event.id, customerId: event.data.customerId, type: event.type });
    }
  }
}

function seed(locations: Record<number, number>) {
  cro.seedLocations(
    Object.keys(locations).map((id) => ({ id: Number(id), name: `L${id}`, is_active: true })),
  );
  let next = 1;
  for (const [location, count] of Object.entries(locations)) {
    for (let i = 0; i < count; i += 1) cro.upsertCustomer(customerAt(next++, [Number(location)]));
  }
}

describe('crm-sync backfill', () => {
  it('--dry-run prints the customers each location would list, and enqueues nothing', async () => {
    seed({ 1: 3, 2: 2 });
    const { io, out } = capture();

    const code = await runCli(['backfill', '--local', '--dry-run'], io);

    expect(code).toBe(0);
    expect(out()).toMatch(/location\s+listed from\s+customers/);
    expect(out()).toMatch(/1\s+the beginning\s+3/);
    expect(out()).toMatch(/2\s+the beginning\s+2/);
    expect(out()).toContain('5 customer(s) in 2 location(s) would be listed and enqueued.');
    expect(await queued()).toEqual([]);
  });

  it('enqueues every customer (created events with the VAT number) and records the checkpoints', async () => {
    seed({ 1: 3, 2: 2 });
    const { io, out } = capture();

    const code = await runCli(['backfill', '--local', '--json'], io);

    expect(code).toBe(0);
    const summary = JSON.parse(out()) as {
      enqueued: number;
      locations: Array<{ status: string; checkpoint: string }>;
    };
    expect(summary).toMatchObject({ enqueued: 5, interrupted: false });
    expect(summary.locations.map((l) => l.status)).toEqual(['complete', 'complete']);
    const events = await queued();
    expect(events.map((e) => e.customerId).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['crm.customer.created']));
    const file = JSON.parse(await readFile(join(cwd, '.local', 'backfill-checkpoint.json'), 'utf8'));
    expect(file.locations['1'].checkpoint).toBe(summary.locations[0]!.checkpoint);
  });

  it('--since and --location narrow the listing', async () => {
    seed({ 1: 3, 2: 2 });
    const { io } = capture();
    const since = new Date(Date.now() - 3_600_000).toISOString();

    const code = await runCli(['backfill', '--local', '--location', '2', '--since', since], io);

    expect(code).toBe(0);
    expect((await queued()).map((e) => e.customerId).sort()).toEqual([4, 5]);
    expect(cro.callsFor(LIST).every((c) => c.path === '/locations/2/customers')).toBe(true);
    expect(cro.callsFor(LIST)[0]!.query.last_updated_gte).toBe(since.replace('Z', '000'));
    expect(cro.callsFor('/locations')).toEqual([]);
  });

  it('stops after the page in flight on Ctrl-C (exit 130) and resumes from the next page', async () => {
    seed({ 1: 2_500 });
    const interrupt = new AbortController();
    // "Ctrl-C" while the 100th SendMessageBatch (the last of page 1) is on its way.
    const sqs = new SQSClient({
      endpoint: local.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      useQueueUrlAsEndpoint: false,
    });
    let sends = 0;
    sqs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'SendMessageBatchCommand' && ++sends === 100) interrupt.abort();
        return next(args);
      },
      { step: 'initialize', name: 'ctrlC' },
    );
    const first = capture({ interrupt: interrupt.signal, sqsClient: () => sqs });

    const interrupted = await runCli(['backfill', '--local', '--rate', '3000'], first.io);
    const progress = JSON.parse(await readFile(join(cwd, '.local', 'backfill-checkpoint.json'), 'utf8'));
    cro.clearCalls();
    const second = capture();
    const resumed = await runCli(['backfill', '--local', '--rate', '3000'], second.io);

    expect(interrupted).toBe(130);
    expect(first.err()).toContain('run the same command again to resume');
    expect(first.out()).toMatch(/1\s+paused\s+1000\s+1000/);
    expect(JSON.parse(progress.locations['1'].progress)).toMatchObject({ page: 2 });
    expect(resumed).toBe(0);
    expect(second.out()).toMatch(/1\s+complete\s+1500\s+1500/);
    // The dry count, then page 2, the seam re-read of page 1, page 3 and its re-read.
    expect(cro.callsFor(LIST).map((c) => c.query.page_index)).toEqual(['1', '2', '1', '3', '2']);
    const events = await queued();
    expect(events).toHaveLength(2_500);
    expect(new Set(events.map((e) => e.customerId)).size).toBe(2_500);
  });

  describe('with CRO OAuth (the local stack by default)', () => {
    it('refreshes with the grant in the credentials file, writes it back beside the functions (file lease), and lists', async () => {
      const oauth = await startCroOAuthSimulator({ accessTokenTtlSeconds: 600 });
      try {
        await cro.stop();
        cro = await startCroSimulator({ tenantId: 42, acceptToken: (t) => oauth.isAccessTokenValid(t) });
        seed({ 1: 2 });
        const credentials = join(cwd, '.local', 'credentials.json');
        const { clientId, clientSecret } = DEFAULT_CRO_CLIENT;
        const seeded = oauth.seedGrant(clientId).refreshToken;
        await writeFile(
          credentials,
          JSON.stringify({
            invisibleCollectorToken: DEFAULT_IC_TOKEN,
            crm: { clientId, clientSecret, refreshToken: seeded },
          }),
        );
        const stackFile = join(cwd, '.local', 'stack.json');
        const stack = JSON.parse(await readFile(stackFile, 'utf8'));
        await writeFile(
          stackFile,
          JSON.stringify({ ...stack, crmApiUrl: cro.url, crmTokenUrl: oauth.tokenUrl }),
        );
        const { io } = capture();

        expect(await runCli(['backfill', '--local'], io)).toBe(0);
        const stored = JSON.parse(await readFile(credentials, 'utf8'));
        expect(stored.crm.refreshToken).not.toBe(seeded);
        expect(stored.invisibleCollectorToken).toBe(DEFAULT_IC_TOKEN);
        expect(JSON.parse(await readFile(`${credentials}.lease`, 'utf8'))).toMatchObject({
          currentDigest: expect.stringMatching(/^[0-9a-f]{32}$/),
        });
        expect((await queued()).map((e) => e.customerId).sort()).toEqual([1, 2]);

        oauth.revokeGrants();
        cro.touch(1, { name: 'Changed' });
        const after = capture();
        expect(await runCli(['backfill', '--local'], after.io)).toBe(1);
        expect(after.err()).toContain('Run `npx crm-sync auth --local` to authorize again');
        expect(after.err()).toMatch(/crm-sync: AuthorizationLostError: .*invalid_grant/);
        expect(await queued()).toEqual([]);
        for (const secret of [stored.crm.refreshToken, stored.crm.accessToken, clientSecret])
          expect(after.out() + after.err()).not.toContain(secret);
      } finally {
        await oauth.stop();
      }
    });
  });

  describe('--stack', () => {
    let dynamo: LocalDynamo;
    beforeAll(async () => {
      dynamo = await startLocalDynamo();
    });
    afterAll(async () => {
      await dynamo.stop();
    });

    async function stackIo() {
      const stack = JSON.parse(await readFile(join(cwd, '.local', 'stack.json'), 'utf8'));
      const stub = await startCloudFormationStub({
        name: 'CrmSync',
        outputs: {
          QueueUrl: queueUrl,
          StateTableName: dynamo.tableName,
          CrmApiUrl: cro.url,
          CrmTenantId: '42',
          CredentialsSecretId: stack.credentialsSecretId,
        },
      });
      const cloudFormation = () =>
        new CloudFormationClient({
          endpoint: stub.endpoint,
          region: LOCAL_REGION,
          credentials: LOCAL_CREDENTIALS,
        });
      // The operator's own AWS credentials, as the SDK would find them.
      const sqsClient = (target: { sqsConfig: object }) =>
        new SQSClient({ ...target.sqsConfig, credentials: LOCAL_CREDENTIALS });
      return { stub, ...capture({ cloudFormation, dynamo: () => dynamo.client, sqsClient }) };
    }

    it("shares the stack's checkpoint items, and leaves a location another run holds alone (exit 1)", async () => {
      seed({ 1: 2, 2: 1 });
      const held = new DynamoCheckpointStore({
        client: dynamo.client,
        tableName: dynamo.tableName,
        tenantId: 42,
      });
      await held.acquire(2, 'the scheduled function', 60_000);
      const { stub, io, out, err } = await stackIo();

      const code = await runCli(
        ['backfill', '--stack', 'CrmSync', '--region', LOCAL_REGION, '--endpoint-url', local.endpoint],
        io,
      );
      await stub.stop();

      expect(code).toBe(1);
      expect(out()).toMatch(/1\s+complete\s+2\s+2/);
      expect(out()).toMatch(/2\s+busy\s+0\s+0/);
      expect(err()).toContain('location 2 is being listed by another run');
      expect((await held.peek(1)).checkpoint).toMatch(/Z$/);
      expect(stub.requests).toEqual(['DescribeStacks CrmSync']);
    });
  });

  it.each([
    [['--local', '--since', '2999-01-01T00:00:00Z'], /--since .* is in the future/],
    [['--local', '--since', 'yesterday'], /not an ISO 8601 time/],
    [['--crm-url', 'http://127.0.0.1:1'], /give --tenant, --credentials, --to, or --stack <name> or --local/],
    [['--local', '--stack', 'CrmSync'], /either --stack or --local/],
  ])('refuses %j with exit 2', async (args, message) => {
    const { io, err } = capture();

    expect(await runCli(['backfill', ...args], io)).toBe(2);
    expect(err()).toMatch(message);
  });

  it('exits 1 when CRO cannot be listed', async () => {
    seed({ 1: 1 });
    cro.setTokens(['another-token.x.y']);
    const { io, err } = capture();

    expect(await runCli(['backfill', '--local'], io)).toBe(1);
    expect(err()).toMatch(/crm-sync: Api\w+Error/);
    expect(err()).not.toContain(DEFAULT_CRO_TOKEN);
  });
});

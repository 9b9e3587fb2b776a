import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LOCAL_CREDENTIALS, type LocalSqs, startLocalSqs } from '../../../lib/local/index.ts';
import type { CliIo } from '../../../lib/cli/dlqCommands.ts';
import { runCli } from '../../../lib/cli/program.ts';
import { startCloudFormationStub } from './cloudFormationStub.ts';
import { deadLetterByRedrive, deadLetterDirectly, drainQueue, eventBody, eventIds } from './dlqFixtures.ts';
import { failingSends } from './failingSends.ts';

let local: LocalSqs;
let cwd: string;
let pairs = 0;

beforeAll(async () => {
  local = await startLocalSqs();
  cwd = await mkdtemp(join(tmpdir(), 'crm-sync-cli-'));
});
afterAll(async () => {
  await local.stop();
  await rm(cwd, { recursive: true, force: true });
});

/** A queue pair with two dead-lettered events, written to `<cwd>/.local/stack.json` as `npm start` does. */
async function localStackWithDlq() {
  pairs += 1;
  const pair = await local.createQueuePair({ name: `cli-${pairs}`, maxReceiveCount: 2 });
  await deadLetterDirectly(local.sqs, pair, eventBody(1, { id: 'a' }), { reason: 'vat-conflict' });
  await deadLetterByRedrive(local.sqs, pair.queue, eventBody(2, { id: 'b' }));
  await writeStackJson(pair);
  return pair;
}

/** `<cwd>/.local/stack.json` pointing at `pair`, as `npm start` writes it. */
async function writeStackJson(pair: { queue: { url: string }; dlq: { url: string } }) {
  await mkdir(join(cwd, '.local'), { recursive: true });
  await writeFile(
    join(cwd, '.local', 'stack.json'),
    JSON.stringify({
      webhookUrl: 'http://127.0.0.1:3000/webhook',
      tenantId: 42,
      webhookSecretId: 'file:.local/webhook-secret',
      queueUrl: pair.queue.url,
      dlqUrl: pair.dlq.url,
      sqsEndpoint: local.endpoint,
    }),
  );
}

function capture(overrides: Partial<CliIo> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const io: CliIo = { stdout, stderr, cwd, ...overrides };
  return { io, out: () => out, err: () => err };
}

describe('crm-sync CLI', () => {
  it('replay --dry-run prints a table of the DLQ and its summary by reason, and moves nothing', async () => {
    const pair = await localStackWithDlq();
    const { io, out } = capture();

    const code = await runCli(['replay', '--local', '--dry-run'], io);

    expect(code).toBe(0);
    expect(out()).toMatch(/event id\s+customer\s+reason\s+age\s+detail/);
    expect(out()).toMatch(/a\s+1\s+vat-conflict\s+\d+s\s+IC refused the customer/);
    expect(out()).toMatch(/b\s+2\s+redriven/);
    expect(out()).toMatch(/would replay 2, skipped by filter 0, failed 0/);
    expect(await drainQueue(local.sqs, pair.queue.url)).toEqual([]);
    expect(eventIds(await drainQueue(local.sqs, pair.dlq.url))).toEqual(['a', 'b']);
  });

  it('dlq --json summarises the DLQ by reason and type without moving anything', async () => {
    const pair = await localStackWithDlq();
    const { io, out } = capture();

    const code = await runCli(['dlq', '--local', '--json'], io);

    expect(code).toBe(0);
    const result = JSON.parse(out()) as { summary: { total: number; byReason: Record<string, number> } };
    expect(result.summary.total).toBe(2);
    expect(result.summary.byReason).toEqual({ redriven: 1, 'vat-conflict': 1 });
    expect(await drainQueue(local.sqs, pair.dlq.url)).toHaveLength(2);
  });

  it('replay with a filter moves only the matching messages and prints the summary', async () => {
    const pair = await localStackWithDlq();
    const { io, out } = capture();

    const code = await runCli(['replay', '--local', '--reason', 'redriven'], io);

    expect(code).toBe(0);
    expect(out()).toMatch(/replayed 1, skipped by filter 1, failed 0/);
    expect(eventIds(await drainQueue(local.sqs, pair.queue.url))).toEqual(['b']);
    expect(eventIds(await drainQueue(local.sqs, pair.dlq.url))).toEqual(['a']);
  });

  it('exits 1 and names the messages when a send fails, and they stay in the DLQ', async () => {
    const pair = await localStackWithDlq();
    const { io, out } = capture({ sqsClient: () => failingSends(local.endpoint, { failRequest: 1 }) });

    const code = await runCli(['replay', '--local'], io);

    expect(code).toBe(1);
    expect(out()).toMatch(/replayed 0, skipped by filter 0, failed 2/);
    expect(out().match(/not sent, still in the DLQ: \S+ \(InjectedSendFailure\)/g)).toHaveLength(2);
    expect(await drainQueue(local.sqs, pair.queue.url)).toEqual([]);
    expect(eventIds(await drainQueue(local.sqs, pair.dlq.url))).toEqual(['a', 'b']);
  });

  it('reads the queue URLs from the stack outputs with --stack', async () => {
    pairs += 1;
    const pair = await local.createQueuePair({ name: `cli-${pairs}` });
    await deadLetterDirectly(local.sqs, pair, eventBody(3, { id: 'c' }));
    const stub = await startCloudFormationStub({
      name: 'CrmSync',
      outputs: { QueueUrl: pair.queue.url, DlqUrl: pair.dlq.url },
    });
    const cloudFormation = () =>
      new CloudFormationClient({
        endpoint: stub.endpoint,
        region: 'us-east-1',
        credentials: LOCAL_CREDENTIALS,
      });
    const sqsClient = failingSends(local.endpoint, { failRequest: 0 });
    const { io, out } = capture({ cloudFormation, sqsClient: () => sqsClient });

    const code = await runCli(['replay', '--stack', 'CrmSync', '--json'], io);
    await stub.stop();

    expect(code).toBe(0);
    expect(stub.requests).toEqual(['DescribeStacks CrmSync']);
    expect(JSON.parse(out())).toMatchObject({ from: pair.dlq.url, to: pair.queue.url, replayed: 1 });
    expect(eventIds(await drainQueue(local.sqs, pair.queue.url))).toEqual(['c']);
  });

  it('exits 2 with a clear message when the stack does not exist', async () => {
    const stub = await startCloudFormationStub({ name: 'CrmSync', outputs: {} });
    const cloudFormation = () =>
      new CloudFormationClient({
        endpoint: stub.endpoint,
        region: 'us-east-1',
        credentials: LOCAL_CREDENTIALS,
      });
    const { io, err } = capture({ cloudFormation });

    const code = await runCli(['dlq', '--stack', 'Nope'], io);
    await stub.stop();

    expect(code).toBe(2);
    expect(err()).toBe(
      'crm-sync: no stack named Nope in region us-east-1: check the name, and --region if it was deployed ' +
        'to another region; or use --local for `npm start`\n',
    );
  });

  it('exits 2 naming refused credentials when CloudFormation rejects the token', async () => {
    const stub = await startCloudFormationStub(
      { name: 'CrmSync', outputs: {} },
      {
        status: 403,
        code: 'InvalidClientTokenId',
        message: 'The security token included in the request is invalid.',
      },
    );
    const cloudFormation = () =>
      new CloudFormationClient({
        endpoint: stub.endpoint,
        region: 'eu-west-1',
        credentials: LOCAL_CREDENTIALS,
      });
    const { io, err } = capture({ cloudFormation });

    const code = await runCli(['dlq', '--stack', 'CrmSync'], io);
    await stub.stop();

    expect(code).toBe(2);
    expect(err()).toMatch(
      /AWS refused the credentials in region eu-west-1 \(InvalidClientTokenId\).*or use --local/,
    );
  });

  it('exits 2 saying there are no AWS credentials (a real SDK credential chain finding none)', async () => {
    const node = join(process.cwd(), 'node_modules', '.bin', 'node');
    const home = await mkdtemp(join(tmpdir(), 'crm-sync-nocreds-'));

    const result = await promisify(execFile)(
      node,
      [join(process.cwd(), 'bin/crm-sync.mjs'), 'dlq', '--stack', 'CrmSync', '--region', 'eu-west-1'],
      { cwd: home, env: { PATH: process.env.PATH, HOME: home, AWS_EC2_METADATA_DISABLED: 'true' } },
    ).catch((error: { code: number; stderr: string }) => error);
    await rm(home, { recursive: true, force: true });

    expect(result).toMatchObject({ code: 2 });
    expect(result.stderr).toMatch(
      /^crm-sync: no AWS credentials for --stack: set AWS_PROFILE .*or use --local/,
    );
  });

  it('refuses an unknown --reason before reading anything, listing the known reasons', async () => {
    const { io, err } = capture();

    const code = await runCli(['dlq', '--local', '--reason', 'vat'], io);

    expect(code).toBe(2);
    expect(err()).toMatch(
      /unknown --reason "vat"; the known reasons are: invalid-event, .*vat-conflict.*redriven/,
    );
  });

  it('dlq --list shows event id, customer, reason, age and the redacted detail of each message', async () => {
    pairs += 1;
    const pair = await local.createQueuePair({ name: `cli-${pairs}`, maxReceiveCount: 2 });
    await deadLetterDirectly(local.sqs, pair, eventBody(7, { id: 'evt-7' }), {
      reason: 'ic-validation',
      detail: 'Invisible Collector 422: email ana@example.com is invalid',
    });
    await deadLetterByRedrive(local.sqs, pair.queue, eventBody(8, { id: 'evt-8' }));
    const { io, out } = capture();

    await writeStackJson(pair);

    const code = await runCli(['dlq', '--local', '--list'], io);

    expect(code).toBe(0);
    expect(out()).toMatch(/event id\s+customer\s+reason\s+age\s+detail/);
    expect(out()).toMatch(
      /evt-7\s+7\s+ic-validation\s+\d+s\s+Invisible Collector 422: email \[email\] is invalid/,
    );
    expect(out()).toMatch(/evt-8\s+8\s+redriven\s+\d+s\s+-/);
    expect(out()).not.toContain('example.com');
  });

  it('replay --event-id moves only that event', async () => {
    const pair = await localStackWithDlq();
    const { io, out } = capture();

    const code = await runCli(['replay', '--local', '--event-id', 'a'], io);

    expect(code).toBe(0);
    expect(out()).toMatch(/replayed 1, skipped by filter 1, failed 0/);
    expect(eventIds(await drainQueue(local.sqs, pair.queue.url))).toEqual(['a']);
  });

  it("the progress bar's last counts are the summary's", async () => {
    await localStackWithDlq();
    const stderr = Object.assign(new PassThrough(), {
      isTTY: true,
      columns: 200,
      cursorTo: () => true,
      clearLine: () => true,
    });
    let bar = '';
    stderr.on('data', (chunk: Buffer) => (bar += chunk.toString()));
    const { io, out } = capture({ stderr });

    const code = await runCli(['replay', '--local', '--reason', 'vat-conflict'], io);

    expect(code).toBe(0);
    const summary = /^(replayed \d+, skipped by filter \d+, failed \d+)/m.exec(out())![1]!;
    const frames = bar.match(/messages \| [^\n\r]*/g) ?? [];
    expect(summary).toBe('replayed 1, skipped by filter 1, failed 0');
    expect(frames.at(-1)).toContain(summary);
  });

  it('exits 2 when no queue is given, and when .local/stack.json is missing', async () => {
    const none = capture();
    expect(await runCli(['replay'], none.io)).toBe(2);
    expect(none.err()).toMatch(/no dead-letter queue: give --from <dlq-url>, --stack <name> or --local/);

    const missing = capture({ cwd: tmpdir() + '/does-not-exist' });
    expect(await runCli(['replay', '--local'], missing.io)).toBe(2);
    expect(missing.err()).toMatch(/\.local\/stack\.json not found/);
  });

  it('exits 2 on an invalid --max or --rate', async () => {
    const max = capture();
    expect(await runCli(['replay', '--local', '--max', '0'], max.io)).toBe(2);
    expect(max.err()).toMatch(/--max <n>.*must be a positive integer/);
    const rate = capture();
    expect(await runCli(['replay', '--local', '--rate', 'fast'], rate.io)).toBe(2);
  });

  it('runs as `node bin/crm-sync.mjs replay --json` in a child process and moves the DLQ back', async () => {
    pairs += 1;
    const pair = await local.createQueuePair({ name: `cli-${pairs}` });
    await deadLetterDirectly(local.sqs, pair, eventBody(4, { id: 'd' }));
    await deadLetterDirectly(local.sqs, pair, eventBody(5, { id: 'e' }));
    const node = join(process.cwd(), 'node_modules', '.bin', 'node');
    const args = ['bin/crm-sync.mjs', 'replay', '--json', '--from', pair.dlq.url, '--to', pair.queue.url];
    args.push('--endpoint-url', local.endpoint, '--region', 'us-east-1');

    const { stdout } = await promisify(execFile)(node, args, {
      cwd: process.cwd(),
      env: {
        PATH: process.env.PATH,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });

    expect(JSON.parse(stdout)).toMatchObject({ replayed: 2, failed: 0, stoppedBy: 'drained' });
    expect(eventIds(await drainQueue(local.sqs, pair.queue.url))).toEqual(['d', 'e']);
    expect(await drainQueue(local.sqs, pair.dlq.url)).toEqual([]);
  });
});

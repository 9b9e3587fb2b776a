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
  return pair;
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
    expect(out()).toMatch(/message id\s+event type\s+customer\s+reason\s+age\s+receives/);
    expect(out()).toMatch(/crm\.customer\.updated\s+1\s+vat-conflict/);
    expect(out()).toMatch(/crm\.customer\.updated\s+2\s+redriven/);
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
    expect(err()).toBe('crm-sync: cannot read the outputs of stack Nope (ValidationError)\n');
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

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliUsageError } from '../../../../lib/cli/errors.ts';
import { resolveTarget, stackProblem } from '../../../../lib/cli/target.ts';

let cwd: string;
const stack = {
  queueUrl: 'http://sqs.local/q',
  dlqUrl: 'http://sqs.local/q-dlq',
  sqsEndpoint: 'http://127.0.0.1:9324',
};

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'crm-sync-target-'));
  await mkdir(join(cwd, '.local'));
  await writeFile(
    join(cwd, '.local', 'stack.json'),
    JSON.stringify({ ...stack, webhookUrl: 'http://x', tenantId: 42, webhookSecretId: 'file:s' }),
  );
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('resolveTarget', () => {
  it('with --local takes the queues and endpoint of .local/stack.json and emulator credentials', async () => {
    const target = await resolveTarget({ local: true }, { cwd, env: {} });
    expect(target).toEqual({
      from: stack.dlqUrl,
      to: stack.queueUrl,
      sqsConfig: {
        region: 'us-east-1',
        endpoint: stack.sqsEndpoint,
        useQueueUrlAsEndpoint: false,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      },
    });
  });

  it('lets --from / --to override the local stack', async () => {
    const target = await resolveTarget({ local: true, to: 'http://other/q' }, { cwd, env: {} });
    expect(target).toMatchObject({ from: stack.dlqUrl, to: 'http://other/q' });
  });

  it('uses the queue URL as endpoint on AWS, unless an endpoint is set by option or AWS_ENDPOINT_URL_SQS', async () => {
    const aws = await resolveTarget({ from: 'https://sqs/dlq', region: 'eu-west-1' }, { cwd, env: {} });
    expect(aws.sqsConfig).toEqual({ region: 'eu-west-1' });
    const env = await resolveTarget(
      { from: 'https://sqs/dlq' },
      { cwd, env: { AWS_ENDPOINT_URL_SQS: 'http://e' } },
    );
    expect(env.sqsConfig).toEqual({ useQueueUrlAsEndpoint: false });
  });

  it('refuses --stack together with --local', async () => {
    await expect(resolveTarget({ local: true, stack: 'CrmSync' }, { cwd })).rejects.toThrow(CliUsageError);
  });

  it('explains a malformed .local/stack.json', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'crm-sync-bad-'));
    await mkdir(join(bad, '.local'));
    await writeFile(join(bad, '.local', 'stack.json'), JSON.stringify({ queueUrl: 'q' }));
    await expect(resolveTarget({ local: true }, { cwd: bad })).rejects.toThrow(
      /missing stack details \(.*dlqUrl: /,
    );
    await rm(bad, { recursive: true, force: true });
  });
});

describe('stackProblem', () => {
  const named = (name: string, message: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(message), { name }, extra);

  it('names a region without a CloudFormation endpoint (a mistyped region) as such', () => {
    const dns = named('Error', 'getaddrinfo ENOTFOUND cloudformation.eu-westt-1.amazonaws.com', {
      code: 'ENOTFOUND',
    });

    expect(stackProblem(dns, 'CrmSync', 'eu-westt-1')).toBe(
      'cannot reach CloudFormation in region eu-westt-1 (ENOTFOUND): is the region name right, and is there a network?',
    );
  });

  it('asks for a region when the SDK has none', () => {
    expect(stackProblem(named('Error', 'Region is missing'), 'CrmSync', undefined)).toMatch(
      /^no AWS region for --stack: give --region or set AWS_REGION/,
    );
  });

  it('falls back to the error name, never its message', () => {
    expect(stackProblem(named('Throttling', 'Rate exceeded for 123456789012'), 'CrmSync', 'eu-west-1')).toBe(
      'cannot read the outputs of stack CrmSync in region eu-west-1 (Throttling)',
    );
  });
});

// `tracing` on: the bundled customer-sync loads Powertools Tracer and every call (Invisible Collector and CRO
// over HTTP, DynamoDB through its traced client) becomes an X-Ray subsegment, sent to the daemon address as Lambda's X-Ray daemon would get it (a
// UDP socket here). Off: the bundle never loads the Tracer (node:http stays unpatched).
import { createSocket, type Socket } from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Activity } from '../../../lib/local/activity.ts';
import { exampleEvent } from '../../../lib/local/exampleEvent.ts';
import { type LocalStack, startLocalStack } from '../../../lib/local/startLocalStack.ts';
import { signWebhook } from '../../helpers/signWebhook.ts';
import { buildBundles } from './buildBundles.ts';

const LOCAL_DIR = resolve('.local/test-tracing');
const TRACE_ID = '1-5759e988-bd862e3fe1be46a994272793';

/** What the Lambda runtime sets (the Tracer only traces inside Lambda), with the daemon at `daemon`. */
const lambdaEnv = (daemon: string) => ({
  LAMBDA_TASK_ROOT: '/var/task',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'customer-sync',
  _HANDLER: 'index.handler',
  _X_AMZN_TRACE_ID: `Root=${TRACE_ID};Parent=53995c3f42cd8ad8;Sampled=1`,
  AWS_XRAY_DAEMON_ADDRESS: daemon,
});

describe('tracing', () => {
  let distDir: string;
  let stack: LocalStack;
  let daemon: Socket;
  const segments: Array<Record<string, unknown>> = [];
  const activities: Activity[] = [];

  beforeAll(async () => {
    distDir = await buildBundles('test-tracing');
    daemon = createSocket('udp4');
    daemon.on('message', (datagram) => {
      // `{"format":"json","version":1}\n{...segment...}`
      const [, body] = datagram.toString().split('\n');
      if (body) segments.push(JSON.parse(body) as Record<string, unknown>);
    });
    await new Promise<void>((r) => daemon.bind(0, '127.0.0.1', () => r()));
    stack = await startLocalStack({
      port: 0,
      localDir: LOCAL_DIR,
      distDir,
      // In Lambda (the environment below says so) customer-sync requires a shared state table.
      state: 'dynalite',
      syncEnv: { TRACING: 'true', ...lambdaEnv(`127.0.0.1:${daemon.address().port}`) },
      onActivity: (a) => activities.push(a),
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    daemon?.close();
    await rm(LOCAL_DIR, { recursive: true, force: true });
  });

  it('on: the invocation and each Invisible Collector and CRO call reach the X-Ray daemon, without query strings', async () => {
    const body = JSON.stringify(exampleEvent(stack.tenantId, 1));
    const response = await fetch(stack.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signWebhook(body, stack.webhookSecret) },
      body,
    });
    expect(response.status).toBe(202);
    for (let waited = 0; !activities.some((a) => a.kind === 'applied') && waited < 15_000; waited += 25) {
      await new Promise((r) => setTimeout(r, 25));
    }
    for (
      let waited = 0;
      !segments.some((s) => s.name === '## index.handler') && waited < 5_000;
      waited += 25
    ) {
      await new Promise((r) => setTimeout(r, 25));
    }

    const handler = segments.find((s) => s.name === '## index.handler');
    expect(handler).toMatchObject({ trace_id: TRACE_ID, annotations: { Service: 'customer-sync' } });
    const calls = segments
      .filter((s) => s.namespace === 'remote' && s.parent_id === handler!.id)
      .map((s) => s.http as { request: { method: string; url: string } });
    const urls = calls.map((c) => `${c.request.method} ${new URL(c.request.url).pathname}`);
    expect(urls).toEqual(expect.arrayContaining(['GET /customers/1', 'POST /customers']));
    // The AWS calls too (traced through the SDK clients tracing switches to): the lease and the commit on the
    // state table, and the CRO refresh lease's acquire and release when the invocation refreshed the token.
    const awsCalls = segments
      .filter((s) => s.namespace === 'aws' && s.parent_id === handler!.id)
      .map((s) => `${String(s.name)} ${(s.aws as { operation: string }).operation}`);
    expect(awsCalls.length === 2 || awsCalls.length === 4).toBe(true);
    expect(new Set(awsCalls)).toEqual(new Set(['DynamoDB UpdateItem']));
    expect(calls.every((c) => !c.request.url.includes('?'))).toBe(true);
  });

  it('off: importing the bundle leaves node:http unpatched (the Tracer is not loaded)', () => {
    const probe = (env: Record<string, string>) =>
      execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import http from 'node:http'; const before = http.request;
           await import(${JSON.stringify(pathToFileURL(`${distDir}/webhook/index.mjs`).href)});
           console.log(http.request === before ? 'unpatched' : 'patched');`,
        ],
        {
          env: {
            PATH: process.env.PATH ?? '',
            QUEUE_URL: 'http://127.0.0.1:1/000000000000/q',
            WEBHOOK_SECRET_ID: 'file:/nonexistent',
            CRM_TENANT_ID: '42',
            AWS_REGION: 'us-east-1',
            ...lambdaEnv('127.0.0.1:2000'),
            ...env,
          },
          encoding: 'utf8',
        },
      ).trim();

    expect(probe({})).toBe('unpatched');
    expect(probe({ TRACING: 'true' })).toBe('patched');
  });
});

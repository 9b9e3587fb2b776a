// The local Lambda runtime pieces on their own: a bundle in a worker thread, and an HTTP API in front of it.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { lambdaContext } from '../../../lib/local/lambdaContext.ts';
import { LambdaInvocationError, LambdaWorker } from '../../../lib/local/LambdaWorker.ts';
import { startHttpLambda } from '../../../lib/local/startHttpLambda.ts';

const DIR = resolve('.local/test-lambda-worker');
const BUNDLE = `${DIR}/echo.mjs`;
const context = () => lambdaContext({ functionName: 'echo', timeoutMs: 5_000 });

describe('LambdaWorker', () => {
  beforeAll(async () => {
    await mkdir(DIR, { recursive: true });
    await writeFile(
      BUNDLE,
      [
        "if (!process.env.GREETING) throw new Error('GREETING is required');",
        "console.log(JSON.stringify({ level: 'INFO', message: 'cold start' }));",
        'export const handler = async (event, ctx) => {',
        "  if (event.fail) throw new TypeError('asked to fail');",
        '  return { greeting: process.env.GREETING, event, remaining: ctx.getRemainingTimeInMillis() > 0 };',
        '};',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await rm(DIR, { recursive: true, force: true });
  });

  it('imports the bundle with its own environment and returns the handler result', async () => {
    const lines: string[] = [];
    const worker = await LambdaWorker.start({
      bundle: BUNDLE,
      functionName: 'echo',
      env: { GREETING: 'olá' },
      onOutput: (line) => lines.push(line),
    });
    try {
      const result = await worker.invoke({ n: 1 }, context());

      expect(result).toEqual({ greeting: 'olá', event: { n: 1 }, remaining: true });
      expect(process.env.GREETING).toBeUndefined();
      expect(lines).toContain(JSON.stringify({ level: 'INFO', message: 'cold start' }));
    } finally {
      await worker.stop();
    }
  });

  it('rejects an invocation whose handler throws, with the error type', async () => {
    const worker = await LambdaWorker.start({
      bundle: BUNDLE,
      functionName: 'echo',
      env: { GREETING: 'hi' },
    });
    try {
      const error = await worker.invoke({ fail: true }, context()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(LambdaInvocationError);
      expect((error as LambdaInvocationError).errorType).toBe('TypeError');
    } finally {
      await worker.stop();
    }
  });

  it('fails to start when the module scope throws (a bad configuration at cold start)', async () => {
    await expect(LambdaWorker.start({ bundle: BUNDLE, functionName: 'echo', env: {} })).rejects.toThrow(
      /GREETING is required/,
    );
  });
});

describe('startHttpLambda', () => {
  it('answers like API Gateway: the handler result, or 500 when the handler throws', async () => {
    const http = await startHttpLambda({
      handler: async (event: APIGatewayProxyEventV2) => {
        if (event.rawPath === '/boom') throw new Error('boom');
        return { statusCode: 201, headers: { 'x-path': event.rawPath }, body: event.body ?? '' };
      },
    });
    try {
      const ok = await fetch(`${http.url}/hello`, { method: 'POST', body: 'hi' });
      const boom = await fetch(`${http.url}/boom`, { method: 'POST' });

      expect([ok.status, ok.headers.get('x-path'), await ok.text()]).toEqual([201, '/hello', 'hi']);
      expect([boom.status, await boom.json()]).toEqual([500, { message: 'Internal Server Error' }]);
    } finally {
      await http.stop();
    }
  });
});

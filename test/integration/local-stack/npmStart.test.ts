// `npm start`'s own entry point as a user runs it (after a build): a child process on a free port, sent a
// signed event, observed applying it, then stopped with Ctrl-C (SIGINT).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exampleEvent } from '../../../lib/local/exampleEvent.ts';
import type { StackFile } from '../../../lib/local/localFiles.ts';
import { signWebhook } from '../../helpers/signWebhook.ts';
import { buildBundles } from './buildBundles.ts';

const LOCAL_DIR = resolve('.local/test-npm-start');

describe('npm start (scripts/start.ts as a child process)', () => {
  let child: ChildProcess;
  let output = '';
  const exited = () =>
    new Promise<number | null>((done) =>
      child.exitCode !== null ? done(child.exitCode) : child.once('exit', (code) => done(code)),
    );

  async function waitForOutput(pattern: RegExp): Promise<RegExpMatchArray> {
    for (let waited = 0; waited < 20_000; waited += 50) {
      const match = output.match(pattern);
      if (match) return match;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`"${pattern}" not printed; output so far:\n${output}`);
  }

  beforeAll(async () => {
    const distDir = await buildBundles('test-npm-start');
    child = spawn(process.execPath, ['scripts/start.ts'], {
      env: { ...process.env, PORT: '0', LOCAL_DIR, DIST_DIR: distDir, IC_API_URL: '', CRM_API_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  }, 60_000);
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(LOCAL_DIR, { recursive: true, force: true });
  });

  it('prints a ready line with the webhook URL, a signed curl example and the send-example script', async () => {
    await waitForOutput(/Processed events:/);

    expect(output).toMatch(/local stack ready: webhook http:\/\/127\.0\.0\.1:\d+\/webhook/);
    expect(output).toContain('webhook-signature: v1,$SIG');
    expect(output).toContain('npm run send-example');
  });

  it('applies a signed event and prints one line for it', async () => {
    const [, url] = await waitForOutput(/ready: webhook (\S+)/);
    const stack = JSON.parse(readFileSync(`${LOCAL_DIR}/stack.json`, 'utf8')) as StackFile;
    const secret = readFileSync(stack.webhookSecretId.slice('file:'.length), 'utf8').trim();
    const event = exampleEvent(stack.tenantId, 1);
    const body = JSON.stringify(event);

    const response = await fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signWebhook(body, secret) },
      body,
    });

    expect(response.status).toBe(202);
    await waitForOutput(new RegExp(`applied\\s+customer 1\\s+event ${event.id}`));
  });

  it('stops cleanly on SIGINT and exits 0', async () => {
    await waitForOutput(/Processed events:/);

    child.kill('SIGINT');

    expect(await exited()).toBe(0);
    expect(output).toMatch(/stopped/);
  });
});

// `npx crm-sync auth --local` end to end: the local stack (`startLocalStack`, CRO OAuth on by default) runs in a
// scratch folder; the real `crm-sync` binary is started there as a child process; a real HTTP client plays the
// browser, following the authorize redirect to the command's callback; the running sync then works on the new
// grant.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Activity } from '../../../lib/local/activity.ts';
import { exampleEvent } from '../../../lib/local/exampleEvent.ts';
import { type LocalStack, startLocalStack } from '../../../lib/local/startLocalStack.ts';
import { signWebhook } from '../../helpers/signWebhook.ts';
import { buildBundles } from './buildBundles.ts';

const BUNDLES = 'test-auth-local';

describe('npx crm-sync auth --local against a running local stack', () => {
  let cwd: string;
  let stack: LocalStack;
  const activities: Activity[] = [];

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'crm-sync-auth-local-'));
    stack = await startLocalStack({
      port: 0,
      localDir: join(cwd, '.local'),
      distDir: await buildBundles(BUNDLES),
      onActivity: (activity) => activities.push(activity),
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await rm(cwd, { recursive: true, force: true });
    await rm(resolve('.local', BUNDLES), { recursive: true, force: true });
  });

  const credentials = async () =>
    JSON.parse(await readFile(join(cwd, '.local', 'credentials.json'), 'utf8')) as {
      invisibleCollectorToken: string;
      crm: { refreshToken: string; accessToken?: string };
    };

  async function applied(customerId: number): Promise<Activity> {
    const event = exampleEvent(stack.tenantId, customerId);
    const body = JSON.stringify(event);
    const response = await fetch(stack.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signWebhook(body, stack.webhookSecret) },
      body,
    });
    expect(response.status).toBe(202);
    // A record that met the revoked token comes back after its retry backoff (15–30 s locally).
    for (let waited = 0; waited < 45_000; waited += 25) {
      const found = activities.find((a) => 'eventId' in a && a.eventId === event.id && a.kind !== 'retrying');
      if (found) return found;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no outcome for ${event.id}: ${JSON.stringify(activities)}`);
  }

  it('starts with OAuth: a seeded grant in .local/credentials.json, the endpoints in stack.json, a refresh on the first event', async () => {
    const stackFile = JSON.parse(await readFile(stack.stackFile, 'utf8'));
    expect(stackFile).toMatchObject({
      crmTokenUrl: stack.croOAuth!.tokenUrl,
      crmAuthorizeUrl: stack.croOAuth!.authorizeUrl,
    });
    const seeded = (await credentials()).crm.refreshToken;

    expect(await applied(1)).toMatchObject({ kind: 'applied' });

    expect(stack.croOAuth!.stats().refreshes).toBe(1);
    const after = await credentials();
    expect(after.crm.refreshToken).not.toBe(seeded);
    expect(stack.croOAuth!.isAccessTokenValid(after.crm.accessToken!)).toBe(true);
  });

  it('re-authorizes with the real binary (callback on 127.0.0.1), and the running sync goes on with the new grant', async () => {
    const before = await credentials();
    stack.croOAuth!.revokeGrants();
    const child = spawn(resolve('node_modules/.bin/node'), [resolve('bin/crm-sync.mjs'), 'auth', '--local'], {
      cwd,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /^(http\S+\/oauth\/authorize\S*)$/m.exec(out);
        if (match) resolveUrl(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`crm-sync auth exited ${code}: ${err}`)));
    });
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));

    const browser = await fetch(url);

    expect(browser.status).toBe(200);
    expect(await exited).toBe(0);
    const after = await credentials();
    expect(after.invisibleCollectorToken).toBe(before.invisibleCollectorToken);
    expect(after.crm.refreshToken).not.toBe(before.crm.refreshToken);
    expect(out + err).not.toContain(after.crm.refreshToken);
    expect(await applied(2)).toMatchObject({ kind: 'applied' });
  }, 60_000);
});

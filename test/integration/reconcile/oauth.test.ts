// The reconciliation with CRO OAuth, wired as the reconcile function wires it (createReconcileDeps →
// croCredentialsProvider on a `file:` secret holding the `crm` object, CRM_TOKEN_URL), against the CRO OAuth
// simulator (rotating refresh tokens) and a CRO simulator that only takes its access tokens: tokens are
// refreshed and written back; a grant revoked in the middle of a run fails that location without moving its
// checkpoint and counts CrmAuthorizationLost; once a new authorization is in the secret (what
// `npx crm-sync auth` writes), the next run resumes the listing where the failed one stopped.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { CroListApi } from '../../../lib/crm/types.ts';
import {
  type CroOAuthSimulator,
  authorizedClient,
  DEFAULT_IC_TOKEN,
  startCroOAuthSimulator,
} from '../../../lib/local/simulators/index.ts';
import { customerAt, type ReconcileHarness, startReconcileHarness } from './reconcileHarness.ts';

describe('the reconciliation with CRO OAuth', () => {
  let oauth: CroOAuthSimulator;
  let h: ReconcileHarness;
  const dir = mkdtempSync(join(tmpdir(), 'crm-sync-reconcile-oauth-'));
  const secretFile = join(dir, 'credentials.json');
  const lost: string[] = [];
  const refreshes: number[] = [];
  /** Set to revoke the grant once the next page of customers has been read. */
  let revokeAfterNextPage = false;

  const authorize = () => {
    writeFileSync(
      secretFile,
      JSON.stringify({
        invisibleCollectorToken: DEFAULT_IC_TOKEN,
        crm: authorizedClient(oauth),
      }),
    );
  };
  const stored = () => JSON.parse(readFileSync(secretFile, 'utf8')).crm;
  const queuedIds = async () => {
    const ids: number[] = [];
    for (;;) {
      const { Messages = [] } = await h.local.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: h.queue.url, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }),
      );
      if (Messages.length === 0) return ids.sort((a, b) => a - b);
      ids.push(...Messages.map((m) => JSON.parse(m.Body!).data.customerId as number));
    }
  };

  beforeAll(async () => {
    oauth = await startCroOAuthSimulator({ accessTokenTtlSeconds: 600 });
    authorize();
    const revokingCro = (cro: CroListApi): CroListApi => ({
      listLocations: (query, options) => cro.listLocations(query, options),
      async listLocationCustomers(location, query, options) {
        const page = await cro.listLocationCustomers(location, query, options);
        if (revokeAfterNextPage) {
          revokeAfterNextPage = false;
          oauth.revokeGrants();
        }
        return page;
      },
    });
    h = await startReconcileHarness({
      croAcceptToken: (token) => oauth.isAccessTokenValid(token),
      reconcileEnv: { CRM_LOCATION_IDS: '1', RECONCILE_PAGE_LIMIT: '2' },
      oauth: {
        secretId: `file:${secretFile}`,
        tokenUrl: oauth.tokenUrl,
        credentialParts: {
          onAuthorizationLost: (error) => lost.push(error.reason),
          onRefresh: () => refreshes.push(1),
          // The store is looked at again on every request once the grant is lost (5 s in the functions).
          timings: { lostRecheckMs: 0 },
        },
      },
      wrapCro: revokingCro,
    });
    h.cro.seedLocations([{ id: 1, name: 'Lisboa', is_active: true }]);
    for (let id = 1; id <= 3; id += 1) h.cro.upsertCustomer(customerAt(id, [1]));
  }, 30_000);

  afterAll(async () => {
    await h?.stop();
    await oauth?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists with an access token it refreshed, and writes the rotated refresh token back first', async () => {
    const seeded = stored().refreshToken;

    const summary = await h.reconcile();

    expect(summary.locations).toEqual([expect.objectContaining({ status: 'complete', enqueued: 3 })]);
    expect(await queuedIds()).toEqual([1, 2, 3]);
    expect(stored().refreshToken).not.toBe(seeded);
    expect(oauth.isAccessTokenValid(stored().accessToken)).toBe(true);
    expect(refreshes).toHaveLength(1);
  });

  it('fails the location when the grant is revoked mid-run: checkpoint kept, CrmAuthorizationLost counted', async () => {
    const before = await h.store.peek(1);
    for (let id = 4; id <= 7; id += 1) h.cro.upsertCustomer(customerAt(id, [1]));
    revokeAfterNextPage = true;

    const summary = await h.reconcile();

    expect(summary.locations).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: expect.objectContaining({ reason: 'crm-authorization-lost' }),
      }),
    ]);
    const after = await h.store.peek(1);
    expect(after.checkpoint).toBe(before.checkpoint);
    expect(after.progress).toMatchObject({ page: 2 });
    expect(lost).toContain('crm-authorization-lost');
    // The first page was enqueued before the grant went; nothing after it.
    expect((await queuedIds()).length).toBe(summary.locations[0]!.enqueued);
  });

  it('keeps failing without sending the lost refresh token again, until a new authorization is stored', async () => {
    const refused = oauth.stats().invalidGrants;

    const summary = await h.reconcile();

    expect(summary.locations[0]).toMatchObject({
      status: 'failed',
      error: expect.objectContaining({ reason: 'crm-authorization-lost' }),
    });
    expect((await h.store.peek(1)).progress).toMatchObject({ page: 2 });
    expect(oauth.stats().invalidGrants).toBe(refused);
  });

  it('resumes where the failed run stopped once `crm-sync auth` stored a new grant, and advances the checkpoint', async () => {
    const before = await h.store.peek(1);
    authorize();

    const summary = await h.reconcile();

    expect(summary.locations).toEqual([expect.objectContaining({ status: 'complete' })]);
    const after = await h.store.peek(1);
    expect(after.progress).toBeUndefined();
    expect(Date.parse(after.checkpoint!)).toBeGreaterThan(Date.parse(before.checkpoint!));
    // Listed from the saved page on (page 1 is not read again): the customers not yet enqueued arrive.
    const ids = await queuedIds();
    expect(ids).toEqual(expect.arrayContaining([6, 7]));
    expect(summary.listed).toBeLessThan(7);
    expect(oauth.isAccessTokenValid(stored().accessToken)).toBe(true);
  });
});

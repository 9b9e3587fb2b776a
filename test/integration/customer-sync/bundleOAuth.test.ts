// The shipped customer-sync bundle with CRO OAuth, configured only by its environment (CRM_TOKEN_URL and a
// `file:` credentials secret holding the `crm` object), as Lambda runs it: the access token is refreshed and
// written back, and when the grant is revoked the record is retried, the CrmAuthorizationLost EMF metric is
// emitted with the dimensions the stack's alarm watches, and one ERROR line names `npx crm-sync auth`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SqsLambdaPoller, type SqsHandler } from '../../../lib/local/index.ts';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import {
  type CroOAuthSimulator,
  DEFAULT_CRO_CLIENT,
  DEFAULT_IC_TOKEN,
  startCroOAuthSimulator,
} from '../../../lib/local/simulators/index.ts';
import { METRIC, METRICS_NAMESPACE } from '../../../lib/observability/names.ts';
import { captureOutput, type JsonLine } from '../../helpers/captureOutput.ts';
import { buildBundles } from '../local-stack/buildBundles.ts';
import { bundleEnv, customerEvent, type Harness, startHarness } from './harness.ts';

// Built apart from dist/ (this suite never races another suite's build), with the shipped recipe.
const BUNDLES = 'test-bundle-oauth';
const OUT = mkdtempSync(join(tmpdir(), 'crm-sync-bundle-oauth-'));

describe('the bundled customer-sync handler with CRO OAuth', () => {
  let h: Harness;
  let oauth: CroOAuthSimulator;
  let handler: SqsHandler;
  let secretFile: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    const bundle = join(await buildBundles(BUNDLES), 'customer-sync', 'index.mjs');
    oauth = await startCroOAuthSimulator({ accessTokenTtlSeconds: 600 });
    h = await startHarness({ croAcceptToken: (token) => oauth.isAccessTokenValid(token) });
    h.cro.upsertCustomer(croCustomer({ id: 1 }));
    h.cro.upsertCustomer(croCustomer({ id: 2 }));
    secretFile = join(OUT, 'credentials.json');
    const { clientId, clientSecret } = DEFAULT_CRO_CLIENT;
    writeFileSync(
      secretFile,
      JSON.stringify({
        invisibleCollectorToken: DEFAULT_IC_TOKEN,
        crm: { clientId, clientSecret, refreshToken: oauth.seedGrant().refreshToken },
      }),
    );
    Object.assign(
      process.env,
      bundleEnv(h, secretFile, {
        CRM_TOKEN_URL: oauth.tokenUrl,
        POWERTOOLS_SERVICE_NAME: 'customer-sync',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      }),
    );
    delete process.env.STATE_TABLE_NAME;
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    ({ handler } = (await import(pathToFileURL(bundle).href)) as { handler: SqsHandler });
  }, 60_000);

  afterAll(async () => {
    process.env = savedEnv;
    await h?.stop();
    await oauth?.stop();
    rmSync(OUT, { recursive: true, force: true });
    rmSync(resolve('.local', BUNDLES), { recursive: true, force: true });
  });

  /** Runs the queue through the handler, returning its output lines (JSON) and the failed message ids. */
  async function run(): Promise<{ lines: JsonLine[]; text: string; failed: string[] }> {
    const poller = new SqsLambdaPoller({
      sqs: h.local.sqs,
      queueUrl: h.queue.url,
      queueArn: h.queue.arn,
      handler,
    });
    const { result, error, lines, text } = await captureOutput(() => poller.pollOnce(1));
    if (error !== undefined) throw error;
    return { lines, text, failed: result?.failed ?? [] };
  }
  const emf = (lines: JsonLine[], metric: string) =>
    lines.find((l) =>
      (
        (l._aws as { CloudWatchMetrics?: Array<{ Metrics: Array<{ Name: string }> }> } | undefined)
          ?.CloudWatchMetrics ?? []
      ).some((d) => d.Metrics.some((m) => m.Name === metric)),
    );

  it('refreshes the access token, writes it and the rotated refresh token back, and counts CrmTokenRefreshes', async () => {
    const seeded = JSON.parse(readFileSync(secretFile, 'utf8')).crm.refreshToken;
    await h.send([customerEvent(1, { type: 'crm.customer.created', data: { vatNumber: 'PT500000001' } })]);

    const { lines, failed } = await run();

    expect(failed).toEqual([]);
    expect(lines.find((l) => l.message === 'applied')).toBeDefined();
    const stored = JSON.parse(readFileSync(secretFile, 'utf8')).crm;
    expect(stored.refreshToken).not.toBe(seeded);
    expect(oauth.isAccessTokenValid(stored.accessToken)).toBe(true);
    expect(emf(lines, METRIC.crmTokenRefreshes)).toMatchObject({
      [METRIC.crmTokenRefreshes]: 1,
      service: 'customer-sync',
    });
  });

  it('on a revoked grant: the record is retried, CrmAuthorizationLost is emitted as the alarm reads it, one line names the command, no token is printed', async () => {
    const stored = JSON.parse(readFileSync(secretFile, 'utf8')).crm;
    oauth.revokeGrants();
    const [messageId] = await h.send([
      customerEvent(2, { type: 'crm.customer.created', data: { vatNumber: 'PT500000002' } }),
    ]);

    const { lines, text, failed } = await run();

    expect(failed).toEqual([messageId]);

    const metric = emf(lines, METRIC.crmAuthorizationLost);
    expect(metric).toMatchObject({ service: 'customer-sync', stack: 'local' });
    const directive = (
      metric!._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> }
    ).CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive.Dimensions).toContainEqual(['service', 'stack']);
    const errors = lines.filter(
      (l) => l.level === 'ERROR' && String(l.message).includes('npx crm-sync auth --local'),
    );
    expect(errors).toHaveLength(1);
    expect(lines.filter((l) => l.message === 'will be retried').map((l) => l.reason)).toContain(
      'crm-authorization-lost',
    );
    for (const secret of [stored.refreshToken, stored.accessToken, DEFAULT_CRO_CLIENT.clientSecret]) {
      expect(text).not.toContain(secret);
    }
    expect(await h.dlqMessages()).toEqual([]);
  });
});

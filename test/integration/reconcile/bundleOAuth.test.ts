// The shipped reconcile bundle with CRO OAuth, configured only by its environment as the stack deploys it
// (CRM_TOKEN_URL, a credentials secret holding the `crm` object, STATE_TABLE_NAME on dynalite), invoked as
// EventBridge Scheduler invokes it: the refresh takes the tenant's lease in the state table and is written
// back; when the grant is revoked the run fails without moving the checkpoint, the CrmAuthorizationLost EMF
// metric is emitted with the dimensions the stack's alarm watches, and one ERROR line names `npx crm-sync auth`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { build } from 'esbuild';
import { lambdaContext } from '../../../lib/local/lambdaContext.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../lib/local/localDynamo.ts';
import {
  type CroOAuthSimulator,
  authorizedClient,
  DEFAULT_CRO_CLIENT,
  DEFAULT_IC_TOKEN,
  startCroOAuthSimulator,
} from '../../../lib/local/simulators/index.ts';
import { METRIC, METRICS_NAMESPACE } from '../../../lib/observability/names.ts';
import { DynamoCheckpointStore } from '../../../lib/reconcile/checkpointStores.ts';
import { esbuildOptions } from '../../../lib/settings/bundling.ts';
import { captureOutput, type JsonLine } from '../../helpers/captureOutput.ts';
import { endpointUrl } from '../customer-sync/harness.ts';
import { customerAt, type ReconcileHarness, startReconcileHarness } from './reconcileHarness.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** Removed after the suite (nothing is left under `.local/` for lint or the next run). */
const BUNDLE_DIR = resolve('.local', 'reconcile-bundle-oauth-test');

describe('the bundled reconcile handler with CRO OAuth', () => {
  let h: ReconcileHarness;
  let oauth: CroOAuthSimulator;
  let dynamo: LocalDynamo;
  let checkpoints: DynamoCheckpointStore;
  let handler: Handler;
  const dir = mkdtempSync(join(tmpdir(), 'crm-sync-reconcile-oauth-bundle-'));
  const secretFile = join(dir, 'credentials.json');
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    const bundle = resolve(BUNDLE_DIR, 'reconcile', 'index.mjs');
    await build({ ...esbuildOptions('reconcile'), outfile: bundle, logLevel: 'silent' });
    oauth = await startCroOAuthSimulator({ accessTokenTtlSeconds: 600 });
    dynamo = await startLocalDynamo();
    checkpoints = new DynamoCheckpointStore({
      client: dynamo.client,
      tableName: dynamo.tableName,
      tenantId: 42,
    });
    h = await startReconcileHarness({ croAcceptToken: (token) => oauth.isAccessTokenValid(token) });
    h.cro.seedLocations([{ id: 1, name: 'Lisboa', is_active: true }]);
    for (let id = 1; id <= 3; id += 1) h.cro.upsertCustomer(customerAt(id, [1]));
    writeFileSync(
      secretFile,
      JSON.stringify({
        invisibleCollectorToken: DEFAULT_IC_TOKEN,
        crm: authorizedClient(oauth),
      }),
    );
    Object.assign(process.env, {
      CRM_API_URL: h.cro.url,
      CRM_TENANT_ID: '42',
      CREDENTIALS_SECRET_ID: `file:${secretFile}`,
      CRM_TOKEN_URL: oauth.tokenUrl,
      QUEUE_URL: endpointUrl(h.local, h.queue),
      STATE_TABLE_NAME: dynamo.tableName,
      CRM_LOCATION_IDS: '1',
      CRM_VAT_FIELD: 'locations.0.reference_number',
      AWS_ENDPOINT_URL_SQS: h.local.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_SERVICE_NAME: 'reconcile',
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    });
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    ({ handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler });
  }, 60_000);

  afterAll(async () => {
    process.env = savedEnv;
    await h?.stop();
    await oauth?.stop();
    await dynamo?.stop();
    rmSync(BUNDLE_DIR, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  /** Invokes the handler as the scheduler does, with its output captured. */
  const invoke = () =>
    captureOutput(() =>
      handler({ source: 'aws.scheduler' }, lambdaContext({ functionName: 'reconcile', timeoutMs: 60_000 })),
    );
  const emf = (lines: JsonLine[], metric: string) =>
    lines.find((l) =>
      (
        (l._aws as { CloudWatchMetrics?: Array<{ Metrics: Array<{ Name: string }> }> } | undefined)
          ?.CloudWatchMetrics ?? []
      ).some((d) => d.Metrics.some((m) => m.Name === metric)),
    );
  const stored = () => JSON.parse(readFileSync(secretFile, 'utf8')).crm;

  it('refreshes under the lease in the state table, writes the tokens back, and counts CrmTokenRefreshes', async () => {
    const seeded = stored().refreshToken;

    const { error, lines } = await invoke();

    expect(error).toBeUndefined();
    expect(stored().refreshToken).not.toBe(seeded);
    expect(emf(lines, METRIC.crmTokenRefreshes)).toMatchObject({
      [METRIC.crmTokenRefreshes]: 1,
      service: 'reconcile',
    });
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: 'oauth#cro#42' } } }),
    );
    expect(Item?.currentDigest?.S).toMatch(/^[0-9a-f]{32}$/);
    expect((await checkpoints.peek(1)).checkpoint).toMatch(/Z$/);
  });

  it('on a revoked grant: the run fails, the checkpoint stays, CrmAuthorizationLost is emitted as the alarm reads it, no token is printed', async () => {
    const credentials = stored();
    const before = await checkpoints.peek(1);
    // Drain what the first run enqueued.
    await h.local.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: h.queue.url, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }),
    );
    h.cro.touch(2, { name: 'Changed while unauthorized' });
    oauth.revokeGrants();

    const { error, lines, text } = await invoke();

    expect(error).toMatchObject({ name: 'ReconcileRunError', locationIds: [1] });
    expect(error!.message).toContain('crm-authorization-lost');
    expect(await checkpoints.peek(1)).toEqual(before);
    const metric = emf(lines, METRIC.crmAuthorizationLost);
    expect(metric).toMatchObject({ service: 'reconcile', stack: 'local', ReconcileFailures: 1 });
    const directive = (
      metric!._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> }
    ).CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive.Dimensions).toContainEqual(['service', 'stack']);
    const commands = lines.filter(
      (l) => l.level === 'ERROR' && String(l.message).includes('npx crm-sync auth --local'),
    );
    expect(commands).toHaveLength(1);
    for (const secret of [credentials.refreshToken, credentials.accessToken, DEFAULT_CRO_CLIENT.clientSecret])
      expect(text).not.toContain(secret);
  });
});

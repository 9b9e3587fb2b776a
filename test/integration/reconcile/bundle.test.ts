// The shipped reconcile bundle (dist/functions/reconcile/index.mjs, built with the one recipe) configured only
// by environment variables, invoked as EventBridge Scheduler invokes it, against the CRO simulator and fauxqs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { build } from 'esbuild';
import { lambdaContext } from '../../../lib/local/lambdaContext.ts';
import { DEFAULT_CRO_TOKEN, DEFAULT_IC_TOKEN } from '../../../lib/local/simulators/index.ts';
import { esbuildOptions } from '../../../lib/settings/bundling.ts';
import { captureOutput } from '../../helpers/captureOutput.ts';
import { endpointUrl } from '../customer-sync/harness.ts';
import { customerAt, type ReconcileHarness, startReconcileHarness, vatOf } from './reconcileHarness.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** Removed after the suite (nothing is left under `.local/` for lint or the next run). */
const BUNDLE_DIR = resolve('.local', 'reconcile-bundle-test');

describe('the bundled reconcile handler', () => {
  let h: ReconcileHarness;
  let handler: Handler;
  let secretDir = '';
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    secretDir = mkdtempSync(join(tmpdir(), 'crm-sync-reconcile-'));
    const dir = secretDir;
    // Inside the project, so the external @aws-sdk/* imports resolve from node_modules as on Lambda's runtime.
    const bundle = resolve(BUNDLE_DIR, 'reconcile', 'index.mjs');
    await build({ ...esbuildOptions('reconcile'), outfile: bundle, logLevel: 'silent' });
    h = await startReconcileHarness();
    const secretFile = join(dir, 'credentials.json');
    writeFileSync(
      secretFile,
      JSON.stringify({ invisibleCollectorToken: DEFAULT_IC_TOKEN, crmToken: DEFAULT_CRO_TOKEN }),
    );
    Object.assign(process.env, {
      CRM_API_URL: h.cro.url,
      CRM_TENANT_ID: '42',
      CREDENTIALS_SECRET_ID: `file:${secretFile}`,
      QUEUE_URL: endpointUrl(h.local, h.queue),
      CRM_LOCATION_IDS: '1,2',
      CRM_VAT_FIELD: 'locations.0.reference_number',
      RECONCILE_PAGE_LIMIT: '2',
      RECONCILE_CONCURRENCY: '1',
      AWS_ENDPOINT_URL_SQS: h.local.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    delete process.env.STATE_TABLE_NAME;
    ({ handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler });
  }, 60_000);

  afterAll(async () => {
    process.env = savedEnv;
    await h?.stop();
    await rm(BUNDLE_DIR, { recursive: true, force: true });
    await rm(secretDir, { recursive: true, force: true });
  });

  /** Invokes the handler as the scheduler does, with its output captured. */
  const invoke = () =>
    captureOutput(() =>
      handler({ source: 'aws.scheduler' }, lambdaContext({ functionName: 'reconcile', timeoutMs: 60_000 })),
    );

  it('enqueues every customer of the configured locations and publishes the run metrics', async () => {
    h.cro.seedLocations([
      { id: 1, name: 'Lisboa', is_active: true },
      { id: 2, name: 'Porto', is_active: true },
    ]);
    for (let id = 1; id <= 5; id += 1) h.cro.upsertCustomer(customerAt(id, [id <= 3 ? 1 : 2]));

    const { result, error, lines } = await invoke();
    const { Messages = [] } = await h.local.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: h.queue.url, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );

    expect(error).toBeUndefined();
    expect(result).toMatchObject({ listed: 5, enqueued: 5 });
    expect(Messages.map((m) => JSON.parse(m.Body!).data.customerId).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(JSON.parse(Messages[0]!.Body!).data.vatNumber).toBe(
      vatOf(JSON.parse(Messages[0]!.Body!).data.customerId),
    );
    const metrics = lines.find((l) => l._aws !== undefined);
    expect(metrics).toMatchObject({
      service: 'reconcile',
      CustomersListed: 5,
      EventsEnqueued: 5,
      ReconcileFailures: 0,
    });
    expect(metrics!.CheckpointLag).toEqual([0, 0]);
    expect(lines.filter((l) => l.message === 'location reconciled').map((l) => l.status)).toEqual([
      'complete',
      'complete',
    ]);
    const text = JSON.stringify(lines);
    for (const secret of [vatOf(1), 'billing@example.com', DEFAULT_CRO_TOKEN])
      expect(text).not.toContain(secret);
  });

  it('fails the invocation when a location fails, after reconciling the others and publishing the metrics', async () => {
    h.cro.touch(4, { name: 'Changed' });
    h.cro.failNext(
      3,
      { status: 503, body: { detail: 'Unavailable', explanation: 'down' } },
      '/locations/:location_id/customers',
    );

    const { error, lines } = await invoke();

    expect(error).toMatchObject({ name: 'ReconcileRunError', locationIds: [1] });
    // Location 2: customer 4's new version, and customer 5 again (inside the overlap; free for the sync).
    expect(lines.find((l) => l._aws !== undefined)).toMatchObject({
      ReconcileFailures: 1,
      EventsEnqueued: 2,
    });
    expect(lines.find((l) => l.message === 'location not reconciled')).toMatchObject({
      level: 'ERROR',
      locationId: 1,
      status: 'failed',
    });
  });
});

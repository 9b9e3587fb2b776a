// The shipped bundle (dist/functions/customer-sync/index.mjs) driven through fauxqs, configured
// only by environment variables as Lambda would configure it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SqsLambdaPoller, type SqsHandler } from '../../../lib/local/index.ts';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import { DEFAULT_CRO_TOKEN, DEFAULT_IC_TOKEN } from '../../../lib/local/simulators/index.ts';
import { captureOutput } from '../../helpers/captureOutput.ts';
import { attribute, bundleEnv, customerEvent, type Harness, startHarness } from './harness.ts';

const ROOT = process.cwd();
const BUNDLE = join(ROOT, 'dist/functions/customer-sync/index.mjs');
const VAT = 'PT543219876';

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the bundle with `scripts/build.ts` (what `npm run build` runs) unless it is newer than the sources. */
function ensureBundle(): void {
  const built = (() => {
    try {
      return statSync(BUNDLE).mtimeMs;
    } catch {
      return 0;
    }
  })();
  const sources = Math.max(newestSource(join(ROOT, 'lib')), newestSource(join(ROOT, 'functions')));
  if (built < sources)
    execFileSync(process.execPath, ['scripts/build.ts', 'customer-sync'], { cwd: ROOT, stdio: 'ignore' });
}

describe('the bundled customer-sync handler', () => {
  let h: Harness;
  let handler: SqsHandler;
  let dir: string | undefined;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    ensureBundle();
    h = await startHarness();
    dir = mkdtempSync(join(tmpdir(), 'crm-sync-'));
    const secretFile = join(dir, 'credentials.json');
    writeFileSync(
      secretFile,
      JSON.stringify({ invisibleCollectorToken: DEFAULT_IC_TOKEN, crmToken: DEFAULT_CRO_TOKEN }),
    );
    Object.assign(process.env, bundleEnv(h, secretFile));
    delete process.env.STATE_TABLE_NAME;
    ({ handler } = (await import(pathToFileURL(BUNDLE).href)) as { handler: SqsHandler });
  }, 60_000);

  afterAll(async () => {
    process.env = savedEnv;
    await h?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('applies a batch and dead-letters its bad record, logging ids on every record line and no personal data', async () => {
    h.cro.upsertCustomer(croCustomer({ id: 1, name: 'Acme Lda' }));
    const event = customerEvent(1, { type: 'crm.customer.created', data: { vatNumber: VAT } });
    const [goodId, badId] = await h.send([event, '{"specversion":"1.0"}']);
    const poller = new SqsLambdaPoller({
      sqs: h.local.sqs,
      queueUrl: h.queue.url,
      queueArn: h.queue.arn,
      handler,
    });
    const { result: outcomes, error, lines, text } = await captureOutput(() => poller.drain());

    expect(error).toBeUndefined();
    expect(outcomes!.flatMap((o) => o.failed)).toEqual([]);
    expect(h.ic.customerByExternalId('cro-42-1')).toMatchObject({ name: 'Acme Lda', vatNumber: VAT });
    const [dead] = await h.dlqMessages();
    expect(attribute(dead!, 'failure-reason')).toBe('invalid-event');
    expect(attribute(dead!, 'source-message-id')).toBe(badId);

    const applied = lines.find((l) => l.message === 'applied');
    expect(applied).toMatchObject({
      eventId: event.id,
      customerId: 1,
      messageId: goodId,
      service: 'customer-sync',
    });
    // One INFO line per record outcome; the group summary ("customer synced") is DEBUG.
    expect(lines.filter((l) => l.eventId === event.id).map((l) => [l.level, l.message])).toEqual([
      ['INFO', 'applied'],
    ]);
    expect(lines.find((l) => l.message === 'dead-lettered')).toMatchObject({
      messageId: badId,
      reason: 'invalid-event',
    });
    for (const line of lines.filter((l) => typeof l.level === 'string'))
      expect(Object.keys(line)).toEqual(expect.arrayContaining(['messageId']));
    for (const secret of [
      VAT,
      'billing@example.com',
      '+351 210 000 000',
      DEFAULT_IC_TOKEN,
      DEFAULT_CRO_TOKEN,
    ])
      expect(text).not.toContain(secret);
    // EMF metrics from Powertools are on stdout too.
    expect(text).toContain('"Applied"');
  });
});

describe('the customer-sync cold start', () => {
  it('loads no AWS SDK client: DynamoDB and Secrets Manager go through the lean client, SQS loads on first send', () => {
    ensureBundle();
    // Records every `@aws-sdk/*` module the import resolves (Node's synchronous module hooks), as Lambda's
    // environment configures the function (a state table, the role's credentials).
    const script = `
      import { registerHooks } from 'node:module';
      const loaded = [];
      registerHooks({ resolve(specifier, context, next) {
        if (specifier.startsWith('@aws-sdk/')) loaded.push(specifier);
        return next(specifier, context);
      } });
      await import(${JSON.stringify(pathToFileURL(BUNDLE).href)});
      const lean = loaded.length;
      await import('@aws-sdk/client-sqs');
      console.log(JSON.stringify({ atInit: loaded.slice(0, lean), hookWorks: loaded.length > lean }));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        CRM_API_URL: 'http://127.0.0.1:1',
        CRM_TENANT_ID: '42',
        CREDENTIALS_SECRET_ID: 'crm-sync/credentials',
        DLQ_URL: 'http://127.0.0.1:1/000000000000/dlq',
        STATE_TABLE_NAME: 'crm-sync-state',
        AWS_LAMBDA_FUNCTION_NAME: 'customer-sync',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKID',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
      },
      encoding: 'utf8',
    });
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual({ atInit: [], hookWorks: true });
  });
});

// `crm-sync local ...` against a running local stack: the console's controls from the command line, through
// the same control API, with the effects observed in the simulators and the event log.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CliIo } from '../../../lib/cli/dlqCommands.ts';
import { runCli } from '../../../lib/cli/program.ts';
import type { LogEntry } from '../../../lib/local/console/eventLog.ts';
import { type LocalStack, startLocalStack } from '../../../lib/local/startLocalStack.ts';
import { buildBundles } from './buildBundles.ts';
import { lastSeq, waitForLog } from './waitForLog.ts';

describe('crm-sync local (against a running local stack)', () => {
  let stack: LocalStack;
  let cwd: string;

  beforeAll(async () => {
    const distDir = await buildBundles('test-local-commands');
    cwd = await mkdtemp(join(tmpdir(), 'crm-sync-local-'));
    stack = await startLocalStack({
      port: 0,
      localDir: join(cwd, '.local'),
      distDir,
      syncEnv: { RETRY_BASE_SECONDS: '1' },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await rm(cwd, { recursive: true, force: true });
    await rm(resolve('.local/test-local-commands'), { recursive: true, force: true });
  });

  /** Runs the CLI in the stack's folder; its exit code and output. */
  async function cli(...argv: string[]) {
    let out = '';
    let err = '';
    const stdout = new PassThrough().on('data', (c: Buffer) => (out += c.toString()));
    const stderr = new PassThrough().on('data', (c: Buffer) => (err += c.toString()));
    const io: CliIo = { stdout, stderr, cwd, env: {} };
    const code = await runCli(argv, io);
    return { code, out, err };
  }

  const about = (customerId: number, kind: LogEntry['kind']) => (entry: LogEntry) =>
    entry.kind === kind && entry.activity !== undefined && 'customerId' in entry.activity
      ? entry.activity.customerId === customerId
      : false;

  it('local status shows the queues and both simulators without faults', async () => {
    const { code, out } = await cli('local', 'status');

    expect(code).toBe(0);
    expect(out).toContain('queue  0 visible, 0 in flight');
    expect(out).toContain('Invisible Collector: simulator, 503 0%, 429 0%, latency 0 ms, token ok');
    expect(out).toContain('CRO: simulator, 503 0%, 429 0%, latency 0 ms, token ok');
  });

  it('local cro set changes the customer, announces it by webhook, and local ic list shows the result', async () => {
    const since = lastSeq(stack.log);

    const set = await cli(
      'local',
      'cro',
      'set',
      '1',
      '--name',
      'Acme Lda',
      '--city',
      'Porto',
      '--vat',
      'PT501234560',
    );
    await waitForLog(stack.log, about(1, 'applied'), { since });
    const list = await cli('local', 'ic', 'list');
    const show = await cli('local', 'ic', 'show', 'cro-42-1');

    expect(set.code).toBe(0);
    expect(set.out).toMatch(
      /^CRO customer 1 saved \(last_updated_on \d{4}-\d\d-\d\dT[\d:]+\.\d{6}\); webhook 202, event \S+/,
    );
    expect(list.out).toMatch(/cro-42-1\s+Acme Lda\s+PT501234560\s+Porto\s+PT\s+.*cro_customer_id=1/);
    expect(JSON.parse(show.out)).toMatchObject({
      externalId: 'cro-42-1',
      name: 'Acme Lda',
      attributes: { cro_customer_id: '1', cro_last_updated_on: stack.cro!.getCustomer(1)!.last_updated_on },
    });
  });

  it('local fault ic --server-errors 100% makes the sync retry; --off lets the retry apply', async () => {
    const since = lastSeq(stack.log);

    const on = await cli('local', 'fault', 'ic', '--server-errors', '100%');
    await cli('local', 'cro', 'set', '2', '--city', 'Braga');
    const retrying = await waitForLog(stack.log, about(2, 'retrying'), { since });
    const off = await cli('local', 'fault', 'ic', '--off');
    await waitForLog(stack.log, about(2, 'applied'), { since: retrying.seq });

    expect(on.out).toBe('Invisible Collector: 503 100%, 429 0%, latency 0 ms, token ok\n');
    expect(retrying.text).toMatch(/ic-unavailable/);
    expect(off.out).toBe('Invisible Collector: 503 0%, 429 0%, latency 0 ms, token ok\n');
    expect(stack.ic!.customerByExternalId('cro-42-2')?.city).toBe('Braga');
  });

  it('local fault cro --revoke-token gets the sync 401s from CRO until --restore-token', async () => {
    const since = lastSeq(stack.log);

    await cli('local', 'fault', 'cro', '--revoke-token');
    await cli('local', 'cro', 'set', '3', '--city', 'Faro');
    const retrying = await waitForLog(stack.log, about(3, 'retrying'), { since });
    await cli('local', 'fault', 'cro', '--restore-token');
    await waitForLog(stack.log, about(3, 'applied'), { since: retrying.seq });

    expect(retrying.text).toMatch(/auth/);
    expect(stack.cro!.callsFor('/customers/:id').some((call) => call.status === 401)).toBe(true);
  });

  it('fix, then replay: a dead-lettered event is replayed after the CRO data is fixed without a webhook', async () => {
    const since = lastSeq(stack.log);

    await cli('local', 'cro', 'set', '3', '--country', '');
    const dead = await waitForLog(stack.log, about(3, 'dead-lettered'), { since });
    const eventId = (dead.activity as { eventId: string }).eventId;
    const listed = await cli('dlq', '--local', '--list');
    const fixed = await cli('local', 'cro', 'set', '3', '--country', 'ES', '--no-webhook');
    const replayed = await cli('replay', '--local', '--event-id', eventId);
    await waitForLog(stack.log, (e) => e.kind === 'applied' && e.text.includes(eventId), { since: dead.seq });

    expect(listed.out).toMatch(
      new RegExp(`${eventId}\\s+3\\s+missing-country\\s+\\d+s\\s+cannot map customer`),
    );
    expect(fixed.out).toMatch(/no webhook sent/);
    expect(replayed.out).toMatch(/^replayed 1, skipped by filter 0, failed 0/);
    expect(stack.ic!.customerByExternalId('cro-42-3')?.country).toBe('ES');
  });

  it('local reconcile lists CRO now and enqueues a change made without a webhook, which reaches Invisible Collector', async () => {
    await cli('local', 'cro', 'set', '2', '--city', 'Viseu', '--no-webhook');
    const since = lastSeq(stack.log);

    const { code, out } = await cli('local', 'reconcile');
    await waitForLog(stack.log, about(2, 'applied'), { since });

    expect(code).toBe(0);
    expect(out).toMatch(/location\s+status\s+listed\s+enqueued\s+checkpoint/);
    expect(out).toMatch(/1\s+complete\s+[1-9]\d*\s+[1-9]\d*\s+\d{4}-/);
    expect(out).toMatch(/2\s+complete\s+0\s+0/);
    expect(stack.ic!.customers().find((c) => c.externalId === 'cro-42-2')?.city).toBe('Viseu');
    const json = await cli('local', 'reconcile', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ tenantId: 42, inactiveSkipped: [3] });
  });

  it('local reconcile exits 1 naming the reason when the run fails (a revoked CRO grant)', async () => {
    await cli('local', 'fault', 'cro', '--revoke-token');
    try {
      const { code, err } = await cli('local', 'reconcile');

      expect(code).toBe(1);
      expect(err).toMatch(/reconcile failed: \w+: .*(authorization-lost|invalid_grant)/);
      expect(stack.log.recent().some((e) => /^reconciliation failed: /.test(e.text))).toBe(true);
    } finally {
      await cli('local', 'fault', 'cro', '--restore-token');
    }
  });

  it('says what is wrong, with exit code 2, for bad input and unknown names', async () => {
    const simulator = await cli('local', 'fault', 'crm', '--off');
    const country = await cli('local', 'cro', 'set', '1', '--country', 'Portugal');
    const missing = await cli('local', 'ic', 'show', 'cro-42-999');
    const rate = await cli('local', 'fault', 'ic', '--server-errors', '150%');

    expect([simulator.code, country.code, missing.code, rate.code]).toEqual([2, 2, 2, 2]);
    expect(simulator.err).toMatch(/unknown simulator "crm": ic or cro/);
    expect(country.err).toMatch(/invalid request \(country: /);
    expect(missing.err).toMatch(/no Invisible Collector customer cro-42-999/);
    expect(rate.err).toMatch(/--server-errors <rate>.*between 0 and 1/);
  });
});

describe('crm-sync local (no local stack)', () => {
  it('exits 2 and says to start one', async () => {
    let err = '';
    const stderr = new PassThrough().on('data', (c: Buffer) => (err += c.toString()));
    const code = await runCli(['local', 'ic', 'list'], {
      stdout: new PassThrough(),
      stderr,
      cwd: join(tmpdir(), 'no-local-stack-here'),
      env: {},
    });

    expect(code).toBe(2);
    expect(err).toMatch(/stack\.json not found: is `npm start` running in this folder\?/);
  });
});

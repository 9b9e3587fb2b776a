// `npm run bench:backfill`: a backfill of 10,000 CRO customers through the local parts. The simulators,
// dynalite and fauxqs run in the bench's service process; this process runs the BUNDLED reconcile function
// (its first run lists everything) and `--pollers` BUNDLED customer-sync containers polling the queue, as the
// event source mapping with `maxConcurrency` does. Then `crm-sync backfill` lists everything again (nothing
// changed), then the scheduled run comes again (nothing changed). Prints a table and writes
// bench/backfill-results.json (or the JSON to stdout with --json). A report, not a test: exit code 0 unless
// the bench itself breaks.
//   node bench/backfill.ts [--customers 10000] [--locations 4] [--latency 20] [--rate 100] [--pollers 5] [--json]
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { runCli } from '../lib/cli/program.ts';
import { lambdaContext } from '../lib/local/lambdaContext.ts';
import { LOCAL_VAT_FIELD } from '../lib/local/localReconcile.ts';
import { croCustomer } from '../lib/local/simulators/croCustomer.ts';
import { SqsLambdaPoller } from '../lib/local/SqsLambdaPoller.ts';
import type { ReconcileSummary } from '../lib/reconcile/types.ts';
import { BenchError } from './errors.ts';
import { forkServices } from './services/forkServices.ts';
import { INITIAL_TOKENS, TENANT_ID } from './services/startServices.ts';
import { importBundledHandler } from './support/bundledHandler.ts';
import { createCredentialsFile } from './support/credentialsFile.ts';
import { vatNumberOf } from './support/customerEvent.ts';
import { describeMachine } from './support/machine.ts';
import { round } from './support/stats.ts';
import { installStdoutSink } from './support/stdoutSink.ts';
import { formatTable, mark } from './support/table.ts';
import { waitForDrain } from './soak/queueState.ts';

const { values: flags } = parseArgs({
  options: {
    customers: { type: 'string', default: '10000' },
    locations: { type: 'string', default: '4' },
    latency: { type: 'string', default: '20' },
    rate: { type: 'string', default: '100' },
    pollers: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
  },
});
const [customers, locations, latencyMs, rate, pollers] = (
  ['customers', 'locations', 'latency', 'rate', 'pollers'] as const
).map((name) => {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < (name === 'latency' ? 0 : 1))
    throw new BenchError(`--${name} must be a whole number`);
  return n;
}) as [number, number, number, number, number];

type ReconcileHandler = (event: unknown, context: Context) => Promise<ReconcileSummary>;

/** One phase of the run, as reported. */
interface PhaseRow {
  phase: string;
  listed: number;
  enqueued: number;
  /** Seconds until the last event was on the queue. */
  enqueueSeconds: number;
  /** Seconds until the queue was empty again (every event applied or skipped). */
  drainSeconds: number;
  /** Events per second, from the start of the phase to the drained queue. */
  eventsPerSecond: number;
  icCallsPerCustomer: number;
  icWritesPerCustomer: number;
  croListCalls: number;
  croReads: number;
  dynamoCallsPerCustomer: number;
  deadLettered: number;
  goal: string;
  ok: boolean;
}

const progress = (line: string) => sink.printError(`bench:backfill: ${line}\n`);
const startLoad = round(loadavg()[0]!, 1);
const services = await forkServices({ latencyMs });
const credentials = createCredentialsFile(INITIAL_TOKENS);
const checkpointDir = await mkdtemp(join(tmpdir(), 'crm-sync-backfill-bench-'));
const sink = installStdoutSink();
try {
  const queue = await services.queue();
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false, ...regionAndEndpoint(services.env) });
  const env: Record<string, string> = { ...services.env, CREDENTIALS_SECRET_ID: credentials.secretId };

  progress(`seeding ${customers} customers in ${locations} locations`);
  await services.seedLocations(
    Array.from({ length: locations }, (_, i) => ({ id: i + 1, name: `Location ${i + 1}`, is_active: true })),
  );
  await seedCustomers();

  const containers = await Promise.all(
    Array.from({ length: pollers }, (_, i) =>
      importBundledHandler({
        env: { ...env, SYNC_CONCURRENCY: '10', POWERTOOLS_SERVICE_NAME: 'customer-sync' },
        instance: `backfill-${i}`,
      }),
    ),
  );
  const reconcile = await importBundledHandler<ReconcileHandler>({
    env: {
      ...env,
      QUEUE_URL: queue.url,
      CRM_VAT_FIELD: LOCAL_VAT_FIELD,
      RECONCILE_ENQUEUE_RATE: String(rate),
      POWERTOOLS_SERVICE_NAME: 'reconcile',
    },
    bundle: 'reconcile',
  });
  const running = containers.map((handler) => {
    const poller = new SqsLambdaPoller({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      handler,
      batchSize: 10,
      timeoutMs: 60_000,
    });
    poller.start();
    return poller;
  });

  sink.mute();
  const rows: PhaseRow[] = [];
  rows.push(
    await phase(
      'new (first scheduled run)',
      '≤ 2 IC calls per customer',
      (c) => c <= 2,
      async () =>
        reconcile({ source: 'bench' }, lambdaContext({ functionName: 'reconcile', timeoutMs: 15 * 60_000 })),
    ),
  );
  rows.push(
    await phase('unchanged (crm-sync backfill, everything again)', '0 IC calls', (c) => c === 0, backfillCli),
  );
  rows.push(
    await phase(
      'unchanged (next scheduled run)',
      '0 IC calls',
      (c) => c === 0,
      async () =>
        reconcile({ source: 'bench' }, lambdaContext({ functionName: 'reconcile', timeoutMs: 15 * 60_000 })),
    ),
  );
  await Promise.all(running.map((poller) => poller.stop()));
  sink.unmute();

  const results = {
    at: new Date().toISOString(),
    machine: describeMachine(),
    /** The machine's 1-minute load average at the start and the end (other work slows every figure). */
    loadAverage: [startLoad, round(loadavg()[0]!, 1)],
    customers,
    locations,
    latencyMs,
    enqueueRate: rate,
    pollers,
    phases: rows,
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    const path = fileURLToPath(new URL('./backfill-results.json', import.meta.url));
    writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${report(results)}\n\nFigures written to ${path}\n`);
  }

  /** Runs `work`, waits until the queue is empty, and turns the call counts into a row. */
  async function phase(
    name: string,
    goal: string,
    meets: (icCallsPerCustomer: number) => boolean,
    work: () => Promise<Pick<ReconcileSummary, 'listed' | 'enqueued'>>,
  ): Promise<PhaseRow> {
    progress(name);
    await services.clearCalls();
    const dlqBefore = await depth(env.DLQ_URL!);
    const started = performance.now();
    const summary = await work();
    const enqueued = performance.now();
    const drained = await waitForDrain(sqs, queue.url, { timeoutMs: 60 * 60_000, intervalMs: 100 });
    if (!drained) throw new BenchError(`${name}: the queue did not drain`);
    const done = performance.now();
    const counts = await services.counts();
    const icCalls = sum(counts.ic);
    const seconds = (done - started) / 1000;
    return {
      phase: name,
      listed: summary.listed,
      enqueued: summary.enqueued,
      enqueueSeconds: round((enqueued - started) / 1000, 1),
      drainSeconds: round(seconds, 1),
      eventsPerSecond: round(summary.enqueued / seconds, 1),
      icCallsPerCustomer: round(icCalls / customers, 2),
      icWritesPerCustomer: round(sum(counts.ic, (key) => !key.startsWith('GET ')) / customers, 2),
      croListCalls: sum(counts.cro, (key) => key.includes('/locations')),
      croReads: sum(counts.cro, (key) => key.includes('/customers/:id')),
      dynamoCallsPerCustomer: round(sum(counts.dynamo) / customers, 2),
      deadLettered: (await depth(env.DLQ_URL!)) - dlqBefore,
      goal,
      ok: meets(icCalls / customers),
    };
  }

  /** `crm-sync backfill` as an operator runs it (own checkpoint file), at 3000 events/s. */
  async function backfillCli(): Promise<Pick<ReconcileSummary, 'listed' | 'enqueued'>> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await runCli(
      [
        'backfill',
        ...[
          '--crm-url',
          env.CRM_API_URL!,
          '--tenant',
          String(TENANT_ID),
          '--credentials',
          credentials.secretId,
        ],
        ...['--to', queue.url, '--vat-field', LOCAL_VAT_FIELD, '--rate', '3000', '--json'],
        ...['--checkpoint-file', join(checkpointDir, 'backfill-checkpoint.json')],
      ],
      { stdout, stderr, cwd: checkpointDir },
    );
    if (code !== 0) throw new BenchError(`crm-sync backfill exited ${code}`);
    return JSON.parse(out) as ReconcileSummary;
  }

  async function depth(queueUrl: string): Promise<number> {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages ?? 0);
  }
} finally {
  sink.unmute();
  credentials.remove();
  await rm(checkpointDir, { recursive: true, force: true });
  await services.stop();
}

/** Customers 1..n, spread over the locations, last updated a day ago, each with its VAT number in CRO. */
async function seedCustomers(): Promise<void> {
  const dayAgo = Date.now() - 86_400_000;
  for (let first = 1; first <= customers; first += 2_000) {
    const chunk = Array.from({ length: Math.min(2_000, customers - first + 1) }, (_, i) => {
      const id = first + i;
      const stamp = new Date(dayAgo + id).toISOString().replace('Z', '000');
      return croCustomer({
        id,
        name: `Customer ${id}`,
        created_on: stamp,
        last_updated_on: stamp,
        locations: [
          {
            customer_id: id,
            location_id: ((id - 1) % locations) + 1,
            is_active: true,
            reference_number: vatNumberOf(id),
          },
        ],
      });
    });
    await services.seedCro(chunk);
  }
}

function regionAndEndpoint(env: Record<string, string>) {
  return {
    region: env.AWS_REGION!,
    endpoint: env.AWS_ENDPOINT_URL_SQS!,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
  };
}

function sum(record: Record<string, number>, keep: (key: string) => boolean = () => true): number {
  return Object.entries(record).reduce((n, [key, value]) => n + (keep(key) ? value : 0), 0);
}

function report(r: { at: string; machine: ReturnType<typeof describeMachine>; phases: PhaseRow[] }): string {
  return [
    `crm-sync backfill bench — ${r.at} — ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}`,
    `${customers} customers in ${locations} locations; API latency ${latencyMs} ms; enqueue rate ${rate}/s ` +
      `(the CLI's: 3000/s); ${pollers} customer-sync containers (batch 10, SYNC_CONCURRENCY 10)`,
    '',
    formatTable(
      [
        'phase',
        'listed',
        'enqueued',
        'enqueued by s',
        'drained by s',
        'events/s',
        'IC calls/cust',
        'IC writes/cust',
        'CRO list',
        'CRO reads',
        'DynamoDB/cust',
        'DLQ',
        'goal',
        '',
      ],
      r.phases.map((p) => [
        p.phase,
        p.listed,
        p.enqueued,
        p.enqueueSeconds,
        p.drainSeconds,
        p.eventsPerSecond,
        p.icCallsPerCustomer,
        p.icWritesPerCustomer,
        p.croListCalls,
        p.croReads,
        p.dynamoCallsPerCustomer,
        p.deadLettered,
        p.goal,
        mark(p.ok),
      ]),
    ),
  ].join('\n');
}

// A fleet of customer-sync processes sharing one CRO OAuth grant: what the OAuth fleet test and the bench's
// "token refreshes per hour" figure run. Real parts only: the CRO API simulator with its OAuth server (expiring
// JWT-shaped access tokens, refresh tokens rotating on every use, a rotated one revoking the grant), the
// Invisible Collector simulator, fauxqs (queue + DLQ), dynalite (state table with the refresh lease), one
// `file:` credentials secret, and N worker processes (fleetWorker.ts) each polling the queue.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { type LocalDynamo, startLocalDynamo } from '../../lib/local/localDynamo.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalSqs, startLocalSqs } from '../../lib/local/localSqs.ts';
import { croCustomer } from '../../lib/local/simulators/croCustomer.ts';
import {
  type CroOAuthSimulator,
  type CroSimulator,
  authorizedClient,
  DEFAULT_IC_TOKEN,
  type IcSimulator,
  startCroOAuthSimulator,
  startCroSimulator,
  startIcSimulator,
} from '../../lib/local/simulators/index.ts';
import type { OAuthCredentials } from '../../lib/oauth/types.ts';
import { BenchError } from '../errors.ts';
import { TENANT_ID, onEndpoint } from '../services/startServices.ts';
import { checkFinalState, type FinalStateCheck } from '../soak/finalState.ts';
import { queueDepth, waitForDrain } from '../soak/queueState.ts';
import { customerEvent } from '../support/customerEvent.ts';
import type { WorkerReply, WorkerRequest, WorkerSettings, WorkerStats } from './protocol.ts';

export type { WorkerStats } from './protocol.ts';

export interface FleetOptions {
  /** The OAuth server's access token lifetime, seconds. */
  accessTokenTtlSeconds: number;
  /** CRO customers the events are about. @default 20 */
  customers?: number;
  /** Settings of every worker (timings of the token provider, sync options). */
  worker?: Partial<Omit<WorkerSettings, 'queueUrl' | 'queueArn'>>;
  /** Called as the OAuth server issues tokens, before it answers (the kill test's moment). */
  onTokensIssued?: (grant: 'refresh_token' | 'authorization_code') => void;
}

/** One worker process. */
export interface FleetWorker {
  pid: number;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  stats(): Promise<WorkerStats>;
  /** SIGKILL: the process dies at once, whatever it is doing. */
  kill(): void;
  stop(): Promise<void>;
}

export interface Fleet {
  ic: IcSimulator;
  cro: CroSimulator;
  oauth: CroOAuthSimulator;
  dynamo: LocalDynamo;
  sqs: LocalSqs;
  /** The shared credentials secret (`file:`): its path and the `CREDENTIALS_SECRET_ID`. */
  secretPath: string;
  secretId: string;
  /** The customer-sync environment of every worker. */
  env: Record<string, string>;
  workers: FleetWorker[];
  startWorker(): Promise<FleetWorker>;
  /** Changes a customer in CRO and sends its event; returns the event id. */
  change(customerId: number): Promise<string>;
  /** Sends `perSecond` changes a second, round robin over the customers, for `durationMs`; returns how many. */
  produce(durationMs: number, perSecond: number): Promise<number>;
  /** Waits until the queue holds nothing (visible, in flight, delayed); false on timeout. */
  drain(timeoutMs: number): Promise<boolean>;
  dlqDepth(): Promise<number>;
  finalState(): FinalStateCheck;
  /** The `crm` object in the shared secret. */
  storedCredentials(): OAuthCredentials;
  /** Every worker's counts, summed (killed workers contribute nothing). */
  totals(): Promise<WorkerStats>;
  stop(): Promise<void>;
}

/**
 * Starts the services and the shared secret (a freshly seeded grant, no access token yet); workers are
 * started with `startWorker()`.
 *
 * @example
 * const fleet = await startFleet({ accessTokenTtlSeconds: 3 });
 * for (let i = 0; i < 3; i += 1) await fleet.startWorker();
 * await fleet.produce(60_000, 2);
 */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const customers = options.customers ?? 20;
  const [ic, oauth, dynamo, sqs] = await Promise.all([
    startIcSimulator(),
    startCroOAuthSimulator({
      accessTokenTtlSeconds: options.accessTokenTtlSeconds,
      ...(options.onTokensIssued !== undefined && { onTokensIssued: options.onTokensIssued }),
    }),
    startLocalDynamo(),
    // Visibility above the workers' Lambda timeout, as the stack derives it; receives for a long horizon.
    startLocalSqs({ maxReceiveCount: 100, visibilityTimeoutSeconds: 15 }),
  ]);
  const cro = await startCroSimulator({
    tenantId: TENANT_ID,
    acceptToken: (t) => oauth.isAccessTokenValid(t),
  });
  cro.seedCustomers(Array.from({ length: customers }, (_, i) => croCustomer({ id: i + 1 })));
  const dir = mkdtempSync(join(tmpdir(), 'crm-sync-fleet-'));
  const secretPath = join(dir, 'credentials.json');
  writeFileSync(
    secretPath,
    JSON.stringify({
      invisibleCollectorToken: DEFAULT_IC_TOKEN,
      crm: authorizedClient(oauth),
    }),
    { mode: 0o600 },
  );
  const env: Record<string, string> = {
    IC_API_URL: ic.url,
    CRM_API_URL: cro.url,
    CRM_TENANT_ID: String(TENANT_ID),
    CREDENTIALS_SECRET_ID: `file:${secretPath}`,
    CRM_TOKEN_URL: oauth.tokenUrl,
    DLQ_URL: onEndpoint(sqs.endpoint, sqs.dlq.url),
    STATE_TABLE_NAME: dynamo.tableName,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
  };
  const settings: WorkerSettings = {
    queueUrl: onEndpoint(sqs.endpoint, sqs.queue.url),
    queueArn: sqs.queue.arn,
    lambdaTimeoutMs: 10_000,
    ...options.worker,
  };
  const workers: FleetWorker[] = [];
  const alive = new Set<FleetWorker>();
  let next = 0;

  const fleet: Fleet = {
    ic,
    cro,
    oauth,
    dynamo,
    sqs,
    secretPath,
    secretId: env.CREDENTIALS_SECRET_ID!,
    env,
    workers,
    async startWorker() {
      const worker = await forkWorker(env, settings);
      workers.push(worker);
      alive.add(worker);
      const kill = worker.kill;
      worker.kill = () => {
        alive.delete(worker);
        kill();
      };
      return worker;
    },
    async change(customerId) {
      next += 1;
      cro.touch(customerId, { name: `Customer ${customerId} change ${next}` });
      const event = customerEvent({ customerId });
      await sqs.sqs.send(
        new SendMessageCommand({ QueueUrl: settings.queueUrl, MessageBody: JSON.stringify(event) }),
      );
      return event.id;
    },
    async produce(durationMs, perSecond) {
      const started = Date.now();
      let sent = 0;
      while (Date.now() - started < durationMs) {
        await fleet.change((sent % customers) + 1);
        sent += 1;
        const due = started + (sent * 1000) / perSecond;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      }
      return sent;
    },
    drain: (timeoutMs) => waitForDrain(sqs.sqs, settings.queueUrl, { timeoutMs }),
    dlqDepth: async () => (await queueDepth(sqs.sqs, onEndpoint(sqs.endpoint, sqs.dlq.url))).total,
    finalState: () =>
      checkFinalState(
        ic,
        cro,
        Array.from({ length: customers }, (_, i) => i + 1),
      ),
    storedCredentials: () => (JSON.parse(readFileSync(secretPath, 'utf8')) as { crm: OAuthCredentials }).crm,
    async totals() {
      const all = await Promise.all([...alive].map((w) => w.stats()));
      const counts: Record<string, number> = {};
      for (const stats of all) {
        for (const [key, n] of Object.entries(stats.counts)) counts[key] = (counts[key] ?? 0) + n;
      }
      return {
        counts,
        refreshes: all.reduce((n, s) => n + s.refreshes, 0),
        authorizationLost: all.reduce((n, s) => n + s.authorizationLost, 0),
        tokenLines: all.flatMap((s) => s.tokenLines),
      };
    },
    async stop() {
      await Promise.allSettled([...alive].map((w) => w.stop()));
      await Promise.allSettled([ic.stop(), cro.stop(), oauth.stop()]);
      await Promise.allSettled([dynamo.stop(), sqs.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fleet;
}

async function forkWorker(env: Record<string, string>, settings: WorkerSettings): Promise<FleetWorker> {
  const entry = fileURLToPath(new URL('./fleetWorker.ts', import.meta.url));
  // No inherited execArgv: under jest it carries the test runner's flags.
  const child: ChildProcess = fork(entry, [JSON.stringify(settings)], {
    env: {
      PATH: process.env.PATH ?? '',
      ...(process.env.FLEET_LOG_LEVEL && { FLEET_LOG_LEVEL: process.env.FLEET_LOG_LEVEL }),
      ...env,
    },
    execArgv: [],
    stdio: ['ignore', process.env.FLEET_LOG_LEVEL ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (stats: WorkerStats) => void>();
  let sequence = 0;
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new BenchError(`fleet worker exited while starting (code ${code})`)));
    child.once('message', (message: WorkerReply) => {
      if (message.type === 'ready') resolve();
    });
  });
  child.removeAllListeners('exit');
  child.on('message', (message: WorkerReply) => {
    pending.get(message.id)?.(message.stats);
    pending.delete(message.id);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    exited,
    stats: () =>
      new Promise<WorkerStats>((resolve) => {
        sequence += 1;
        pending.set(sequence, resolve);
        child.send({ type: 'stats', id: sequence } satisfies WorkerRequest);
      }),
    kill: () => {
      child.kill('SIGKILL');
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null)
        child.send({ type: 'stop' } satisfies WorkerRequest);
      await exited;
    },
  };
}

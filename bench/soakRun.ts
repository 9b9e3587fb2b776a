// The fault-injection soak shared by `npm run soak` (bench/soak.ts) and the test suite
// (test/integration/soak/soak.test.ts): real SQS protocol (fauxqs, redrive to the DLQ), several simulated
// Lambda containers polling concurrently, DynamoDB state (dynalite), both API simulators with faults, a
// token rotation midway, duplicates, shuffled order and permanently invalid events; then the checks.
import { SqsLambdaPoller } from '../lib/local/SqsLambdaPoller.ts';
import { inspectDlq } from '../lib/replay/inspectDlq.ts';
import { replayMessages } from '../lib/replay/replayMessages.ts';
import { croCustomer } from '../lib/local/simulators/croCustomer.ts';
import { type FaultOptions, seededRandom } from '../lib/local/simulators/index.ts';
import { INITIAL_TOKENS, startServices } from './services/startServices.ts';
import { type ApiTally, CallTally, tallySince } from './soak/CallTally.ts';
import type { ContainerFactory } from './soak/containers.ts';
import { checkFinalState } from './soak/finalState.ts';
import { Ledger } from './soak/Ledger.ts';
import { invalidBodies } from './soak/plan.ts';
import { produce } from './soak/produce.ts';
import { waitForDrain } from './soak/queueState.ts';
import { type SoakResult, summarise } from './soak/summarise.ts';
import { createCredentialsFile } from './support/credentialsFile.ts';

export type { SoakCheck, SoakResult } from './soak/summarise.ts';

/** Issue 6's fault mix: 10% 5xx, 5% 429 with Retry-After, 2% timeouts (on every route of both APIs). */
export const SOAK_FAULTS: FaultOptions = {
  serverErrorRate: 0.1,
  rateLimitRate: 0.05,
  retryAfterSeconds: 1,
  timeoutRate: 0.02,
  timeoutMs: 3_000,
};

export interface SoakOptions {
  /** CRM changes, one CloudEvent each. */
  changes: number;
  customers: number;
  /** Permanently invalid events mixed in. */
  invalid: number;
  /**
   * Customers whose `created` event arrives before CRO serves them: CRO answers 404, the event is
   * dead-lettered (`crm-not-found`); they are created in CRO as part of the fix, and the replay applies them.
   * @default 0
   */
  lateCustomers?: number;
  /** @default 0.2 */
  duplicateRate?: number;
  /** @default 0.5 */
  snapshotRate?: number;
  /** @default SOAK_FAULTS */
  faults?: FaultOptions;
  /** Concurrent pollers (Lambda containers). */
  containers: number;
  containerFactory: ContainerFactory;
  /** @default 1 */
  seed?: number;
  /** Changes per shuffled window. @default 100 */
  windowSize?: number;
  /** The simulated function timeout. @default 20000 */
  lambdaTimeoutMs?: number;
  /** Main queue visibility timeout, seconds. @default 30 */
  visibilityTimeoutSeconds?: number;
  /** @default 8 */
  maxReceiveCount?: number;
  /** How long each drain may take before the run is declared stuck. @default 600000 */
  drainTimeoutMs?: number;
  /** Extra customer-sync variables. */
  env?: Record<string, string>;
  onProgress?: (line: string) => void;
}

/** Between the APIs refusing the old tokens and the secret holding the new ones. */
const ROTATION_LAG_MS = 250;

/** The customer-sync settings of a soak (short timeouts so injected timeouts cost ~1 s). */
const SOAK_ENV = {
  IC_TIMEOUT_MS: '1000',
  CRM_TIMEOUT_MS: '1000',
  TIME_MARGIN_MS: '2000',
  SYNC_CONCURRENCY: '10',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

/**
 * Runs the soak end to end and returns the figures and the checks. Never throws for a failed check
 * (the caller decides); throws only when the soak itself cannot run.
 *
 * @example
 * const result = await runSoak({ changes: 300, customers: 60, invalid: 4, containers: 3, containerFactory });
 * expect(result.checks.filter((c) => !c.ok)).toEqual([]);
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const started = Date.now();
  const progress = options.onProgress ?? (() => undefined);
  const seed = options.seed ?? 1;
  const random = seededRandom(seed);
  const faults = { ...(options.faults ?? SOAK_FAULTS), seed };
  const services = await startServices({
    maxReceiveCount: options.maxReceiveCount ?? 8,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
  });
  const { sqs, queue, dlq } = services.sqs;
  const credentials = createCredentialsFile(INITIAL_TOKENS);
  const tally = new CallTally({ ic: services.ic, cro: services.cro });
  const ledger = new Ledger();
  const pollers: SqsLambdaPoller[] = [];
  const fold = setInterval(() => tally.fold(), 2_000);
  let atRotation: Record<string, ApiTally> = structuredClone(tally.totals);
  let rotation: Promise<void> = Promise.resolve();
  try {
    const env = { ...services.env, CREDENTIALS_SECRET_ID: credentials.secretId, ...SOAK_ENV, ...options.env };
    const customers = Math.min(options.customers, options.changes);
    const customerIds = Array.from({ length: customers }, (_, i) => i + 1);
    services.cro.seedCustomers(customerIds.map((id) => croCustomer({ id, name: `Customer ${id}` })));
    for (let index = 0; index < options.containers; index += 1) {
      const handler = await options.containerFactory(index, env, services);
      pollers.push(
        new SqsLambdaPoller({
          sqs,
          queueUrl: queue.url,
          queueArn: queue.arn,
          handler,
          batchSize: 10,
          timeoutMs: options.lambdaTimeoutMs ?? 20_000,
          waitTimeSeconds: 1,
          functionName: `customer-sync-${index}`,
          onBatch: ledger.onBatch,
        }),
      );
    }
    services.ic.setFaults(faults);
    services.cro.setFaults({ ...faults, seed: seed + 1 });
    for (const poller of pollers) poller.start();

    const invalid = invalidBodies(options.invalid);
    const lateCustomers = Array.from({ length: options.lateCustomers ?? 0 }, (_, i) => customers + 1 + i);
    progress(
      `sending ${options.changes} changes over ${customers} customers (+${Math.round((options.duplicateRate ?? 0.2) * 100)}% duplicates, ${invalid.length} invalid) to ${options.containers} containers`,
    );
    await produce({
      sqs,
      queueUrl: queue.url,
      cro: services.cro,
      ledger,
      random,
      changes: options.changes,
      customers,
      invalid,
      lateCustomers,
      duplicateRate: options.duplicateRate ?? 0.2,
      snapshotRate: options.snapshotRate ?? 0.5,
      windowSize: options.windowSize ?? 100,
      midway: () => {
        // The APIs refuse the old tokens at once; the secret is rewritten a moment later, so calls in between
        // get a 401, refresh the secret once, and — still old — fail transiently and are retried (docs/events.md#failures).
        const rotated = {
          invisibleCollectorToken: 'ic-rotated-token',
          crmToken: 'cro-rotated.payload.signature',
        };
        tally.fold();
        atRotation = structuredClone(tally.totals);
        services.ic.setTokens([rotated.invisibleCollectorToken]);
        services.cro.setTokens([rotated.crmToken]);
        rotation = new Promise((resolve) =>
          setTimeout(() => {
            credentials.write(rotated);
            progress('tokens rotated');
            resolve();
          }, ROTATION_LAG_MS),
        );
      },
      onProgress: (sent) => progress(`sent ${sent}/${options.changes} changes`),
    });
    await rotation;
    const drainTimeoutMs = options.drainTimeoutMs ?? 600_000;
    let lastReport = 0;
    const onTick = (depth: number) => {
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        progress(`waiting for the queue to drain: ${depth} messages left (some backing off)`);
      }
    };
    const drained = await waitForDrain(sqs, queue.url, { timeoutMs: drainTimeoutMs, onTick });
    const underFaultsMs = Date.now() - started;
    const dlqRows = (await inspectDlq({ sqs, from: dlq.url, waitTimeSeconds: 0 })).messages;
    ledger.noteDlq(dlqRows);
    const dispositions = ledger.dispositions(dlqRows);
    progress(`under faults: queue ${drained ? 'drained' : 'NOT drained'}, ${dlqRows.length} in the DLQ`);

    // The fix: the APIs stop failing and the late customers now exist in CRO. Then the whole DLQ is
    // replayed (the permanently invalid events come straight back to it).
    services.ic.setFaults({});
    services.cro.setFaults({});
    for (const id of lateCustomers)
      services.cro.upsertCustomer(croCustomer({ id, name: `Customer ${id} (late)` }));
    const replayStarted = Date.now();
    const replay = await replayMessages({ sqs, from: dlq.url, to: queue.url, waitTimeSeconds: 0 });
    const replayDrained = await waitForDrain(sqs, queue.url, { timeoutMs: drainTimeoutMs, onTick });
    const replayMs = Date.now() - replayStarted;
    const finalRows = (await inspectDlq({ sqs, from: dlq.url, waitTimeSeconds: 0 })).messages;
    ledger.noteDlq(finalRows);
    progress(`replayed ${replay.replayed}; ${finalRows.length} left in the DLQ`);

    await Promise.all(pollers.map((poller) => poller.stop()));
    pollers.length = 0;
    tally.fold({ final: true });
    // Every customer has at least one change (the first `customers` changes cover them all).
    const state = checkFinalState(services.ic, services.cro, [...customerIds, ...lateCustomers]);
    return summarise({
      options: {
        changes: options.changes,
        customers,
        invalid: options.invalid,
        lateCustomers: lateCustomers.length,
        containers: options.containers,
        faults,
        seed,
      },
      ledger,
      dlqRows,
      finalRows,
      dispositions,
      drained,
      replayDrained,
      replay,
      state,
      api: tally.totals,
      afterRotation: tallySince(atRotation, tally.totals),
      timings: { underFaultsMs, replayMs, totalMs: Date.now() - started },
    });
  } finally {
    clearInterval(fold);
    await Promise.all(pollers.map((poller) => poller.stop()));
    credentials.remove();
    await services.stop();
  }
}

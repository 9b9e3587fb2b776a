import type { ReconcileSummary } from '../reconcile/types.ts';
import { croCustomer } from './simulators/croCustomer.ts';
import type { CroSimulator } from './simulators/croSimulator.ts';
import { lambdaContext } from './lambdaContext.ts';
import { LambdaWorker } from './LambdaWorker.ts';

/** Where the local stack's simulated customers keep their VAT number (`CRM_VAT_FIELD`). */
export const LOCAL_VAT_FIELD = 'locations.0.reference_number';

/** The local reconcile function's timeout, as the stack deploys it. */
const RECONCILE_TIMEOUT_MS = 10 * 60_000;

/**
 * Seeds the local CRO simulator: locations 1 (Lisboa) and 2 (Porto), active, and 3 (Faro), inactive;
 * customers 1–3 in Lisboa, each with its VAT number where {@link LOCAL_VAT_FIELD} points (the same number
 * `npm run send-example` sends), so the first reconciliation registers them in Invisible Collector.
 *
 * @example
 * seedLocalCro(cro);
 */
export function seedLocalCro(cro: CroSimulator): void {
  cro.seedLocations([
    { id: 1, name: 'Lisboa', is_active: true },
    { id: 2, name: 'Porto', is_active: true },
    { id: 3, name: 'Faro', is_active: false },
  ]);
  cro.seedCustomers(
    [1, 2, 3].map((id) =>
      croCustomer({
        id,
        name: `Local Customer ${id}`,
        locations: [
          {
            customer_id: id,
            location_id: 1,
            is_active: true,
            reference_number: `PT5${String(id).padStart(8, '0')}`,
          },
        ],
      }),
    ),
  );
}

export interface LocalReconcileOptions {
  /** Absolute path of the reconcile bundle. */
  bundle: string;
  /** The function's environment (CRO, tenant, credentials, queue, state table, AWS endpoints). */
  env: Record<string, string>;
  /** Runs once at start and then every `intervalMs`; 0: only on demand ({@link LocalReconcile.runNow}). */
  intervalMs: number;
  onOutput?: (line: string) => void;
  /** A scheduled run failed (a failed location, or the function itself). */
  onError?: (error: unknown) => void;
}

/** The local stand-in for the scheduled reconcile function. */
export interface LocalReconcile {
  /** One run now (after the one in progress, if any); resolves its summary or rejects with the run's error. */
  runNow(): Promise<ReconcileSummary>;
  stop(): Promise<void>;
}

/**
 * Runs the BUNDLED reconcile function in its own worker thread (like every function of the local stack) on a
 * timer standing in for EventBridge Scheduler, and on demand. Runs never overlap: a request during a run
 * waits for it.
 *
 * @example
 * const reconcile = await startLocalReconcile({ bundle, env, intervalMs: 60_000 });
 * await reconcile.runNow();
 */
export async function startLocalReconcile(options: LocalReconcileOptions): Promise<LocalReconcile> {
  const worker = await LambdaWorker.start({
    bundle: options.bundle,
    functionName: 'reconcile',
    env: options.env,
    onOutput: (line) => options.onOutput?.(line),
  });
  let last: Promise<unknown> = Promise.resolve();
  const runNow = () => {
    const run = last.then(() =>
      worker.invoke<ReconcileSummary>(
        { source: 'crm-sync.local-schedule' },
        lambdaContext({ functionName: 'reconcile', timeoutMs: RECONCILE_TIMEOUT_MS }),
      ),
    );
    last = run.catch(() => undefined);
    return run;
  };
  const scheduled = () => void runNow().catch((error: unknown) => options.onError?.(error));
  const timer = options.intervalMs > 0 ? setInterval(scheduled, options.intervalMs) : undefined;
  if (options.intervalMs > 0) scheduled();
  return {
    runNow,
    async stop() {
      clearInterval(timer);
      await last;
      await worker.stop();
    },
  };
}

// The reconciliation on real parts: the customer-sync harness (fauxqs, both API simulators, the real sync
// driven by the SQS poller) plus the CRO simulator's locations, a CroClient, a checkpoint store and the
// queue sink, wired by `createReconcileDeps` exactly as the reconcile function wires them.
import { DEFAULT_CRO_TOKEN, DEFAULT_IC_TOKEN } from '../../../lib/local/simulators/index.ts';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import type { CroCustomer } from '../../../lib/crm/schemas.ts';
import type { CroCredentialsParts } from '../../../lib/crm/croCredentials.ts';
import type { CroListApi } from '../../../lib/crm/types.ts';
import { loadReconcileConfig } from '../../../lib/config/reconcile.ts';
import { createReconcileDeps } from '../../../lib/reconcile/createReconcileDeps.ts';
import { MemoryCheckpointStore } from '../../../lib/reconcile/checkpointStores.ts';
import { runReconcile, type ReconcileDeps, type RunOptions } from '../../../lib/reconcile/reconcileRun.ts';
import type { CheckpointStore, ReconcileSummary, RunBudget } from '../../../lib/reconcile/types.ts';
import { credentialsProvider } from '../../../lib/secrets/index.ts';
import {
  endpointUrl,
  type Harness,
  type HarnessOptions,
  SECRET_ID,
  startHarness,
} from '../customer-sync/harness.ts';

/** Where the tests keep the VAT number in CRO's CustomerModel (`CRM_VAT_FIELD`). */
export const VAT_FIELD = 'locations.0.reference_number';

/** A distinct VAT number per customer. */
export const vatOf = (id: number) => `PT5${String(id).padStart(8, '0')}`;

/** A CRO customer linked to `locationIds` (the first link carries its VAT number). */
export function customerAt(id: number, locationIds: readonly number[], overrides: Partial<CroCustomer> = {}) {
  return croCustomer({
    id,
    name: `Customer ${id}`,
    locations: locationIds.map((locationId, n) => ({
      customer_id: id,
      location_id: locationId,
      is_active: true,
      reference_number: n === 0 ? vatOf(id) : null,
    })),
    ...overrides,
  });
}

/** A budget that never runs out. */
export const unlimited: RunBudget = {
  canStart: () => true,
  deadline: () => Date.now() + 30_000,
  leaseMs: () => 60_000,
};

export interface ReconcileHarness extends Harness {
  store: CheckpointStore;
  deps: Harness['deps'];
  reconcileDeps: ReconcileDeps;
  /** One reconciliation run (unlimited budget unless given). */
  reconcile(options?: RunOptions & { budget?: RunBudget }): Promise<ReconcileSummary>;
  /** Runs the sync until the queue stays empty; returns the records that failed. */
  drain(): Promise<string[]>;
}

export interface ReconcileHarnessOptions extends HarnessOptions {
  /** Extra reconcile variables (RECONCILE_PAGE_LIMIT, CRM_LOCATION_IDS, ...). */
  reconcileEnv?: Record<string, string>;
  checkpoints?: CheckpointStore;
  /** The cap the listing assumes (the simulator's is set separately). */
  listCap?: number;
  /** Wraps the CRO list client (to change CRO between two pages). */
  wrapCro?: (cro: CroListApi) => CroListApi;
  /**
   * CRO OAuth for the reconciliation: `createReconcileDeps` builds the credentials from the configuration
   * (this secret and `CRM_TOKEN_URL`), as the function does. Unset: the static test token.
   */
  oauth?: { secretId: string; tokenUrl: string; credentialParts?: CroCredentialsParts };
}

export async function startReconcileHarness(
  options: ReconcileHarnessOptions = {},
): Promise<ReconcileHarness> {
  const h = await startHarness(options);
  const config = loadReconcileConfig({
    CRM_API_URL: h.cro.url,
    CRM_TENANT_ID: '42',
    CREDENTIALS_SECRET_ID: options.oauth?.secretId ?? SECRET_ID,
    ...(options.oauth !== undefined && { CRM_TOKEN_URL: options.oauth.tokenUrl }),
    QUEUE_URL: endpointUrl(h.local, h.queue),
    CRM_VAT_FIELD: VAT_FIELD,
    RECONCILE_PAGE_LIMIT: '10',
    RECONCILE_ENQUEUE_RATE: '3000',
    RECONCILE_CONCURRENCY: '1',
    CRM_TIMEOUT_MS: '2000',
    ...options.reconcileEnv,
  });
  const store = options.checkpoints ?? new MemoryCheckpointStore({ tenantId: 42 });
  const reader = async () =>
    JSON.stringify({ invisibleCollectorToken: DEFAULT_IC_TOKEN, crmToken: DEFAULT_CRO_TOKEN });
  const reconcileDeps = createReconcileDeps(config, {
    ...(options.oauth === undefined
      ? { credentials: credentialsProvider(SECRET_ID, { reader }) }
      : { credentialParts: options.oauth.credentialParts ?? {} }),
    sqs: h.local.sqs,
    store,
  });
  if (options.wrapCro) reconcileDeps.cro = options.wrapCro(reconcileDeps.cro);
  if (options.listCap !== undefined) reconcileDeps.settings.listCap = options.listCap;
  return {
    ...h,
    store,
    reconcileDeps,
    reconcile: ({ budget, ...run } = {}) => runReconcile(reconcileDeps, budget ?? unlimited, run),
    async drain() {
      const outcomes = await h.poller().drain();
      return outcomes.flatMap((outcome) => outcome.failed);
    },
  };
}

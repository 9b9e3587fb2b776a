// reconcile Lambda (EventBridge Scheduler → CRO's customer lists → the event queue). Any event triggers a
// run. Module scope runs once per container: configuration (a bad variable fails the cold start, naming it),
// the CRO client, the checkpoint store, the queue sink, logger and metrics. The logic is `runReconcile`
// (lib/reconcile); a run in which some location failed ends with an error, after every location was tried,
// so the function's error alarm fires — the failed locations keep their checkpoints.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadReconcileConfig } from '../../lib/config/reconcile.ts';
import { createLogger, createMetrics, SERVICE_NAMES } from '../../lib/observability/index.ts';
import { createReconcileDeps } from '../../lib/reconcile/createReconcileDeps.ts';
import { ReconcileRunError } from '../../lib/reconcile/errors.ts';
import { recordRunMetrics, runReconcile } from '../../lib/reconcile/reconcileRun.ts';
import type { ReconcileSummary } from '../../lib/reconcile/types.ts';
import { TimeBudget } from '../../lib/sync/TimeBudget.ts';

const config = loadReconcileConfig();
const logger = createLogger(SERVICE_NAMES.reconcile);
const metrics = createMetrics(SERVICE_NAMES.reconcile);
const deps = createReconcileDeps(config);

/** The handler without middlewares: any event → one run's summary (or a `ReconcileRunError`). */
export const run = async (_event: unknown, context: Context): Promise<ReconcileSummary> => {
  const summary = await runReconcile(deps, new TimeBudget(context, config.timeMarginMs));
  recordRunMetrics(metrics, summary);
  for (const location of summary.locations) {
    const { error, ...fields } = location;
    if (error === undefined) logger.info('location reconciled', fields);
    else logger.error('location not reconciled', { ...fields, error });
  }
  logger.info('reconcile run', {
    listed: summary.listed,
    enqueued: summary.enqueued,
    locations: summary.locations.length,
    inactiveSkipped: summary.inactiveSkipped,
  });
  const failed = summary.locations.filter((location) => location.status === 'failed');
  if (failed.length > 0) throw new ReconcileRunError(failed);
  return summary;
};

export const handler = middy(run)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));

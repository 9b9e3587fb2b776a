// reconcile Lambda (EventBridge Scheduler → CRO's customer lists → the event queue). Any event triggers a
// run. Module scope runs once per container: configuration (a bad variable fails the cold start, naming it),
// the CRO client (with CRO OAuth as customer-sync has it), the checkpoint store, the queue sink, logger and
// metrics. The logic is `runReconcile` (lib/reconcile); a run in which some location failed ends with an
// error, after every location was tried, so the function's error alarm fires — the failed locations keep
// their checkpoints. A lost CRO authorization fails the run the same way and counts CrmAuthorizationLost.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { InvocationDeadline } from '../../lib/aws/boundedCalls.ts';
import { loadObservabilityConfig } from '../../lib/config/observability.ts';
import { loadReconcileConfig } from '../../lib/config/reconcile.ts';
import { createLogger, createMetrics, METRIC, SERVICE_NAMES } from '../../lib/observability/index.ts';
import { createReconcileDeps } from '../../lib/reconcile/createReconcileDeps.ts';
import { ReconcileRunError } from '../../lib/reconcile/errors.ts';
import { recordRunMetrics, runReconcile } from '../../lib/reconcile/reconcileRun.ts';
import type { ReconcileSummary } from '../../lib/reconcile/types.ts';
import { TimeBudget } from '../../lib/sync/TimeBudget.ts';

const config = loadReconcileConfig();
// The `stack` dimension of its metrics (the CheckpointLag and CrmAuthorizationLost alarms read this stack's).
const { stack } = loadObservabilityConfig();
const logger = createLogger(SERVICE_NAMES.reconcile);
const metrics = createMetrics(SERVICE_NAMES.reconcile, stack);
// Every AWS call of a run ends before the invocation does (DynamoDB, SQS and Secrets Manager clients share it).
const deadline = new InvocationDeadline();
const deps = createReconcileDeps(config, {
  logger,
  deadline,
  // CRO OAuth, as customer-sync: the CrmAuthorizationLost alarm watches both functions' counts.
  credentialParts: {
    onAuthorizationLost: () => metrics.addMetric(METRIC.crmAuthorizationLost, MetricUnit.Count, 1),
    onRefresh: () => metrics.addMetric(METRIC.crmTokenRefreshes, MetricUnit.Count, 1),
  },
});

/** The handler without middlewares: any event → one run's summary (or a `ReconcileRunError`). */
export const run = async (_event: unknown, context: Context): Promise<ReconcileSummary> => {
  deadline.start(context, config.awsDeadlineReserveMs);
  let summary: ReconcileSummary;
  try {
    summary = await runReconcile(deps, new TimeBudget(context, config.timeMarginMs));
  } finally {
    deadline.clear();
  }
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

// customer-sync Lambda (SQS → Invisible Collector). Module scope runs once per container: configuration
// (a bad variable fails the cold start, naming it), clients, state store, logger and metrics. The logic is
// `processBatch` (lib/sync); partial batch failures are its own `{ batchItemFailures }` return value —
// the one partial-batch mechanism (the event source mapping has ReportBatchItemFailures on).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { InvocationDeadline } from '../../lib/aws/boundedCalls.ts';
import { loadCustomerSyncConfig } from '../../lib/config/customerSync.ts';
import { loadObservabilityConfig } from '../../lib/config/observability.ts';
import { createLogger, createMetrics, METRIC, SERVICE_NAMES } from '../../lib/observability/index.ts';
import { createTracing } from '../../lib/observability/createTracer.ts';
import { createCustomerSyncDeps } from '../../lib/sync/createCustomerSyncDeps.ts';
import { processBatch } from '../../lib/sync/processBatch.ts';
import { powertoolsSyncMetrics } from '../../lib/sync/syncMetrics.ts';

const config = loadCustomerSyncConfig();
const observability = loadObservabilityConfig();
// X-Ray only with the stack's `tracing` on; otherwise the Tracer is never loaded. Before the clients: it wraps them.
const tracing = observability.tracing ? await createTracing(SERVICE_NAMES.customerSync) : undefined;
const logger = createLogger(SERVICE_NAMES.customerSync);
const metrics = createMetrics(SERVICE_NAMES.customerSync, observability.stack);
// Counted during the batch, emitted once at its end (one EMF record per dimension value); the shared
// `metrics` buffer is then published by logMetrics.
const syncMetrics = powertoolsSyncMetrics(
  metrics,
  createMetrics(SERVICE_NAMES.customerSync, observability.stack),
);
// Every AWS call of an invocation ends before it does (DynamoDB, SQS and Secrets Manager clients share it).
const deadline = new InvocationDeadline();
const deps = createCustomerSyncDeps(config, {
  logger,
  metrics: syncMetrics,
  deadline,
  ...(tracing !== undefined && { traceClient: tracing.traceClient }),
  // CRO OAuth: an alarm watches CrmAuthorizationLost; CrmTokenRefreshes shows the fleet's refresh rate.
  credentialParts: {
    onAuthorizationLost: () => metrics.addMetric(METRIC.crmAuthorizationLost, MetricUnit.Count, 1),
    onRefresh: () => metrics.addMetric(METRIC.crmTokenRefreshes, MetricUnit.Count, 1),
  },
});

/** The handler without middlewares: one SQS batch → the partial batch response. */
export const run = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  deadline.start(context, config.awsDeadlineReserveMs);
  try {
    return await processBatch(event.Records, deps, context);
  } finally {
    deadline.clear();
    syncMetrics.flush();
  }
};

export const handler = middy(run)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
if (tracing !== undefined) handler.use(tracing.middleware);

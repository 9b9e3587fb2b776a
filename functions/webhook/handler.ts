// webhook Lambda (API Gateway HTTP API / Function URL → the event queue). Module scope runs once per
// container: configuration (a bad variable fails the cold start, naming it), the SQS client, the cached
// webhook secret, logger and metrics. The logic is `handleWebhook` (lib/webhook).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { loadObservabilityConfig } from '../../lib/config/observability.ts';
import { loadWebhookConfig } from '../../lib/config/webhook.ts';
import { createLogger, createMetrics, SERVICE_NAMES } from '../../lib/observability/index.ts';
import { createTracing } from '../../lib/observability/createTracer.ts';
import { fromApiGatewayEvent, toApiGatewayResult } from '../../lib/webhook/apiGateway.ts';
import { createWebhookDeps } from '../../lib/webhook/createWebhookDeps.ts';
import { handleWebhook } from '../../lib/webhook/handleWebhook.ts';
import { powertoolsWebhookMetrics } from '../../lib/webhook/webhookMetrics.ts';

const config = loadWebhookConfig();
const observability = loadObservabilityConfig();
// X-Ray only with the stack's `tracing` on; otherwise the Tracer is never loaded. Before the clients: it wraps them.
const tracing = observability.tracing ? await createTracing(SERVICE_NAMES.webhook) : undefined;
const logger = createLogger(SERVICE_NAMES.webhook);
const metrics = createMetrics(SERVICE_NAMES.webhook, observability.stack);
const deps = createWebhookDeps(config, {
  logger,
  metrics: powertoolsWebhookMetrics(metrics),
  ...(tracing !== undefined && { traceClient: tracing.traceClient }),
});

/** The handler without middlewares: one HTTP request → one HTTP result. */
export const run = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> =>
  toApiGatewayResult(await handleWebhook(fromApiGatewayEvent(event), deps));

export const handler = middy(run)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
if (tracing !== undefined) handler.use(tracing.middleware);

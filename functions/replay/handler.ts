// replay Lambda (operator tool: DLQ → event queue). Invoked with the CLI's options as JSON, e.g.
// `aws lambda invoke --function-name <ReplayFunctionName> --payload '{"reason":"vat-conflict","max":100}' out.json`.
// Module scope runs once per container: configuration (DLQ_URL, QUEUE_URL; a bad one fails the cold start,
// naming it), the SQS client and the logger. The logic is `handleReplayRequest` (lib/replay).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { awsClientConfig } from '../../lib/aws/boundedCalls.ts';
import { loadObservabilityConfig } from '../../lib/config/observability.ts';
import { createLogger, SERVICE_NAMES } from '../../lib/observability/index.ts';
import { createTracing } from '../../lib/observability/createTracer.ts';
import { loadReplayConfig } from '../../lib/replay/replayLambda.ts';
import { handleReplayRequest } from '../../lib/replay/replayLambda.ts';
import type { ReplaySummary } from '../../lib/replay/types.ts';

const config = loadReplayConfig();
const observability = loadObservabilityConfig();
// X-Ray only with the stack's `tracing` on; otherwise the Tracer is never loaded. Before the client: it wraps it.
const tracing = observability.tracing ? await createTracing(SERVICE_NAMES.replay) : undefined;
const logger = createLogger(SERVICE_NAMES.replay);
const client = new SQSClient({ useQueueUrlAsEndpoint: false, ...awsClientConfig(config.awsLimits) });
const sqs = tracing === undefined ? client : tracing.traceClient(client);

/** The handler without middlewares: replay options → the run's summary. */
export const run = (payload: unknown, context: Context): Promise<ReplaySummary> =>
  handleReplayRequest(
    payload,
    { sqs, config, log: (message, fields) => logger.info(message, fields) },
    context,
  );

export const handler = middy(run).use(injectLambdaContext(logger, { resetKeys: true }));
if (tracing !== undefined) handler.use(tracing.middleware);

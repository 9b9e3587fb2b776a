import type { MiddlewareObj } from '@middy/core';
import { syncBuiltinESMExports } from 'node:module';

/** Wraps an AWS SDK v3 client so each of its calls is an X-Ray subsegment (or returns it as is). */
export type TraceClient = <C>(client: C) => C;

/** What a traced function uses: the invocation's segment, and the wrapper of its AWS clients. */
export interface Tracing {
  /** Opens the invocation's segment (responses not captured: nothing of them belongs in a trace). */
  middleware: MiddlewareObj;
  /** `tracer.captureAWSv3Client`: the SDK marks its own requests, so HTTP patching alone skips them. */
  traceClient: TraceClient;
}

/**
 * Powertools Tracer (X-Ray), loaded only when tracing is on: the module and the X-Ray SDK under it are
 * imported on demand, so a function deployed without `tracing` never evaluates them at cold start. The
 * Tracer records every HTTP request as a subsegment — the Invisible Collector and CRO calls of lib/http — by
 * patching `node:http` / `node:https`; the ES module bindings of those built-ins (how lib/http/transport.ts
 * imports them) are then resynchronised so the patched functions are used. AWS SDK clients are traced through
 * `traceClient` (their requests carry Lambda's trace header, which the HTTP patch leaves alone). Call it before
 * building the clients.
 *
 * @example
 * const tracing = observability.tracing ? await createTracing('customer-sync') : undefined;
 * const deps = createCustomerSyncDeps(config, { logger, metrics, traceClient: tracing?.traceClient });
 * if (tracing !== undefined) handler.use(tracing.middleware);
 */
export async function createTracing(serviceName: string): Promise<Tracing> {
  const [{ Tracer }, { captureLambdaHandler }] = await Promise.all([
    import('@aws-lambda-powertools/tracer'),
    import('@aws-lambda-powertools/tracer/middleware'),
  ]);
  const tracer = new Tracer({ serviceName });
  syncBuiltinESMExports();
  return {
    middleware: captureLambdaHandler(tracer, { captureResponse: false }) as MiddlewareObj,
    traceClient: <C>(client: C): C => tracer.captureAWSv3Client(client as never) as C,
  };
}

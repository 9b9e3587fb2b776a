import type { MiddlewareObj } from '@middy/core';
import { syncBuiltinESMExports } from 'node:module';

/**
 * Powertools Tracer (X-Ray), loaded only when tracing is on: the module and the X-Ray SDK under it are
 * imported on demand, so a function deployed without `tracing` never evaluates them at cold start. Returns the
 * middy middleware that opens the invocation's segment (responses not captured: nothing of them belongs in a
 * trace). The Tracer records every HTTP request as a subsegment — AWS calls and the Invisible Collector and
 * CRO calls of lib/http alike — by patching `node:http` / `node:https`; the ES module bindings of those
 * built-ins (how lib/http/transport.ts imports them) are then resynchronised so the patched functions are used.
 *
 * @example
 * const tracing = observability.tracing ? await createTracing('customer-sync') : undefined;
 * if (tracing !== undefined) handler.use(tracing);
 */
export async function createTracing(serviceName: string): Promise<MiddlewareObj> {
  const [{ Tracer }, { captureLambdaHandler }] = await Promise.all([
    import('@aws-lambda-powertools/tracer'),
    import('@aws-lambda-powertools/tracer/middleware'),
  ]);
  const tracer = new Tracer({ serviceName });
  syncBuiltinESMExports();
  return captureLambdaHandler(tracer, { captureResponse: false }) as MiddlewareObj;
}

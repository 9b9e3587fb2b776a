// Runs inside a worker thread: one Lambda "container". Imports the bundle once (the cold start, with the
// environment the parent gave the worker), then serves invocations posted by `LambdaWorker`.
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

interface Invocation {
  id: number;
  event: unknown;
  context: { functionName: string; awsRequestId: string; deadline: number };
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const { bundle } = workerData as { bundle: string };
const port = parentPort!;

try {
  const module = (await import(pathToFileURL(bundle).href)) as { handler?: Handler };
  const handler = module.handler;
  if (typeof handler !== 'function') throw new Error(`${bundle} does not export a handler`);
  port.on('message', (invocation: Invocation) => {
    const { functionName, awsRequestId, deadline } = invocation.context;
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
      memoryLimitInMB: '256',
      awsRequestId,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    handler(invocation.event, context).then(
      (result) => port.postMessage({ id: invocation.id, result }),
      (error: unknown) => port.postMessage({ id: invocation.id, error: describe(error) }),
    );
  });
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ initError: describe(error) });
}

function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import type { Context } from 'aws-lambda';

export interface LambdaWorkerOptions {
  /** Absolute path of the bundle (`dist/functions/<name>/index.mjs`), which exports `handler`. */
  bundle: string;
  functionName: string;
  /** The function's environment, set before the bundle is imported (as Lambda does). */
  env: Record<string, string>;
  /** Every line the function writes to stdout/stderr (its structured logs), as CloudWatch would get them. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** The function threw (the invocation failed): what Lambda reports as `errorType` / `errorMessage`. */
export class LambdaInvocationError extends Error {
  readonly errorType: string;
  constructor(functionName: string, errorType: string, message: string) {
    super(`${functionName} failed: ${errorType}: ${message}`);
    this.name = 'LambdaInvocationError';
    this.errorType = errorType;
  }
}

interface Reply {
  id?: number;
  result?: unknown;
  error?: { name: string; message: string };
  ready?: boolean;
  initError?: { name: string; message: string };
}

/**
 * One warm Lambda "container" for a bundled function, in a worker thread: the bundle is imported once with
 * the function's own environment (its module scope is the cold start), invocations are serialised events
 * (as Lambda passes JSON), and its stdout/stderr are captured line by line. A worker thread — rather than an
 * import in this process — gives each function its own `process.env` and module state, like separate functions.
 *
 * @example
 * const sync = await LambdaWorker.start({ bundle: 'dist/functions/customer-sync/index.mjs', functionName: 'customer-sync', env });
 * const response = await sync.invoke(sqsEvent, lambdaContext({ functionName: 'customer-sync', timeoutMs: 60_000 }));
 */
export class LambdaWorker {
  private readonly worker: Worker;
  private readonly functionName: string;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  private constructor(worker: Worker, functionName: string) {
    this.worker = worker;
    this.functionName = functionName;
  }

  /** Starts the worker and waits for the cold start; rejects with the init error if the module throws. */
  static async start(options: LambdaWorkerOptions): Promise<LambdaWorker> {
    const worker = new Worker(new URL('./lambdaWorkerMain.ts', import.meta.url), {
      workerData: { bundle: options.bundle },
      env: options.env,
      stdout: true,
      stderr: true,
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: worker[stream] }).on('line', (line) => options.onOutput?.(line, stream));
    }
    const lambda = new LambdaWorker(worker, options.functionName);
    try {
      await new Promise<void>((resolve, reject) => {
        const onMessage = (reply: Reply) => {
          if (reply.initError) {
            const { name, message } = reply.initError;
            reject(
              new LambdaInvocationError(options.functionName, `Runtime.ImportModuleError (${name})`, message),
            );
          }
          if (!reply.ready) return;
          worker.off('message', onMessage);
          worker.on('message', (r: Reply) => lambda.settle(r));
          resolve();
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
        worker.once('exit', (code) =>
          reject(new Error(`${options.functionName} exited (${code}) while starting`)),
        );
      });
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    worker.on('error', (error) => lambda.failAll(error));
    worker.on('exit', () => lambda.failAll(new Error(`${options.functionName} worker exited`)));
    return lambda;
  }

  /** Invokes the handler with a JSON copy of `event`; resolves with its result, rejects if it throws. */
  invoke<T = unknown>(
    event: unknown,
    context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
  ): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({
        id,
        event,
        context: {
          functionName: this.functionName,
          awsRequestId: context.awsRequestId,
          deadline: Date.now() + context.getRemainingTimeInMillis(),
        },
      });
    });
  }

  /** Terminates the worker; pending invocations are rejected. */
  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private settle(reply: Reply): void {
    if (reply.id === undefined) return;
    const waiter = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (reply.error) {
      waiter?.reject(new LambdaInvocationError(this.functionName, reply.error.name, reply.error.message));
    } else waiter?.resolve(reply.result);
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

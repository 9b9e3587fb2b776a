import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServiceMethods, ServiceReady, ServiceReply, ServiceRequest } from './protocol.ts';

type Remote = {
  [K in keyof ServiceMethods]: (
    ...args: Parameters<ServiceMethods[K]>
  ) => Promise<ReturnType<ServiceMethods[K]>>;
};

/** The service process seen from the bench: every method is an async IPC call. */
export interface RemoteServices extends Remote {
  /** The customer-sync environment pointing at the services (secret id not included). */
  env: Record<string, string>;
  /** Ends the process (it stops its servers first). */
  stop(): Promise<void>;
}

/** The service process failed to start or answer. */
export class ServiceProcessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceProcessError';
  }
}

/**
 * Starts `serviceProcess.ts` as a child process (same Node binary, type stripping) and returns a typed
 * proxy for it. A child process rather than a worker thread because `process.cpuUsage()` counts every
 * thread of a process: only a separate process keeps the simulators' CPU out of the handler's figure.
 *
 * @example
 * const services = await forkServices({ latencyMs: 20 });
 * await services.setLatency(0);
 * await services.stop();
 */
export async function forkServices(options: { latencyMs: number }): Promise<RemoteServices> {
  const entry = fileURLToPath(new URL('./serviceProcess.ts', import.meta.url));
  const child = fork(entry, [String(options.latencyMs)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let sequence = 0;
  const env = await waitReady(child);
  child.on('message', (message: ServiceReply) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if ('error' in message) waiter.reject(new ServiceProcessError(message.error));
    else waiter.resolve(message.result);
  });
  const call =
    (method: ServiceRequest['method']) =>
    (...args: unknown[]) =>
      new Promise<unknown>((resolve, reject) => {
        sequence += 1;
        pending.set(sequence, { resolve, reject });
        child.send({ id: sequence, method, args } satisfies ServiceRequest);
      });
  return {
    env,
    setLatency: call('setLatency') as RemoteServices['setLatency'],
    setDynamoLatency: call('setDynamoLatency') as RemoteServices['setDynamoLatency'],
    setIcRateLimit: call('setIcRateLimit') as RemoteServices['setIcRateLimit'],
    setDynamoModel: call('setDynamoModel') as RemoteServices['setDynamoModel'],
    seedCro: call('seedCro') as RemoteServices['seedCro'],
    seedLocations: call('seedLocations') as RemoteServices['seedLocations'],
    queue: call('queue') as RemoteServices['queue'],
    touch: call('touch') as RemoteServices['touch'],
    clearCalls: call('clearCalls') as RemoteServices['clearCalls'],
    counts: call('counts') as RemoteServices['counts'],
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      await exited;
    },
  };
}

function waitReady(child: ChildProcess): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new ServiceProcessError(`service process exited before it was ready (code ${code})`));
    child.once('exit', onExit);
    child.once('error', (error) =>
      reject(new ServiceProcessError('service process failed', { cause: error })),
    );
    child.once('message', (message: ServiceReady) => {
      child.off('exit', onExit);
      resolve(message.ready.env);
    });
  });
}

import type { SQSBatchResponse } from 'aws-lambda';
import type { CroCustomer } from '../../lib/crm/schemas.ts';
import type { CustomerEvent } from '../../lib/events/schemas.ts';
import { lambdaContext } from '../../lib/local/lambdaContext.ts';
import type { SqsHandler } from '../../lib/local/SqsLambdaPoller.ts';
import { croCustomer } from '../../lib/local/simulators/croCustomer.ts';
import type { RemoteServices } from '../services/forkServices.ts';
import { customerEvent } from './customerEvent.ts';
import { sqsEventOf } from './sqsMessages.ts';
import type { StdoutSink } from './stdoutSink.ts';
import { BenchError } from '../errors.ts';

/** One handler invocation as the bench saw it. */
export interface Invocation {
  wallMs: number;
  /** User + system CPU of this process during the invocation, microseconds. */
  cpuMicros: number;
  failures: number;
  /** Bytes the handler wrote to stdout/stderr: structured log lines, and EMF metric records. */
  logBytes: number;
  emfBytes: number;
}

/**
 * Drives the bundled handler with Lambda-shaped batches and prepares the services between invocations,
 * so setup work (CRO changes, registrations) is never inside a measurement.
 */
export class BenchDriver {
  private readonly handler: SqsHandler;
  private readonly services: RemoteServices;
  private readonly sink: StdoutSink;
  private readonly timeoutMs: number;
  private changes = 0;

  constructor(options: {
    handler: SqsHandler;
    services: RemoteServices;
    sink: StdoutSink;
    timeoutMs?: number;
  }) {
    this.handler = options.handler;
    this.services = options.services;
    this.sink = options.sink;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  get remote(): RemoteServices {
    return this.services;
  }

  /** Invokes the handler once with these events (first receive), measuring wall and CPU time. */
  async invoke(events: readonly CustomerEvent[]): Promise<Invocation> {
    const event = sqsEventOf(events.map((e) => JSON.stringify(e)));
    const context = lambdaContext({ functionName: 'customer-sync', timeoutMs: this.timeoutMs });
    const bytesBefore = this.sink.bytes();
    const emfBefore = this.sink.emfBytes();
    this.sink.mute();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let response: SQSBatchResponse | void;
    try {
      response = await this.handler(event, context);
    } finally {
      this.sink.unmute();
    }
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const emfBytes = this.sink.emfBytes() - emfBefore;
    return {
      wallMs,
      cpuMicros: cpu.user + cpu.system,
      failures: response?.batchItemFailures.length ?? 0,
      logBytes: this.sink.bytes() - bytesBefore - emfBytes,
      emfBytes,
    };
  }

  /** Puts customers in CRO (as given) and registers them in IC through the handler (setup, not measured). */
  async register(ids: readonly number[]): Promise<void> {
    await this.services.seedCro(ids.map((id) => croCustomer({ id, name: `Customer ${id}` })));
    for (let i = 0; i < ids.length; i += 10) {
      const batch = ids
        .slice(i, i + 10)
        .map((customerId) => customerEvent({ customerId, type: 'crm.customer.created' }));
      const { failures } = await this.invoke(batch);
      if (failures > 0) throw new BenchError(`bench setup: ${failures} registrations failed`);
    }
  }

  /** A CRM change per id (new name, bumped `last_updated_on`); returns the new CRO models in order. */
  async change(ids: readonly number[]): Promise<CroCustomer[]> {
    return this.services.touch(
      ids.map((id) => {
        this.changes += 1;
        return { id, changes: { name: `Customer ${id} v${this.changes}` } };
      }),
    );
  }
}

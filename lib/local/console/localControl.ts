import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { CroCustomer } from '../../crm/schemas.ts';
import { normaliseSourceTimestamp } from '../../mapping/sourceTimestamp.ts';
import type { ReconcileSummary } from '../../reconcile/types.ts';
import { describeMessage } from '../../replay/dlqMessage.ts';
import { replayMessages } from '../../replay/replayMessages.ts';
import type { DlqMessage, ReplaySummary } from '../../replay/types.ts';
import { exampleEvent, postSigned } from '../exampleEvent.ts';
import type { LocalSqs } from '../localSqs.ts';
import { croCustomer } from '../simulators/croCustomer.ts';
import type { CroSimulator, IcSimulator, IcSimCustomer, SimulatorControls } from '../simulators/index.ts';
import { applyCroChange, type CroChange } from './croChange.ts';
import {
  describeFaults,
  type FaultSettings,
  NO_FAULTS,
  refuseTokens,
  SIMULATOR_LABELS,
  SIMULATORS,
  type SimulatorName,
  type TokenRevocation,
} from './faults.ts';
import type { EventLog } from './eventLog.ts';

/** A simulator the console steers: its controls and how its token is revoked. */
export interface SteeredSimulator {
  controls: SimulatorControls;
  revocation: TokenRevocation;
}

/** An Invisible Collector customer with its custom attributes. */
export type IcCustomerView = IcSimCustomer & { attributes: Record<string, string> };

/** Queue depth: visible messages and those received but not yet deleted. */
export interface QueueDepth {
  visible: number;
  inFlight: number;
}

export interface LocalControlDeps {
  webhookUrl: string;
  webhookSecret: string;
  tenantId: number;
  sqs: LocalSqs;
  queueUrl: string;
  dlqUrl: string;
  ic?: IcSimulator;
  cro?: CroSimulator;
  /** @default the simulator refuses its tokens */
  revocation?: Partial<Record<SimulatorName, TokenRevocation>>;
  /** Runs the local reconcile function now (the stack's `reconcileNow`); rejects when the run fails. */
  reconcile?: () => Promise<ReconcileSummary>;
  log: EventLog;
}

/** A change to a CRO customer that was stored (and announced, unless asked not to): the model, the event. */
export interface CroChangeResult {
  customer: CroCustomer;
  /** The event posted to the webhook and its answer; absent when no webhook was sent. */
  eventId?: string;
  webhook?: { status: number; body: unknown };
}

/** The control API's "not here" answer: the simulator was not started (a real API is used instead). */
export class NotRunningError extends Error {
  constructor(what: string, why = 'its API URL points elsewhere') {
    super(`${what} is not running in this local stack (${why})`);
    this.name = 'NotRunningError';
  }
}

/**
 * A reconciliation run asked for through the control API failed (a location could not be listed or
 * enqueued, or the function itself failed): its checkpoints did not move. The message is the function's
 * error (`ReconcileRunError: reconciliation failed for location(s) 1 (crm-authorization-lost)`).
 */
export class ReconcileFailedError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'ReconcileFailedError';
  }
}

/**
 * What the console and `crm-sync local` can see and change in a running local stack: the simulators' stores
 * (Invisible Collector has no list endpoint, so its customers are read here, not through its API), CRO edits
 * announced by a signed webhook as CRO would, faults, the queues and the DLQ. Every change is written to the
 * event log.
 *
 * @example
 * const control = createLocalControl({ ...stackParts, log });
 * await control.setFaults('ic', { serverErrorRate: 1 });
 * await control.changeCroCustomer(1, { city: 'Porto' });
 */
export function createLocalControl(deps: LocalControlDeps) {
  const steered: Partial<Record<SimulatorName, SteeredSimulator>> = {};
  for (const name of SIMULATORS) {
    const controls = deps[name];
    if (controls === undefined) continue;
    steered[name] = { controls, revocation: deps.revocation?.[name] ?? refuseTokens(controls) };
  }
  const faults: Partial<Record<SimulatorName, FaultSettings>> = Object.fromEntries(
    Object.keys(steered).map((name) => [name, { ...NO_FAULTS }]),
  );
  // What the producer knows and CRO does not store (VAT number, locale), per customer, for the next events.
  const producerData = new Map<number, Pick<CroChange, 'vatNumber' | 'locale'>>();

  const ic = () => deps.ic ?? raise(new NotRunningError('the Invisible Collector simulator'));
  const cro = () => deps.cro ?? raise(new NotRunningError('the CRO simulator'));
  const simulator = (name: SimulatorName) =>
    steered[name] ??
    raise(new NotRunningError(`the ${name === 'ic' ? 'Invisible Collector' : 'CRO'} simulator`));

  async function depth(queueUrl: string): Promise<QueueDepth> {
    const { Attributes = {} } = await deps.sqs.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }

  return {
    /** Queue and DLQ depth, which simulators run, and their faults. */
    async status() {
      return {
        queue: await depth(deps.queueUrl),
        dlq: await depth(deps.dlqUrl),
        simulators: {
          ic: deps.ic === undefined ? null : { url: deps.ic.url },
          cro: deps.cro === undefined ? null : { url: deps.cro.url },
        },
        faults,
      };
    },

    /** Invisible Collector's customers with their attributes, by externalId. */
    icCustomers(): IcCustomerView[] {
      const store = ic();
      return store
        .customers()
        .map((customer) => ({ ...customer, attributes: store.attributes(customer.gid) }))
        .sort((a, b) =>
          (a.externalId ?? a.gid).localeCompare(b.externalId ?? b.gid, 'en', { numeric: true }),
        );
    },

    /** One Invisible Collector customer by gid or externalId. */
    icCustomer(id: string): IcCustomerView | undefined {
      const store = ic();
      const customer = store.customers().find((c) => c.gid === id || c.externalId === id);
      return customer === undefined ? undefined : { ...customer, attributes: store.attributes(customer.gid) };
    },

    croCustomers: (): CroCustomer[] => cro().customers(),
    croCustomer: (id: number): CroCustomer | undefined => cro().getCustomer(id),

    /**
     * Changes (or creates) a CRO customer in the simulator — `last_updated_on` becomes now, in CRO's format —
     * then posts a signed `crm.customer.updated` (`created` for a new one) to the local webhook, exactly as
     * a producer would. The event carries the VAT number and locale last given for the customer.
     * `webhook: false` stores the change silently, as when CRO's webhook is lost: the way to fix data
     * behind a dead-lettered event and then replay it.
     */
    async changeCroCustomer(
      id: number,
      change: CroChange,
      options: { webhook?: boolean } = {},
    ): Promise<CroChangeResult> {
      const store = cro();
      const { vatNumber, locale, ...modelChange } = change;
      const existing = store.getCustomer(id);
      const customer = existing
        ? store.touch(id, applyCroChange(existing, modelChange))
        : store.upsertCustomer(applyCroChange(croCustomer({ id, name: `Customer ${id}` }), modelChange));
      const known = { ...producerData.get(id) };
      if (vatNumber !== undefined) known.vatNumber = vatNumber;
      if (locale !== undefined) known.locale = locale;
      producerData.set(id, known);
      if (options.webhook === false) {
        deps.log.control(`CRO customer ${id} ${existing ? 'changed' : 'created'}, no webhook sent`);
        return { customer };
      }

      const example = exampleEvent(deps.tenantId, id);
      const event = {
        ...example,
        type: existing ? ('crm.customer.updated' as const) : ('crm.customer.created' as const),
        time: normaliseSourceTimestamp(customer.last_updated_on) ?? example.time,
        data: {
          ...example.data,
          ...(known.vatNumber !== undefined && { vatNumber: known.vatNumber }),
          ...(known.locale !== undefined && { locale: known.locale }),
        },
      };
      const answer = await postSigned(deps.webhookUrl, deps.webhookSecret, JSON.stringify(event));
      deps.log.control(
        `CRO customer ${id} ${existing ? 'changed' : 'created'}: webhook ${answer.status}  event ${event.id}`,
      );
      return {
        customer,
        eventId: event.id,
        webhook: { status: answer.status, body: parseOrText(answer.text) },
      };
    },

    /** The faults of one simulator. */
    faults(name: SimulatorName): FaultSettings {
      simulator(name);
      return { ...faults[name]! };
    },

    /** Changes some faults of one simulator (the others stay); returns all of them. */
    setFaults(name: SimulatorName, change: Partial<FaultSettings>): FaultSettings {
      const { controls, revocation } = simulator(name);
      const next = { ...faults[name]!, ...change };
      controls.setFaults({ serverErrorRate: next.serverErrorRate, rateLimitRate: next.rateLimitRate });
      controls.setLatency(next.latencyMs);
      if (next.tokenRevoked !== faults[name]!.tokenRevoked) {
        if (next.tokenRevoked) revocation.revoke();
        else revocation.restore();
      }
      faults[name] = next;
      deps.log.control(`${SIMULATOR_LABELS[name]} faults: ${describeFaults(next)}`);
      return { ...next };
    },

    /** The DLQ's messages, read without receiving them (no receive count, no visibility change). */
    dlqMessages(): DlqMessage[] {
      const name = new URL(deps.dlqUrl).pathname.split('/').at(-1)!;
      return deps.sqs.peek(name).map((message) => describeMessage(message));
    },

    /**
     * Runs the reconciliation now, as its schedule does (after a run in progress): lists CRO's customers
     * changed since each location's checkpoint and enqueues their events. Rejects with
     * {@link ReconcileFailedError} when the run failed.
     */
    async reconcile(): Promise<ReconcileSummary> {
      const run = deps.reconcile ?? raise(new NotRunningError('the reconciliation', 'not wired'));
      deps.log.control('reconciliation requested');
      let summary: ReconcileSummary;
      try {
        summary = await run();
      } catch (error) {
        const failure = new ReconcileFailedError(error);
        deps.log.control(`reconciliation failed: ${failure.message}`);
        throw failure;
      }
      deps.log.control(
        `reconciled ${summary.locations.length} location(s): listed ${summary.listed}, enqueued ${summary.enqueued}`,
      );
      return summary;
    },

    /** Moves DLQ messages back to the event queue (one event when `eventId` is given). */
    async replay(filter: { eventId?: string } = {}): Promise<ReplaySummary> {
      const summary = await replayMessages({
        sqs: deps.sqs.sqs,
        from: deps.dlqUrl,
        to: deps.queueUrl,
        ...(filter.eventId !== undefined && { eventId: filter.eventId }),
      });
      const what = filter.eventId === undefined ? 'the DLQ' : `the DLQ (event ${filter.eventId})`;
      deps.log.control(`replayed ${summary.replayed} from ${what}, failed ${summary.failed}`);
      return summary;
    },
  };
}

export type LocalControl = ReturnType<typeof createLocalControl>;

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function raise(error: Error): never {
  throw error;
}

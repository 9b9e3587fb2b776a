import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CroSimulator } from '../../lib/local/simulators/index.ts';
import { customerEvent } from '../support/customerEvent.ts';
import type { Ledger, MessageKind } from './Ledger.ts';
import { changeSequence, type InvalidBody, shuffle } from './plan.ts';
import { queueDepth } from './queueState.ts';
import { BenchError } from '../errors.ts';

export interface ProduceOptions {
  sqs: SQSClient;
  queueUrl: string;
  cro: CroSimulator;
  ledger: Ledger;
  random: () => number;
  changes: number;
  customers: number;
  /** Share of the changes (after every customer's first) that hit customer 1. */
  hotShare: number;
  invalid: readonly InvalidBody[];
  /** Customers not in CRO yet: one `created` event each (no snapshot), spread over the windows. */
  lateCustomers: readonly number[];
  /** Share of change events delivered twice (same CloudEvent, two SQS messages). */
  duplicateRate: number;
  /** Share of change events carrying the CRO snapshot (`data.customer`). */
  snapshotRate: number;
  /** Changes per shuffled window. */
  windowSize: number;
  /** Called once, when half the changes are on the queue. */
  midway?: () => void;
  onProgress?: (sentChanges: number) => void;
}

interface Outgoing {
  body: string;
  kind: MessageKind;
  eventId?: string;
  expectedReason?: string;
}

/**
 * The CRM side of the soak: for each change, updates the customer in the CRO simulator (a new
 * `last_updated_on`) and emits its CloudEvent; every `windowSize` changes (plus their duplicates and any
 * invalid events due) are shuffled and sent. Keeps at most ~3 windows waiting on the queue, so CRM changes
 * keep happening while the containers work — as in production, where a customer can change again while
 * an earlier event for it is being processed.
 */
export async function produce(options: ProduceOptions): Promise<void> {
  const sequence = changeSequence(options, options.random);
  const seen = new Set<number>();
  const windows = Math.ceil(options.changes / options.windowSize);
  let midwayDone = false;
  for (let window = 0; window < windows; window += 1) {
    while ((await queueDepth(options.sqs, options.queueUrl)).visible > 3 * options.windowSize) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const outgoing: Outgoing[] = [];
    const first = window * options.windowSize;
    for (let i = first; i < Math.min(options.changes, first + options.windowSize); i += 1) {
      const customerId = sequence[i]!;
      const model = options.cro.touch(customerId, { name: `Customer ${customerId} change ${i + 1}` });
      const event = customerEvent({
        customerId,
        type: seen.has(customerId) ? 'crm.customer.updated' : 'crm.customer.created',
        ...(options.random() < options.snapshotRate && { customer: model }),
      });
      seen.add(customerId);
      const body = JSON.stringify(event);
      outgoing.push({ body, kind: 'change', eventId: event.id });
      if (options.random() < options.duplicateRate)
        outgoing.push({ body, kind: 'duplicate', eventId: event.id });
    }
    // Invalid events and the late customers' events are spread evenly over the windows.
    options.invalid.forEach((invalid, k) => {
      if (Math.floor((k * windows) / options.invalid.length) === window) {
        outgoing.push({ body: invalid.body, kind: 'invalid', expectedReason: invalid.reason });
      }
    });
    options.lateCustomers.forEach((customerId, k) => {
      if (Math.floor((k * windows) / options.lateCustomers.length) === window) {
        const event = customerEvent({ customerId, type: 'crm.customer.created' });
        outgoing.push({ body: JSON.stringify(event), kind: 'change', eventId: event.id });
      }
    });
    await sendAll(options, shuffle(outgoing, options.random));
    options.onProgress?.(Math.min(options.changes, first + options.windowSize));
    if (!midwayDone && first + options.windowSize >= options.changes / 2) {
      midwayDone = true;
      options.midway?.();
    }
  }
}

async function sendAll(options: ProduceOptions, outgoing: readonly Outgoing[]): Promise<void> {
  for (let i = 0; i < outgoing.length; i += 10) {
    const chunk = outgoing.slice(i, i + 10);
    const { Successful = [], Failed = [] } = await options.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: chunk.map((message, n) => ({ Id: String(n), MessageBody: message.body })),
      }),
    );
    if (Failed.length > 0) throw new BenchError(`soak: ${Failed.length} messages could not be sent`);
    for (const sent of Successful) {
      const message = chunk[Number(sent.Id)]!;
      options.ledger.recordSent({
        messageId: sent.MessageId!,
        kind: message.kind,
        ...(message.eventId !== undefined && { eventId: message.eventId }),
        ...(message.expectedReason !== undefined && { expectedReason: message.expectedReason }),
      });
    }
  }
}

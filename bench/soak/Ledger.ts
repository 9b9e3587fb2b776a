import type { BatchOutcome } from '../../lib/local/SqsLambdaPoller.ts';
import { MESSAGE_ATTRIBUTES } from '../../lib/queue/messageAttributes.ts';
import type { DlqMessage } from '../../lib/replay/types.ts';

/** What a message sent by the soak is. */
export type MessageKind = 'change' | 'duplicate' | 'invalid';

export interface SentMessage {
  messageId: string;
  kind: MessageKind;
  /** CloudEvent id (undefined for a body that is not JSON). */
  eventId?: string;
  /** For invalid bodies: the `failure-reason` the sync must give. */
  expectedReason?: string;
}

/** Where a sent message ended up. */
export type Disposition = 'handled' | 'dead-lettered' | 'redriven' | 'lost';

/**
 * The soak's bookkeeping: every message sent, every delivery to a container (from the pollers' `onBatch`),
 * every deletion, and the DLQ rows seen — enough to say where each message and each event ended up. A record
 * the sync deferred is deleted and continues as a new message (`requeued-from` names the one it continues):
 * a message's fate is that of the last message of its chain.
 */
export class Ledger {
  readonly sent = new Map<string, SentMessage>();
  /** `ApproximateReceiveCount` of every delivery, per message id. */
  readonly receives = new Map<string, number[]>();
  /** Messages the function deleted (applied, skipped or dead-lettered by the handler itself). */
  readonly deleted = new Set<string>();
  /** Event id of every delivered message (replayed messages have new ids: they are known by their body). */
  readonly eventOfMessage = new Map<string, string | undefined>();
  /** `source-message-id`s of every DLQ row ever seen: those deletions were dead-letterings, not applications. */
  readonly deadLetteredSources = new Set<string>();
  /** message id → the message a deferral sent in its place (its deletion was no application). */
  readonly requeuedAs = new Map<string, string>();
  batches = 0;
  /** Records reported as batch item failures (retried later). */
  retriedRecords = 0;
  handlerErrors = 0;

  recordSent(message: SentMessage): void {
    this.sent.set(message.messageId, message);
  }

  /** The poller's `onBatch`. */
  onBatch = (outcome: BatchOutcome): void => {
    if (outcome.error !== undefined) this.handlerErrors += 1;
    if (outcome.event.Records.length === 0) return;
    this.batches += 1;
    for (const record of outcome.event.Records) {
      const counts = this.receives.get(record.messageId) ?? [];
      counts.push(Number(record.attributes.ApproximateReceiveCount));
      this.receives.set(record.messageId, counts);
      if (!this.eventOfMessage.has(record.messageId))
        this.eventOfMessage.set(record.messageId, eventIdOf(record.body));
      const from = record.messageAttributes?.[MESSAGE_ATTRIBUTES.requeuedFrom]?.stringValue;
      if (from !== undefined) this.requeuedAs.set(from, record.messageId);
    }
    for (const id of outcome.deleted) this.deleted.add(id);
    this.retriedRecords += outcome.failed.length;
  };

  /** Remembers which deletions were dead-letterings (call with every DLQ scan). */
  noteDlq(rows: readonly DlqMessage[]): void {
    for (const row of rows)
      if (row.sourceMessageId !== undefined) this.deadLetteredSources.add(row.sourceMessageId);
  }

  /** Where each message sent by the soak ended up, given the DLQ's current rows. */
  dispositions(dlq: readonly DlqMessage[]): Map<string, Disposition> {
    const direct = new Set(
      dlq.flatMap((row) => (row.sourceMessageId === undefined ? [] : [row.sourceMessageId])),
    );
    const redriven = new Set(dlq.filter((row) => row.reason === 'redriven').map((row) => row.messageId));
    const out = new Map<string, Disposition>();
    for (const sentId of this.sent.keys()) {
      const id = this.lastOfChain(sentId);
      out.set(
        sentId,
        direct.has(id)
          ? 'dead-lettered'
          : redriven.has(id)
            ? 'redriven'
            : this.deleted.has(id)
              ? 'handled'
              : 'lost',
      );
    }
    return out;
  }

  /** Records deferred: deleted after the sync sent them again as new messages. */
  get deferredRecords(): number {
    return this.requeuedAs.size;
  }

  private lastOfChain(id: string): string {
    let last = id;
    for (let next = this.requeuedAs.get(last); next !== undefined; next = this.requeuedAs.get(last))
      last = next;
    return last;
  }

  /** Event ids (of change events) that some container applied or skipped — deleted without dead-lettering. */
  handledEventIds(): Set<string> {
    const ids = new Set<string>();
    for (const id of this.deleted) {
      const eventId = this.eventOfMessage.get(id);
      if (eventId !== undefined && !this.deadLetteredSources.has(id) && !this.requeuedAs.has(id))
        ids.add(eventId);
    }
    return ids;
  }
}

function eventIdOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { id?: unknown };
    return typeof parsed.id === 'string' ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}

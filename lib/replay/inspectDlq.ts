import {
  ChangeMessageVisibilityBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DlqMessage, ReplayFilter } from './types.ts';
import { describeMessage, matchesFilter } from './dlqMessage.ts';

/** How {@link scanDlq} reads the queue. */
export interface ScanDlqOptions {
  sqs: SQSClient;
  queueUrl: string;
  /**
   * How long received messages stay hidden while the run goes on (they are made visible again at the end,
   * or by SQS after this long if the process dies). @default 120
   */
  visibilityTimeoutSeconds?: number;
  /** Long-poll wait per receive: 0 may miss messages on a near-empty standard queue. @default 1 */
  waitTimeSeconds?: number;
  /**
   * Consecutive empty receives that end the scan. One is enough with long
   * polling (`waitTimeSeconds` > 0 asks every SQS server, short polling only a sample). @default 1 (2 when `waitTimeSeconds` is 0)
   */
  idleReceives?: number;
  /** Hard bound on receives, whatever happens. @default 10000 */
  maxReceives?: number;
}

/** What the visitor did with a batch of new messages. */
export interface ScanVisit {
  /** Message ids it deleted from the queue: they are not made visible again at the end. */
  removed?: readonly string[];
  /** End the scan now. */
  stop?: boolean;
}

export type ScanVisitor = (messages: Message[]) => Promise<ScanVisit | void>;

export interface ScanResult {
  /** Distinct messages received. */
  seen: number;
  receives: number;
  /** Messages still held at the end, made visible again. */
  released: number;
}

/**
 * Walks a queue once: receives up to 10 messages at a time (with every system and message attribute),
 * hands the ones it has not seen before to `visit`, and keeps every received message hidden until the end,
 * so a message the visitor skips is not received again and again. The scan ends after `idleReceives`
 * empty receive(s) in a row, when the visitor says stop, or after `maxReceives` (a message whose visibility
 * ran out during a long run is received again, hidden again, and not visited twice); then every message
 * still held — skipped, copied, listed — gets visibility 0 back, so the queue looks as before minus what the
 * visitor deleted.
 *
 * @example
 * await scanDlq({ sqs, queueUrl: dlqUrl }, async (messages) => {
 *   rows.push(...messages.map((m) => describeMessage(m)));
 * });
 */
export async function scanDlq(options: ScanDlqOptions, visit: ScanVisitor): Promise<ScanResult> {
  const { sqs, queueUrl } = options;
  const idleReceives = options.idleReceives ?? (options.waitTimeSeconds === 0 ? 2 : 1);
  const maxReceives = options.maxReceives ?? 10_000;
  const held = new Map<string, string>(); // message id → its latest receipt handle
  const seen = new Set<string>();
  let receives = 0;
  let idle = 0;
  try {
    while (idle < idleReceives && receives < maxReceives) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: options.visibilityTimeoutSeconds ?? 120,
          WaitTimeSeconds: options.waitTimeSeconds ?? 1,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      receives += 1;
      const fresh: Message[] = [];
      for (const message of Messages) {
        if (message.MessageId === undefined || message.ReceiptHandle === undefined) continue;
        held.set(message.MessageId, message.ReceiptHandle);
        if (!seen.has(message.MessageId)) {
          seen.add(message.MessageId);
          fresh.push(message);
        }
      }
      // Only an empty receive counts as idle: one bringing back messages seen before (their visibility ran
      // out during a long run) does not prove the queue holds nothing new. Those are hidden again by it.
      if (Messages.length === 0) idle += 1;
      if (fresh.length === 0) continue;
      idle = 0;
      const result = (await visit(fresh)) ?? {};
      for (const id of result.removed ?? []) held.delete(id);
      if (result.stop) break;
    }
  } finally {
    await release(sqs, queueUrl, held);
  }
  return { seen: seen.size, receives, released: held.size };
}

// Best effort: a handle that expired belongs to a message that is visible again anyway.
async function release(sqs: SQSClient, queueUrl: string, held: Map<string, string>): Promise<void> {
  const handles = [...held.values()];
  for (let i = 0; i < handles.length; i += 10) {
    await sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: handles
            .slice(i, i + 10)
            .map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle, VisibilityTimeout: 0 })),
        }),
      )
      .catch(() => undefined);
  }
}

/** What is in the DLQ, at a glance: what broke, for which events, since when. */
export interface DlqSummary {
  total: number;
  /** Count per `failure-reason` (`redriven` for retries exhausted), largest first. */
  byReason: Record<string, number>;
  /** Count per CloudEvent type (`(unknown)` for a body without one), largest first. */
  byType: Record<string, number>;
  /** Age of the oldest message in ms (0 when empty): DLQ retention (14 days) counts from its first send. */
  oldestAgeMs: number;
}

/**
 * Counts DLQ messages by reason and type and finds the oldest.
 *
 * @example
 * summariseDlq(rows); // { total: 3, byReason: { 'vat-conflict': 2, redriven: 1 }, byType: {...}, oldestAgeMs: 86400000 }
 */
export function summariseDlq(messages: readonly DlqMessage[]): DlqSummary {
  return {
    total: messages.length,
    byReason: countBy(messages, (m) => m.reason),
    byType: countBy(messages, (m) => m.eventType ?? '(unknown)'),
    oldestAgeMs: messages.reduce((oldest, m) => Math.max(oldest, m.ageMs), 0),
  };
}

function countBy(messages: readonly DlqMessage[], key: (m: DlqMessage) => string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(key(m), (counts.get(key(m)) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)));
}

export interface InspectDlqOptions
  extends
    ReplayFilter,
    Pick<ScanDlqOptions, 'waitTimeSeconds' | 'idleReceives' | 'visibilityTimeoutSeconds'> {
  sqs: SQSClient;
  /** The dead-letter queue URL. */
  from: string;
  now?: () => number;
}

/**
 * Reads every message of the DLQ once (SQS has no peek: each is received, then made visible again; nothing is
 * deleted) and returns the rows matching the filter with their summary — the `crm-sync dlq` command.
 *
 * @example
 * const { summary } = await inspectDlq({ sqs, from: dlqUrl });
 * summary.byReason; // { 'vat-conflict': 2, redriven: 1 }
 */
export async function inspectDlq(
  options: InspectDlqOptions,
): Promise<{ messages: DlqMessage[]; summary: DlqSummary }> {
  const now = options.now ?? Date.now;
  const messages: DlqMessage[] = [];
  await scanDlq({ ...options, queueUrl: options.from }, async (batch) => {
    for (const message of batch) {
      const row = describeMessage(message, now());
      if (matchesFilter(row, options)) messages.push(row);
    }
  });
  return { messages, summary: summariseDlq(messages) };
}

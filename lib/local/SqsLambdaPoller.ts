import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext } from './lambdaContext.ts';
import { toSqsEvent } from './sqsEvent.ts';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface SqsLambdaPollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  /** Records per invocation, as the event source mapping's `BatchSize`. @default 10 */
  batchSize?: number;
  /** How long to gather records for one batch, as `MaximumBatchingWindowInSeconds` (in ms). @default 0 */
  batchingWindowMs?: number;
  /** The function timeout: `context.getRemainingTimeInMillis()` counts down from it. @default 30000 */
  timeoutMs?: number;
  /** Long-poll wait per ReceiveMessage in `start()` mode (seconds). @default 1 */
  waitTimeSeconds?: number;
  functionName?: string;
  /** Called after every invocation (for logs and tests). */
  onBatch?: (result: BatchOutcome) => void;
}

export interface BatchOutcome {
  event: SQSEvent;
  /** Message ids deleted from the queue (success, or handled by the function). */
  deleted: string[];
  /** Message ids left on the queue (reported as batch item failures, or the whole batch if the handler threw). */
  failed: string[];
  error?: unknown;
}

/**
 * Plays the part of Lambda's SQS event source mapping locally: receives up to `batchSize` records,
 * invokes the handler with an AWS-shaped event and context, deletes the records that did not fail,
 * and leaves failures on the queue so the visibility timeout and the redrive policy apply, exactly
 * as AWS does with `ReportBatchItemFailures`.
 *
 * @example
 * const poller = new SqsLambdaPoller({ sqs, queueUrl, queueArn, handler });
 * await poller.drain(); // until the queue stays empty
 */
export class SqsLambdaPoller {
  private readonly options: Required<Omit<SqsLambdaPollerOptions, 'onBatch'>> &
    Pick<SqsLambdaPollerOptions, 'onBatch'>;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(options: SqsLambdaPollerOptions) {
    this.options = {
      batchSize: 10,
      batchingWindowMs: 0,
      timeoutMs: 30_000,
      waitTimeSeconds: 1,
      functionName: 'customer-sync',
      ...options,
    };
  }

  /** Receives one batch (waiting up to `waitTimeSeconds`) and invokes the handler; undefined when the queue was empty. */
  async pollOnce(waitTimeSeconds = 0): Promise<BatchOutcome | undefined> {
    const messages = await this.receiveBatch(waitTimeSeconds);
    if (messages.length === 0) return undefined;
    return this.invoke(messages);
  }

  /**
   * Polls until `idleRounds` consecutive receives come back empty — or, with `untilEmpty`, until the queue holds
   * nothing at all (no message visible, in flight, backing off or delayed) — and returns every batch outcome.
   */
  async drain(
    options: { idleRounds?: number; maxBatches?: number; untilEmpty?: boolean } = {},
  ): Promise<BatchOutcome[]> {
    const idleRounds = options.idleRounds ?? 2;
    const maxBatches = options.maxBatches ?? 1_000;
    const outcomes: BatchOutcome[] = [];
    let idle = 0;
    while (outcomes.length < maxBatches) {
      if (idle >= idleRounds && !(options.untilEmpty && (await this.queuedMessages()) > 0)) break;
      const outcome = await this.pollOnce(idle >= idleRounds ? this.options.waitTimeSeconds : 0);
      if (outcome) {
        outcomes.push(outcome);
        idle = 0;
      } else {
        idle += 1;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    return outcomes;
  }

  /** Messages on the queue: visible, in flight (or backing off) and delayed. */
  async queuedMessages(): Promise<number> {
    const { Attributes = {} } = await this.options.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.options.queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
    );
  }

  /** Polls continuously in the background until `stop()`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.pollOnce(this.options.waitTimeSeconds);
        } catch (error) {
          if (this.running)
            this.options.onBatch?.({ event: { Records: [] }, deleted: [], failed: [], error });
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    })();
  }

  /** Stops polling after the current batch finishes. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async receiveBatch(waitTimeSeconds: number): Promise<Message[]> {
    const { sqs, queueUrl, batchSize, batchingWindowMs } = this.options;
    const messages: Message[] = [];
    const windowEnds = Date.now() + batchingWindowMs;
    let wait = waitTimeSeconds;
    do {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, batchSize - messages.length),
          WaitTimeSeconds: wait,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      const got = received.Messages ?? [];
      messages.push(...got);
      wait = 0;
      if (got.length === 0 && Date.now() >= windowEnds) break;
      if (got.length === 0) await new Promise((r) => setTimeout(r, Math.min(50, windowEnds - Date.now())));
    } while (messages.length < batchSize && Date.now() < windowEnds);
    return messages;
  }

  private async invoke(messages: Message[]): Promise<BatchOutcome> {
    const { sqs, queueUrl, queueArn, handler, timeoutMs, functionName } = this.options;
    const event = toSqsEvent(messages, { queueArn });
    const context = lambdaContext({ functionName, timeoutMs });
    let failedIds: Set<string>;
    let error: unknown;
    try {
      const response = await handler(event, context);
      failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (thrown) {
      // A thrown handler (or a timeout) fails the whole batch: nothing is deleted.
      error = thrown;
      failedIds = new Set(messages.map((m) => m.MessageId!));
    }
    const toDelete = messages.filter((m) => !failedIds.has(m.MessageId!));
    for (let i = 0; i < toDelete.length; i += 10) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: toDelete
            .slice(i, i + 10)
            .map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    const outcome: BatchOutcome = {
      event,
      deleted: toDelete.map((m) => m.MessageId!),
      failed: [...failedIds],
      ...(error === undefined ? {} : { error }),
    };
    this.options.onBatch?.(outcome);
    return outcome;
  }
}

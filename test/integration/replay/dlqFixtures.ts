import {
  type Message,
  type MessageAttributeValue,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type LocalQueue, toSqsEvent } from '../../../lib/local/index.ts';
import { sendToDeadLetter } from '../../../lib/queue/deadLetter.ts';

/** A customer CloudEvent body (docs/events.md#event). */
export function eventBody(
  customerId: number,
  options: { id?: string; type?: string; tenantId?: number } = {},
): string {
  return JSON.stringify({
    specversion: '1.0',
    id: options.id ?? `evt-${customerId}-${Math.random().toString(36).slice(2)}`,
    source: 'cro-software/tenants/42',
    type: options.type ?? 'crm.customer.updated',
    time: '2026-11-22T10:00:00Z',
    data: { tenantId: options.tenantId ?? 42, customerId },
  });
}

export interface SeedOptions {
  reason?: string;
  detail?: string;
  groupId?: string;
  attributes?: Record<string, MessageAttributeValue>;
}

/**
 * Dead-letters `body` the way customer-sync does for a permanent failure: the message is sent to the event
 * queue, received from it, and handed to `sendToDeadLetter` (the sync's own code) with a reason.
 */
export async function deadLetterDirectly(
  sqs: SQSClient,
  pair: { queue: LocalQueue; dlq: LocalQueue },
  body: string,
  options: SeedOptions = {},
): Promise<void> {
  const message = await sendAndReceive(sqs, pair.queue, body, options);
  await deadLetterReceived(sqs, pair, message, options);
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: pair.queue.url,
      Entries: [{ Id: '0', ReceiptHandle: message.ReceiptHandle! }],
    }),
  );
}

/** Dead-letters a message received from the event queue with the sync's own `sendToDeadLetter`. */
export async function deadLetterReceived(
  sqs: SQSClient,
  pair: { queue: LocalQueue; dlq: LocalQueue },
  message: Message,
  options: Pick<SeedOptions, 'reason' | 'detail'> = {},
): Promise<void> {
  const [record] = toSqsEvent([message], { queueArn: pair.queue.arn }).Records;
  await sendToDeadLetter(sqs, pair.dlq.url, record!, {
    reason: options.reason ?? 'vat-conflict',
    detail: options.detail ?? 'IC refused the customer',
  });
}

/**
 * Dead-letters `body` through the redrive policy: receives it `maxReceiveCount` times without deleting it
 * (a transient failure every time), so SQS moves it to the DLQ on the next receive.
 */
export async function deadLetterByRedrive(
  sqs: SQSClient,
  queue: LocalQueue,
  body: string,
  options: SeedOptions = {},
): Promise<void> {
  await sqs.send(new SendMessageCommand(sendInput(queue, body, options)));
  for (let i = 0; i < 50; i += 1) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, VisibilityTimeout: 0, MaxNumberOfMessages: 10 }),
    );
    if (Messages.length === 0) return;
  }
  throw new Error('the message never reached the DLQ');
}

/** Receives (and deletes) everything on a queue, with all attributes. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (let idle = 0; idle < 2;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) {
      idle += 1;
      continue;
    }
    idle = 0;
    all.push(...Messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
  return all;
}

/** The CloudEvent ids of messages (their bodies' `id`). */
export function eventIds(messages: readonly Message[]): string[] {
  return messages.map((m) => (JSON.parse(m.Body!) as { id: string }).id).sort();
}

function sendInput(queue: LocalQueue, body: string, options: SeedOptions) {
  const fifo = queue.url.endsWith('.fifo');
  return {
    QueueUrl: queue.url,
    MessageBody: body,
    ...(options.attributes && { MessageAttributes: options.attributes }),
    ...(fifo && {
      MessageGroupId: options.groupId ?? '42-1',
      MessageDeduplicationId: (JSON.parse(body) as { id?: string }).id ?? String(Math.random()),
    }),
  };
}

async function sendAndReceive(
  sqs: SQSClient,
  queue: LocalQueue,
  body: string,
  options: SeedOptions,
): Promise<Message> {
  await sqs.send(new SendMessageCommand(sendInput(queue, body, options)));
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: 1,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  if (Messages.length !== 1) throw new Error('expected the message just sent');
  return Messages[0]!;
}

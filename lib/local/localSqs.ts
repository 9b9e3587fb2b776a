import { CreateQueueCommand, GetQueueAttributesCommand, type Message, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { DLQ_RETENTION_SECONDS } from '../settings/queueSettings.ts';

export interface LocalQueue {
  name: string;
  url: string;
  arn: string;
}

export interface LocalSqs {
  /** An SQS client pointed at the emulator (fake credentials, path-style queue URLs). */
  sqs: SQSClient;
  endpoint: string;
  queue: LocalQueue;
  dlq: LocalQueue;
  /**
   * Every message of a queue — ready, delayed and in flight — as `ReceiveMessage` would return it with all
   * attributes, without receiving it (fauxqs's inspection: no receive count, no visibility change).
   */
  peek(queueName: string): Message[];
  /** Creates another queue pair (e.g. FIFO) on the same emulator. */
  createQueuePair(options: LocalQueuePairOptions): Promise<{ queue: LocalQueue; dlq: LocalQueue }>;
  stop(): Promise<void>;
}

export interface LocalQueuePairOptions {
  /** Base name; FIFO queues get the `.fifo` suffix. @default 'crm-sync-events' */
  name?: string;
  fifo?: boolean;
  /** Receives before redrive to the DLQ (the stack derives it the same way). @default 5 */
  maxReceiveCount?: number;
  /** Default visibility timeout of the main queue, seconds. @default 30 */
  visibilityTimeoutSeconds?: number;
  /** The main queue's retention, seconds. @default 345600 (4 days, SQS's default) */
  retentionSeconds?: number;
}

export interface LocalSqsOptions extends LocalQueuePairOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  host?: string;
}

/** Fake static credentials: the emulator accepts any, the SDK insists on some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';

/**
 * Starts the embedded SQS emulator (fauxqs) with a main queue whose redrive policy sends a message
 * to the DLQ after `maxReceiveCount` receives — the same shape the CDK stack deploys.
 *
 * @example
 * const local = await startLocalSqs({ maxReceiveCount: 3 });
 * await local.sqs.send(new SendMessageCommand({ QueueUrl: local.queue.url, MessageBody: '{}' }));
 * await local.stop();
 */
export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const server = await startFauxqs({
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    logger: false,
  });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const sqs = new SQSClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    useQueueUrlAsEndpoint: false,
  });
  const createQueuePair = (pair: LocalQueuePairOptions) => createQueuePairOn(sqs, pair);
  const { queue, dlq } = await createQueuePair(options);
  return {
    sqs,
    endpoint,
    queue,
    dlq,
    createQueuePair,
    peek(queueName) {
      const state = server.inspectQueue(queueName);
      if (state === undefined) return [];
      const { ready, delayed, inflight } = state.messages;
      return [...ready, ...delayed, ...inflight.map((entry) => entry.message)].map((m) => ({
        MessageId: m.messageId,
        Body: m.body,
        // String attributes only: crm-sync writes no binary ones, and these rows are for reading.
        MessageAttributes: Object.fromEntries(
          Object.entries(m.messageAttributes).map(([name, value]) => [
            name,
            { DataType: value.DataType, StringValue: value.StringValue },
          ]),
        ),
        Attributes: {
          SentTimestamp: String(m.sentTimestamp),
          ApproximateReceiveCount: String(m.approximateReceiveCount),
          ...(m.messageGroupId !== undefined && { MessageGroupId: m.messageGroupId }),
        },
      }));
    },
    async stop() {
      sqs.destroy();
      await server.stop();
    },
  };
}

async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<LocalQueue> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { name, url: QueueUrl!, arn: Attributes!.QueueArn! };
}

async function createQueuePairOn(sqs: SQSClient, options: LocalQueuePairOptions) {
  const base = options.name ?? 'crm-sync-events';
  const fifo = options.fifo ?? false;
  const suffix = fifo ? '.fifo' : '';
  const fifoAttributes: Record<string, string> = fifo ? { FifoQueue: 'true' } : {};
  const dlq = await createQueue(sqs, `${base}-dlq${suffix}`, {
    ...fifoAttributes,
    MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS),
  });
  const queue = await createQueue(sqs, `${base}${suffix}`, {
    ...fifoAttributes,
    VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
    MessageRetentionPeriod: String(options.retentionSeconds ?? 4 * 24 * 3600),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: options.maxReceiveCount ?? 5,
    }),
  });
  return { queue, dlq };
}

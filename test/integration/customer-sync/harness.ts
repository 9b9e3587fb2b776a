// A customer-sync test bench on real parts: fauxqs (main queue + DLQ with redrive), the Invisible Collector
// and CRO simulators (node:http), an in-memory or DynamoDB (dynalite) state store, and the real sync
// (`processBatch` with deps from `createCustomerSyncDeps`, exactly as the handler builds them) driven by
// the Lambda-like SQS poller.
import { Logger } from '@aws-lambda-powertools/logger';
import {
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { loadCustomerSyncConfig } from '../../../lib/config/customerSync.ts';
import type { CustomerEvent } from '../../../lib/events/schemas.ts';
import {
  lambdaContext,
  type LocalQueue,
  type LocalSqs,
  SqsLambdaPoller,
  startLocalSqs,
} from '../../../lib/local/index.ts';
import { credentialsProvider, type SecretReader } from '../../../lib/secrets/index.ts';
import { CountingSyncMetrics } from '../../../lib/sync/CountingSyncMetrics.ts';
import { createCustomerSyncDeps } from '../../../lib/sync/createCustomerSyncDeps.ts';
import { processBatch } from '../../../lib/sync/processBatch.ts';
import { MemorySyncStateStore } from '../../../lib/sync/state/MemorySyncStateStore.ts';
import type { SyncStateStore } from '../../../lib/sync/state/types.ts';
import type { SyncDeps, SyncOptions } from '../../../lib/sync/types.ts';
import {
  type CroSimulator,
  DEFAULT_CRO_TOKEN,
  DEFAULT_IC_TOKEN,
  type IcSimulator,
  startCroSimulator,
  startIcSimulator,
} from '../../../lib/local/simulators/index.ts';

export const TENANT = 42;
export const SECRET_ID = 'crm-sync/credentials';

export interface HarnessOptions {
  fifo?: boolean;
  maxReceiveCount?: number;
  /** Queue visibility timeout in seconds. @default 1 */
  visibilityTimeoutSeconds?: number;
  store?: SyncStateStore;
  /** Replaces the secret reader (e.g. to rotate tokens). */
  secretReader?: SecretReader;
  /** Extra configuration variables (VAT_CONFLICT_POLICY, DLQ_URL, ...). */
  env?: Record<string, string>;
  options?: SyncOptions;
  /** A silent logger unless given. */
  logger?: Logger;
  /** Further bearer tokens the CRO simulator accepts (e.g. an OAuth simulator's access tokens). */
  croAcceptToken?: (token: string) => boolean;
}

export interface Harness {
  local: LocalSqs;
  queue: LocalQueue;
  dlq: LocalQueue;
  ic: IcSimulator;
  cro: CroSimulator;
  metrics: CountingSyncMetrics;
  deps: SyncDeps;
  /** The customer-sync function as Lambda would call it (no middlewares). */
  run: (event: SQSEvent, context: Context) => ReturnType<typeof processBatch>;
  poller(options?: { timeoutMs?: number; batchSize?: number }): SqsLambdaPoller;
  /** Sends events (or raw bodies) to the main queue; returns their message ids in order. */
  send(
    events: ReadonlyArray<CustomerEvent | string>,
    groupId?: (event: CustomerEvent | string) => string,
  ): Promise<string[]>;
  /** Receives everything in the DLQ (with attributes). */
  dlqMessages(): Promise<Message[]>;
  stop(): Promise<void>;
}

/** Default tiny backoffs so transient failures come back at once in tests. */
export const TEST_OPTIONS: SyncOptions = {
  backoff: { baseSeconds: 0, capSeconds: 0 },
  busyBackoffSeconds: 0,
  timeMarginMs: 500,
};

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const local = await startLocalSqs({
    fifo: options.fifo ?? false,
    maxReceiveCount: options.maxReceiveCount ?? 5,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 1,
  });
  const pair = options.fifo
    ? await local.createQueuePair({
        fifo: true,
        maxReceiveCount: options.maxReceiveCount ?? 5,
        visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 1,
      })
    : local;
  const [ic, cro] = await Promise.all([
    startIcSimulator(),
    startCroSimulator({
      tenantId: TENANT,
      ...(options.croAcceptToken !== undefined && { acceptToken: options.croAcceptToken }),
    }),
  ]);
  const stopAll = () => Promise.all([ic.stop(), cro.stop(), local.stop()]).then(() => undefined);
  let config;
  try {
    config = loadCustomerSyncConfig({
      IC_API_URL: ic.url,
      CRM_API_URL: cro.url,
      CRM_TENANT_ID: String(TENANT),
      CREDENTIALS_SECRET_ID: SECRET_ID,
      DLQ_URL: endpointUrl(local, pair.dlq),
      IC_TIMEOUT_MS: '2000',
      CRM_TIMEOUT_MS: '2000',
      ...options.env,
    });
  } catch (error) {
    await stopAll();
    throw error;
  }
  const metrics = new CountingSyncMetrics();
  const reader: SecretReader =
    options.secretReader ??
    (async () => JSON.stringify({ invisibleCollectorToken: DEFAULT_IC_TOKEN, crmToken: DEFAULT_CRO_TOKEN }));
  const deps = createCustomerSyncDeps(config, {
    logger: options.logger ?? new Logger({ serviceName: 'customer-sync-test', logLevel: 'SILENT' }),
    metrics,
    credentials: credentialsProvider(SECRET_ID, { reader }),
    sqs: local.sqs,
    store: options.store ?? new MemorySyncStateStore(),
    options: { ...TEST_OPTIONS, ...options.options },
  });
  const run = (event: SQSEvent, context: Context) => processBatch(event.Records, deps, context);
  let sequence = 0;
  return {
    local,
    queue: pair.queue,
    dlq: pair.dlq,
    ic,
    cro,
    metrics,
    deps,
    run,
    poller: (o = {}) =>
      new SqsLambdaPoller({
        sqs: local.sqs,
        queueUrl: pair.queue.url,
        queueArn: pair.queue.arn,
        handler: run,
        timeoutMs: o.timeoutMs ?? 30_000,
        batchSize: o.batchSize ?? 10,
      }),
    async send(events, groupId) {
      const ids: string[] = [];
      for (const event of events) {
        sequence += 1;
        const { MessageId } = await local.sqs.send(
          new SendMessageCommand({
            QueueUrl: pair.queue.url,
            MessageBody: typeof event === 'string' ? event : JSON.stringify(event),
            ...(options.fifo && {
              MessageGroupId: groupId?.(event) ?? 'g',
              MessageDeduplicationId: `m-${sequence}`,
            }),
          }),
        );
        ids.push(MessageId!);
      }
      return ids;
    },
    async dlqMessages() {
      const messages: Message[] = [];
      for (;;) {
        const { Messages = [] } = await local.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: pair.dlq.url,
            MaxNumberOfMessages: 10,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
            VisibilityTimeout: 60,
          }),
        );
        if (Messages.length === 0) return messages;
        messages.push(...Messages);
      }
    },
    stop: stopAll,
  };
}

/** A customer CloudEvent for the harness tenant. */
export { customerEvent } from '../../helpers/customerEvent.ts';

/** A string message attribute's value. */
export function attribute(message: Message, name: string): string | undefined {
  const value: MessageAttributeValue | undefined = message.MessageAttributes?.[name];
  return value?.StringValue;
}

/** A short-lived Lambda context. */
export function contextWith(timeoutMs: number): Context {
  return lambdaContext({ functionName: 'customer-sync', timeoutMs });
}

/**
 * The queue's URL on the emulator's endpoint. fauxqs names queues `http://sqs.<region>.127.0.0.1:PORT/...`,
 * which is not a valid URL (so the config would refuse it); fauxqs finds a queue by its name in any URL.
 */
export function endpointUrl(local: LocalSqs, queue: LocalQueue): string {
  return `${local.endpoint}/000000000000/${queue.name}`;
}

/**
 * The environment a bundled customer-sync handler is given to run against the harness (as Lambda configures
 * it): both simulators, the `file:` credentials secret, the DLQ and fauxqs, INFO logs; plus `extra`.
 */
export function bundleEnv(
  h: Harness,
  secretFile: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    IC_API_URL: h.ic.url,
    CRM_API_URL: h.cro.url,
    CRM_TENANT_ID: '42',
    CREDENTIALS_SECRET_ID: `file:${secretFile}`,
    DLQ_URL: endpointUrl(h.local, h.dlq),
    AWS_ENDPOINT_URL_SQS: h.local.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    ...extra,
  };
}

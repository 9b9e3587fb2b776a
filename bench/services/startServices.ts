import { type LocalDynamo, startLocalDynamo } from '../../lib/local/localDynamo.ts';
import { type LocalSqs, LOCAL_CREDENTIALS, LOCAL_REGION, startLocalSqs } from '../../lib/local/localSqs.ts';
import {
  type CroSimulator,
  DEFAULT_CRO_TOKEN,
  DEFAULT_IC_TOKEN,
  type FaultOptions,
  type IcSimulator,
  startCroSimulator,
  startIcSimulator,
} from '../../lib/local/simulators/index.ts';
import { type CountingProxy, startCountingProxy } from './countingProxy.ts';

/** The CRO tenant the bench and the soak run as. */
export const TENANT_ID = 42;

export interface ServicesOptions {
  latencyMs?: number;
  faults?: FaultOptions;
  /** Main queue's redrive setting. @default 5 */
  maxReceiveCount?: number;
  /** Main queue's default visibility timeout, seconds. @default 30 */
  visibilityTimeoutSeconds?: number;
}

/** Everything the customer-sync talks to, running locally: both API simulators, dynalite, fauxqs. */
export interface Services {
  ic: IcSimulator;
  cro: CroSimulator;
  dynamo: LocalDynamo;
  /** Counts DynamoDB operations; the handler is pointed at `dynamoProxy.url`. */
  dynamoProxy: CountingProxy;
  sqs: LocalSqs;
  /** The customer-sync environment (docs/configuration.md#customer-sync + state table + SDK endpoints), minus the secret id. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The tokens both simulators accept at start; a soak rotates them. */
export const INITIAL_TOKENS = {
  invisibleCollectorToken: DEFAULT_IC_TOKEN,
  crmToken: DEFAULT_CRO_TOKEN,
} as const;

/**
 * Starts the services a customer-sync run needs and the environment that points the handler at them.
 *
 * @example
 * const services = await startServices({ latencyMs: 20 });
 * Object.assign(process.env, services.env, { CREDENTIALS_SECRET_ID: 'file:/tmp/creds.json' });
 * await services.stop();
 */
export async function startServices(options: ServicesOptions = {}): Promise<Services> {
  const [ic, cro, dynamo, sqs] = await Promise.all([
    startIcSimulator({ latencyMs: options.latencyMs, faults: options.faults }),
    startCroSimulator({ tenantId: TENANT_ID, latencyMs: options.latencyMs, faults: options.faults }),
    startLocalDynamo(),
    startLocalSqs({
      maxReceiveCount: options.maxReceiveCount ?? 5,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
    }),
  ]);
  const dynamoProxy = await startCountingProxy(dynamo.endpoint);
  const env: Record<string, string> = {
    IC_API_URL: ic.url,
    CRM_API_URL: cro.url,
    CRM_TENANT_ID: String(TENANT_ID),
    DLQ_URL: onEndpoint(sqs.endpoint, sqs.dlq.url),
    // The event queue, for the bundled webhook (customer-sync does not read it).
    QUEUE_URL: onEndpoint(sqs.endpoint, sqs.queue.url),
    STATE_TABLE_NAME: dynamo.tableName,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoProxy.url,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
  };
  return {
    ic,
    cro,
    dynamo,
    dynamoProxy,
    sqs,
    env,
    async stop() {
      await Promise.allSettled([ic.stop(), cro.stop(), dynamoProxy.stop()]);
      await Promise.allSettled([dynamo.stop(), sqs.stop()]);
    },
  };
}

/**
 * fauxqs names queues `http://sqs.<region>.127.0.0.1:PORT/...`, a host the configuration's URL check
 * (and WHATWG URL parsing) rejects; the same path on the emulator's plain endpoint reaches the same queue.
 */
export function onEndpoint(endpoint: string, queueUrl: string): string {
  return queueUrl.replace(/^https?:\/\/[^/]+/, endpoint);
}

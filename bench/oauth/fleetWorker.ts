// One "Lambda container" of the OAuth fleet, in its own process (forked by fleet.ts): the customer-sync from
// its sources with the handler's wiring (`createCustomerSyncDeps`: the CRO OAuth credentials on the shared
// `file:` secret, the refresh lease in the shared state table), driven by an SQS poller on the shared queue.
// Configured by its environment (docs/configuration.md) and argv[2] (timings, JSON); reports its counts over IPC.
import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadCustomerSyncConfig } from '../../lib/config/customerSync.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../lib/local/localSqs.ts';
import { SqsLambdaPoller } from '../../lib/local/SqsLambdaPoller.ts';
import { CountingSyncMetrics } from '../../lib/sync/CountingSyncMetrics.ts';
import { createCustomerSyncDeps } from '../../lib/sync/createCustomerSyncDeps.ts';
import { processBatch } from '../../lib/sync/processBatch.ts';
import type { TokenLogger } from '../../lib/oauth/types.ts';
import type { WorkerReply, WorkerRequest, WorkerSettings } from './protocol.ts';

const settings = JSON.parse(process.argv[2] ?? '{}') as WorkerSettings;
const config = loadCustomerSyncConfig(process.env);
const metrics = new CountingSyncMetrics();
const tokenLines: WorkerReply['stats']['tokenLines'] = [];
let refreshes = 0;
let authorizationLost = 0;
const line =
  (level: string) =>
  (message: string): void => {
    tokenLines.push({ level, message });
  };
const sqs = new SQSClient({
  endpoint: process.env.AWS_ENDPOINT_URL_SQS,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  useQueueUrlAsEndpoint: false,
});
const deps = createCustomerSyncDeps(config, {
  logger: new Logger({
    serviceName: 'customer-sync',
    logLevel: (process.env.FLEET_LOG_LEVEL ?? 'SILENT') as 'SILENT',
  }),
  metrics,
  sqs,
  credentialParts: {
    // Only the message matters here; Powertools' overloaded signatures do not fit a plain recorder.
    logger: { info: line('info'), warn: line('warn'), error: line('error') } as unknown as TokenLogger,
    onRefresh: () => (refreshes += 1),
    onAuthorizationLost: () => (authorizationLost += 1),
    timings: settings.timings,
  },
  options: settings.syncOptions,
});
const poller = new SqsLambdaPoller({
  sqs,
  queueUrl: settings.queueUrl,
  queueArn: settings.queueArn,
  handler: (event, context) => processBatch(event.Records, deps, context),
  batchSize: 10,
  timeoutMs: settings.lambdaTimeoutMs,
  waitTimeSeconds: 1,
});
poller.start();

const reply = (message: WorkerReply) => process.send?.(message);
process.on('message', (request: WorkerRequest) => {
  if (request.type === 'stats') {
    reply({
      type: 'stats',
      id: request.id,
      stats: { counts: { ...metrics.counts }, refreshes, authorizationLost, tokenLines },
    });
  } else if (request.type === 'stop') {
    void poller.stop().then(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready', id: 0, stats: { counts: {}, refreshes: 0, authorizationLost: 0, tokenLines: [] } });

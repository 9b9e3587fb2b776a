import { CUSTOMER_SYNC_DEFAULTS } from '../config/customerSync.ts';
import { resolve } from 'node:path';
import type { SQSBatchResponse } from 'aws-lambda';
import type { ReconcileSummary } from '../reconcile/types.ts';
import { type QueueSettings, queueSettings } from '../settings/queueSettings.ts';
import {
  type CroOAuthSimulator,
  type CroSimulator,
  authorizedClient,
  DEFAULT_CRO_TOKEN,
  DEFAULT_IC_TOKEN,
  type IcSimulator,
  startCroOAuthSimulator,
  startCroSimulator,
  startIcSimulator,
} from './simulators/index.ts';
import { type Activity, activityOf } from './activity.ts';
import { CONSOLE_PATH, consoleHandler } from './console/consoleServer.ts';
import { EventLog } from './console/eventLog.ts';
import type { SimulatorName, TokenRevocation } from './console/faults.ts';
import { createLocalControl, type LocalControl } from './console/localControl.ts';
import { createSecretReader } from '../secrets/createSecretReader.ts';
import { createSecretWriter } from '../secrets/createSecretWriter.ts';
import { secretCredentialStore } from '../secrets/credentialsProvider.ts';
import { LambdaWorker } from './LambdaWorker.ts';
import { type LocalDynamo, startLocalDynamo } from './localDynamo.ts';
import {
  type LocalCredentials,
  type StackFile,
  writeLocalSecrets,
  writeStackFile,
  removeStackFile,
} from './localFiles.ts';
import { LOCAL_VAT_FIELD, type LocalReconcile, seedLocalCro, startLocalReconcile } from './localReconcile.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalSqs, startLocalSqs } from './localSqs.ts';
import { type HttpLambda, type HttpLambdaHandler, startHttpLambda } from './startHttpLambda.ts';
import { SqsLambdaPoller } from './SqsLambdaPoller.ts';

/** Options of {@link startLocalStack}; every one has a default that gives the full round trip. */
export interface LocalStackOptions {
  /** Webhook port; 0 picks a free one. @default 3000 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** The CRO tenant served. @default 42 */
  tenantId?: number;
  /** A real (or other) Invisible Collector; unset → the built-in simulator. */
  icApiUrl?: string;
  /** A real (or other) CRO Software API; unset → the built-in simulator, seeded with locations 1–3 and customers 1–3. */
  crmApiUrl?: string;
  /** Tokens written to the local credentials secret. @default the simulators' tokens */
  credentials?: { invisibleCollectorToken?: string; crmToken?: string };
  /**
   * How customer-sync authenticates to the CRO simulator: OAuth 2.0 (a grant seeded at start, access tokens
   * that expire and refresh tokens that rotate on every use, as CRO's) or the simulator's static token.
   * @default 'oauth'
   */
  crmAuth?: 'oauth' | 'static';
  /** Lifetime of the CRO simulator's access tokens, seconds. @default 300 */
  crmAccessTokenTtlSeconds?: number;
  /**
   * A real CRO's token endpoint (with `crmApiUrl`): customer-sync refreshes there with the `crm` object
   * already in the local credentials file (`npx crm-sync auth --local` writes it).
   */
  crmTokenUrl?: string;
  /** A real CRO's authorize endpoint, recorded for `npx crm-sync auth --local`. */
  crmAuthorizeUrl?: string;
  /** Sync state: in the worker's memory, or DynamoDB on dynalite. @default 'memory' */
  state?: 'memory' | 'dynalite';
  /** A FIFO queue pair (`crm-sync-events.fifo`). @default false */
  fifo?: boolean;
  /** @default as the stack: derived from a 120-minute retry horizon */
  maxReceiveCount?: number;
  /** @default as the stack: 6 × the 60 s function timeout + the batching window */
  visibilityTimeoutSeconds?: number;
  /** Records per customer-sync invocation. @default 10 */
  batchSize?: number;
  /** The event source's batching window in ms. @default 0 (each event is processed at once) */
  batchingWindowMs?: number;
  /** customer-sync timeout (Lambda context). @default 60000 */
  syncTimeoutMs?: number;
  /** Extra customer-sync environment (DEFAULT_COUNTRY, VAT_CONFLICT_POLICY, ...). */
  syncEnv?: Record<string, string>;
  /**
   * The reconciliation's schedule: a run at start, then every `reconcileIntervalMs`; 0 runs it only on demand
   * (`LocalStack.reconcileNow`). @default 0
   */
  reconcileIntervalMs?: number;
  /** Extra reconcile environment (CRM_LOCATION_IDS, CRM_VAT_FIELD for a real CRO, ...). */
  reconcileEnv?: Record<string, string>;
  /** Where secrets and stack.json go. @default '.local' */
  localDir?: string;
  /** Where the bundles are (`npm run build`). @default 'dist/functions' */
  distDir?: string;
  /** Called for every activity read from the functions' logs (one per processed event, webhook answers, problems). */
  onActivity?: (activity: Activity) => void;
  /** Every raw log line of the functions (JSON), e.g. for `--verbose`. */
  onLog?: (line: string, functionName: string) => void;
  /** How the console's "revoked token" fault is made per simulator. @default the simulator refuses its tokens */
  tokenRevocation?: Partial<Record<SimulatorName, TokenRevocation>>;
}

/** A running local stack. */
export interface LocalStack extends StackFile {
  /** The `whsec_` secret the webhook accepts. */
  webhookSecret: string;
  /** Path of the webhook secret file. */
  webhookSecretFile: string;
  stackFile: string;
  sqs: LocalSqs;
  /** The simulators, when started. */
  ic?: IcSimulator;
  cro?: CroSimulator;
  /** The CRO simulator's OAuth server, when the simulator runs with OAuth (`revokeGrants()` plays a revoked grant). */
  croOAuth?: CroOAuthSimulator;
  /** Runs the reconciliation now (after the run in progress); resolves its summary. */
  reconcileNow(): Promise<ReconcileSummary>;
  /** The event log the console shows: every activity, and every change made through the control API. */
  log: EventLog;
  /** What the console and `crm-sync local` see and change (also over HTTP under `consoleUrl`). */
  control: LocalControl;
  stop(): Promise<void>;
}

const SYNC_TIMEOUT_MS = 60_000;
const RETRY_HORIZON_MINUTES = 120;
const QUEUE_RETENTION_DAYS = 4;
const ACCOUNT = '000000000000';

/**
 * Starts crm-sync on one machine with nothing else running (README, "Run it locally"): fauxqs with the event queue and
 * its DLQ (the stack's redrive settings), the sync state (memory or dynalite), simulators of both APIs unless
 * URLs are given, `file:` secrets under `.local/`, the BUNDLED webhook behind a node:http server that speaks
 * API Gateway v2 events, a poller invoking the BUNDLED customer-sync like the SQS event source mapping, and the
 * BUNDLED reconcile function on a timer standing in for its schedule, and on demand.
 * Each bundle runs in its own worker thread with its own environment (set before import, as Lambda does);
 * their log lines become {@link Activity} callbacks and lines of the event log. The console (`/_console/` on the
 * webhook's port) shows that log and steers the simulators, queues and DLQ. Writes `.local/stack.json` for tools.
 *
 * @example
 * const stack = await startLocalStack({ port: 0, onActivity: (a) => console.log(a) });
 * console.log(stack.webhookUrl);
 * await stack.stop();
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const tenantId = options.tenantId ?? 42;
  const localDir = options.localDir ?? '.local';
  const distDir = resolve(options.distDir ?? 'dist/functions');
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };
  try {
    // The stack's derivation (lib/settings), with the local overrides; recorded in stack.json for `crm-sync doctor`.
    const derived = queueSettings({
      retryHorizonMinutes: RETRY_HORIZON_MINUTES,
      syncTimeoutSeconds: SYNC_TIMEOUT_MS / 1000,
      maxBatchingWindowSeconds: Math.ceil((options.batchingWindowMs ?? 0) / 1000),
      queueRetentionDays: QUEUE_RETENTION_DAYS,
    });
    const settings: QueueSettings = {
      ...derived,
      maxReceiveCount: options.maxReceiveCount ?? derived.maxReceiveCount,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? derived.visibilityTimeoutSeconds,
    };
    const sqs = await startLocalSqs({
      fifo: options.fifo ?? false,
      maxReceiveCount: settings.maxReceiveCount,
      visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
      retentionSeconds: settings.retentionSeconds,
    });
    stops.push(() => sqs.stop());
    // Path-style URLs: fauxqs accepts them, and unlike its own host-style ones they parse as URLs.
    const queueUrl = `${sqs.endpoint}/${ACCOUNT}/${sqs.queue.name}`;
    const dlqUrl = `${sqs.endpoint}/${ACCOUNT}/${sqs.dlq.name}`;

    let dynamo: LocalDynamo | undefined;
    if (options.state === 'dynalite') {
      dynamo = await startLocalDynamo();
      stops.push(() => dynamo!.stop());
    }
    let ic: IcSimulator | undefined;
    if (options.icApiUrl === undefined) {
      ic = await startIcSimulator();
      stops.push(() => ic!.stop());
    }
    let cro: CroSimulator | undefined;
    let croOAuth: CroOAuthSimulator | undefined;
    if (options.crmApiUrl === undefined) {
      if ((options.crmAuth ?? 'oauth') === 'oauth') {
        croOAuth = await startCroOAuthSimulator({
          accessTokenTtlSeconds: options.crmAccessTokenTtlSeconds ?? 300,
        });
        stops.push(() => croOAuth!.stop());
      }
      const oauth = croOAuth;
      cro = await startCroSimulator({
        tenantId,
        ...(oauth !== undefined && { acceptToken: (token: string) => oauth.isAccessTokenValid(token) }),
      });
      seedLocalCro(cro);
      stops.push(() => cro!.stop());
    }
    const icApiUrl = options.icApiUrl ?? ic!.url;
    const crmApiUrl = options.crmApiUrl ?? cro!.url;
    const crmTokenUrl =
      croOAuth?.tokenUrl ?? (options.crmApiUrl !== undefined ? options.crmTokenUrl : undefined);
    const crmAuthorizeUrl = croOAuth?.authorizeUrl ?? options.crmAuthorizeUrl;

    const { webhookSecret, paths } = await writeLocalSecrets(localDir, {
      invisibleCollectorToken: options.credentials?.invisibleCollectorToken ?? DEFAULT_IC_TOKEN,
      ...crmCredentials(options, croOAuth),
    });
    const credentialsSecretId = `file:${paths.credentials}`;
    const webhookSecretId = `file:${paths.webhookSecret}`;

    const awsEnv: Record<string, string> = {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      ...(dynamo !== undefined && { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint }),
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      PATH: process.env.PATH ?? '',
    };
    const log = new EventLog();
    const report = (activity: Activity) => {
      log.activity(activity);
      options.onActivity?.(activity);
    };
    const onOutput = (name: string) => (line: string) => {
      options.onLog?.(line, name);
      const activity = activityOf(line);
      if (activity !== undefined) report(activity);
    };

    const sync = await LambdaWorker.start({
      bundle: resolve(distDir, 'customer-sync/index.mjs'),
      functionName: 'customer-sync',
      env: {
        ...awsEnv,
        IC_API_URL: icApiUrl,
        CRM_API_URL: crmApiUrl,
        CRM_TENANT_ID: String(tenantId),
        CREDENTIALS_SECRET_ID: credentialsSecretId,
        ...(crmTokenUrl !== undefined && { CRM_TOKEN_URL: crmTokenUrl }),
        DLQ_URL: dlqUrl,
        ...(dynamo !== undefined && { STATE_TABLE_NAME: dynamo.tableName }),
        // The built-in simulator applies no write late (unless told to): the shortest settle window allowed
        // keeps a retry after a 5xx quick for whoever watches it. Against a real IC, the shipped default.
        ...(options.icApiUrl === undefined && {
          IC_WRITE_SETTLE_MS: options.syncEnv?.IC_TIMEOUT_MS ?? String(CUSTOMER_SYNC_DEFAULTS.icTimeoutMs),
        }),
        ...options.syncEnv,
      },
      onOutput: onOutput('customer-sync'),
    });
    stops.push(() => sync.stop());
    const webhook = await LambdaWorker.start({
      bundle: resolve(distDir, 'webhook/index.mjs'),
      functionName: 'webhook',
      env: {
        ...awsEnv,
        QUEUE_URL: queueUrl,
        WEBHOOK_SECRET_ID: webhookSecretId,
        CRM_TENANT_ID: String(tenantId),
      },
      onOutput: onOutput('webhook'),
    });
    stops.push(() => webhook.stop());

    const reconcileEnv: Record<string, string> = {
      ...awsEnv,
      CRM_API_URL: crmApiUrl,
      CRM_TENANT_ID: String(tenantId),
      CREDENTIALS_SECRET_ID: credentialsSecretId,
      ...(crmTokenUrl !== undefined && { CRM_TOKEN_URL: crmTokenUrl }),
      QUEUE_URL: queueUrl,
      ...(cro !== undefined && { CRM_VAT_FIELD: LOCAL_VAT_FIELD }),
      ...(dynamo !== undefined && { STATE_TABLE_NAME: dynamo.tableName }),
      ...options.reconcileEnv,
    };
    const reconcile: LocalReconcile = await startLocalReconcile({
      bundle: resolve(distDir, 'reconcile/index.mjs'),
      env: reconcileEnv,
      intervalMs: options.reconcileIntervalMs ?? 0,
      onOutput: onOutput('reconcile'),
      onError: (error) =>
        report({
          kind: 'problem',
          service: 'reconcile',
          level: 'ERROR',
          message: error instanceof Error ? error.message : String(error),
        }),
    });
    stops.push(() => reconcile.stop());

    const syncTimeoutMs = options.syncTimeoutMs ?? SYNC_TIMEOUT_MS;
    const poller = new SqsLambdaPoller({
      sqs: sqs.sqs,
      queueUrl,
      queueArn: sqs.queue.arn,
      handler: (event, context) => sync.invoke<SQSBatchResponse>(event, context),
      batchSize: options.batchSize ?? 10,
      batchingWindowMs: options.batchingWindowMs ?? 0,
      timeoutMs: syncTimeoutMs,
      waitTimeSeconds: 1,
      onBatch: (outcome) => {
        if (outcome.error !== undefined) {
          const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
          report({ kind: 'problem', service: 'customer-sync', level: 'ERROR', message });
        }
      },
    });
    poller.start();
    stops.push(() => poller.stop());

    // The console is mounted once the webhook URL (its port) is known: it posts CRO edits there.
    const mounted: { console?: ReturnType<typeof consoleHandler> } = {};
    const http: HttpLambda = await startHttpLambda({
      handler: ((event, context) => webhook.invoke(event, context)) as HttpLambdaHandler,
      port: options.port ?? 3000,
      host: options.host ?? '127.0.0.1',
      functionName: 'webhook',
      timeoutMs: 10_000,
      intercept: (req, res) => mounted.console?.(req, res) ?? false,
    });
    stops.push(() => http.stop());
    const webhookUrl = `${http.url}/webhook`;
    const control = createLocalControl({
      webhookUrl,
      webhookSecret,
      tenantId,
      sqs,
      queueUrl,
      dlqUrl,
      ...(ic !== undefined && { ic }),
      ...(cro !== undefined && { cro }),
      revocation: {
        ...(croOAuth !== undefined && { cro: revokeGrant(croOAuth, credentialsSecretId) }),
        ...options.tokenRevocation,
      },
      reconcile: () => reconcile.runNow(),
      log,
    });
    mounted.console = consoleHandler(control, log);

    const stackFile: StackFile = {
      webhookUrl,
      consoleUrl: `${http.url}${CONSOLE_PATH}/`,
      queueUrl,
      dlqUrl,
      sqsEndpoint: sqs.endpoint,
      region: LOCAL_REGION,
      tenantId,
      icApiUrl,
      crmApiUrl,
      webhookSecretId,
      credentialsSecretId,
      ...(crmTokenUrl !== undefined && { crmTokenUrl }),
      ...(crmAuthorizeUrl !== undefined && { crmAuthorizeUrl }),
      ...(dynamo !== undefined && { dynamoEndpoint: dynamo.endpoint, stateTableName: dynamo.tableName }),
      ...(reconcileEnv.CRM_VAT_FIELD !== undefined && { crmVatField: reconcileEnv.CRM_VAT_FIELD }),
      queueSettings: settings,
      pid: process.pid,
    };
    const stackPath = await writeStackFile(localDir, stackFile);
    stops.unshift(() => removeStackFile(localDir));
    return {
      ...stackFile,
      webhookSecret,
      webhookSecretFile: paths.webhookSecret,
      stackFile: stackPath,
      sqs,
      ...(ic !== undefined && { ic }),
      ...(cro !== undefined && { cro }),
      ...(croOAuth !== undefined && { croOAuth }),
      reconcileNow: () => reconcile.runNow(),
      log,
      control,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * CRO's part of the local credentials: the simulator's OAuth client with a freshly seeded grant (no access
 * token yet, so the first sync refreshes), a real CRO's OAuth credentials already in the file, or a token.
 */
function crmCredentials(
  options: LocalStackOptions,
  croOAuth: CroOAuthSimulator | undefined,
): Omit<LocalCredentials, 'invisibleCollectorToken'> {
  if (croOAuth !== undefined) return { crm: authorizedClient(croOAuth) };
  if (options.crmApiUrl !== undefined && options.crmTokenUrl !== undefined) return { crm: 'keep' };
  return { crmToken: options.credentials?.crmToken ?? DEFAULT_CRO_TOKEN };
}

/**
 * The console's "revoked token" fault with CRO OAuth: the grant is revoked (its refresh and access tokens stop
 * working: `invalid_grant`, `CrmAuthorizationLost`); restoring authorizes again, as `npx crm-sync auth --local`
 * would, by writing a new grant's `crm` object into the credentials file.
 */
function revokeGrant(oauth: CroOAuthSimulator, credentialsSecretId: string): TokenRevocation {
  const store = secretCredentialStore(credentialsSecretId, 'crm', {
    reader: createSecretReader({ ttlMs: 0, minRefreshIntervalMs: 0 }),
    writer: createSecretWriter(),
  });
  return {
    revoke: () => {
      oauth.revokeGrants();
    },
    restore: () => {
      const next = authorizedClient(oauth);
      void store
        .read()
        .then((current) => store.write(next, current.refreshToken))
        .catch(() => undefined);
    },
  };
}

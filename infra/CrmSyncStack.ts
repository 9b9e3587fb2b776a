import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { SERVICE_NAMES } from '../lib/observability/names.ts';
import { resolveEventSourceSettings } from '../lib/settings/eventSourceSettings.ts';
import { queueSettings } from '../lib/settings/queueSettings.ts';
import { AlarmTopic } from './constructs/AlarmTopic.ts';
import { EventQueues } from './constructs/EventQueues.ts';
import { importSecret } from './constructs/importSecret.ts';
import { Reconciliation } from './constructs/Reconciliation.ts';
import { SyncAlarms } from './constructs/SyncAlarms.ts';
import { SyncDashboard } from './constructs/SyncDashboard.ts';
import { SyncFunction } from './constructs/SyncFunction.ts';
import { WebhookApi } from './constructs/WebhookApi.ts';
import type { CrmSyncStackProps } from './CrmSyncStackProps.ts';
import { InfraConfigError } from './errors.ts';
import { CONTEXT_DEFAULTS } from './stackPropsFromContext.ts';
import { syncAlarmSpecs } from './syncAlarmSpecs.ts';

/** The webhook function's timeout: it verifies, parses and enqueues one request. */
const WEBHOOK_TIMEOUT = Duration.seconds(10);
/** The replay function's timeout (it stops sending a safety margin before it). */
const REPLAY_TIMEOUT = Duration.minutes(5);
/** The longest stack name whose derived DLQ name (`<name>-dead-letters.fifo`) fits SQS's 80 characters. */
const MAX_STACK_NAME_LENGTH = 60;

/**
 * The physical names of what a redeployed stack must find again, derived from the stack name: the DLQ (its
 * dead letters) and the state table (dedup ids, gids, watermarks).
 *
 * @example
 * dataResourceNames('CrmSync-prod'); // { deadLetterQueue: 'CrmSync-prod-dead-letters', stateTable: 'CrmSync-prod-state' }
 */
export function dataResourceNames(stackName: string): { deadLetterQueue: string; stateTable: string } {
  return { deadLetterQueue: `${stackName}-dead-letters`, stateTable: `${stackName}-state` };
}

/**
 * crm-sync on AWS: the event queue and its DLQ, the customer-sync consumer with its DynamoDB state table,
 * the signed webhook behind an HTTP API, the replay function, the scheduled reconciliation (CRO lists →
 * events), alarms to an SNS topic and a dashboard.
 * Every function gets only the actions it uses, on its own resources. The DLQ and the state table have names
 * derived from the stack name and are kept when the stack is deleted (`retainData`, default true).
 *
 * @example
 * new CrmSyncStack(app, 'CrmSync-prod', { crmApiUrl: 'https://api.cro.example', crmTenantId: 42,
 *   credentialsSecretName: 'crm-sync/credentials', webhookSecretName: 'crm-sync/webhook', alarmEmail: 'ops@example.com' });
 */
export class CrmSyncStack extends Stack {
  readonly queues: EventQueues;
  readonly stateTable: dynamodb.Table;
  readonly syncFunction: SyncFunction;
  readonly webhookFunction: SyncFunction;
  readonly replayFunction: SyncFunction;
  readonly reconciliation: Reconciliation;
  readonly webhookApi: WebhookApi;
  readonly alarmTopic: AlarmTopic;
  readonly alarms: SyncAlarms;
  readonly dashboard: SyncDashboard;

  constructor(scope: Construct, id: string, props: CrmSyncStackProps) {
    super(scope, id, props);
    if (this.stackName.length > MAX_STACK_NAME_LENGTH) {
      throw new InfraConfigError(
        'stackName',
        `${this.stackName} is longer than ${MAX_STACK_NAME_LENGTH} characters (the DLQ's name derives from it)`,
      );
    }
    const fifo = props.fifo ?? CONTEXT_DEFAULTS.fifo;
    const logRetention = toRetentionDays(props.logRetentionDays ?? CONTEXT_DEFAULTS.logRetentionDays);
    const syncTimeout = Duration.seconds(props.syncTimeoutSeconds ?? CONTEXT_DEFAULTS.syncTimeoutSeconds);
    const tracing = props.tracing ?? CONTEXT_DEFAULTS.tracing;
    const dataRemoval =
      (props.retainData ?? CONTEXT_DEFAULTS.retainData) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const names = dataResourceNames(this.stackName);
    const batching = resolveEventSourceSettings({
      fifo,
      ...(props.batchSize !== undefined && { batchSize: props.batchSize }),
      ...(props.maxBatchingWindowSeconds !== undefined && {
        maxBatchingWindowSeconds: props.maxBatchingWindowSeconds,
      }),
      ...(props.maxConcurrency !== undefined && { maxConcurrency: props.maxConcurrency }),
    });
    const settings = queueSettings({
      retryHorizonMinutes: props.retryHorizonMinutes ?? CONTEXT_DEFAULTS.retryHorizonMinutes,
      syncTimeoutSeconds: syncTimeout.toSeconds(),
      maxBatchingWindowSeconds: batching.maxBatchingWindowSeconds,
      queueRetentionDays: props.queueRetentionDays ?? CONTEXT_DEFAULTS.queueRetentionDays,
    });

    this.queues = new EventQueues(this, 'Events', {
      fifo,
      encryption: props.queueEncryption ?? CONTEXT_DEFAULTS.queueEncryption,
      visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
      maxReceiveCount: settings.maxReceiveCount,
      retentionPeriod: Duration.seconds(settings.retentionSeconds),
      deadLetterQueueName: names.deadLetterQueue,
      deadLetterRemovalPolicy: dataRemoval,
    });
    const { queue, deadLetterQueue } = this.queues;

    this.stateTable = new dynamodb.Table(this, 'StateTable', {
      tableName: names.stateTable,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'ttl',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Watermarks, known gids and dedup ids: kept by default, so a redeploy can take the table over (cdk import).
      removalPolicy: dataRemoval,
    });

    const secretsKey =
      props.secretsKmsKeyArn !== undefined
        ? kms.Key.fromKeyArn(this, 'SecretsKey', props.secretsKmsKeyArn)
        : undefined;
    const credentials = importSecret(this, 'CredentialsSecret', props.credentialsSecretName);
    const webhookSecret = importSecret(this, 'WebhookSecret', props.webhookSecretName);
    const tenant = String(props.crmTenantId);
    const icApiUrl = props.icApiUrl ?? CONTEXT_DEFAULTS.icApiUrl;

    this.syncFunction = new SyncFunction(this, 'CustomerSync', {
      bundle: 'customer-sync',
      serviceName: SERVICE_NAMES.customerSync,
      description: 'Applies CRM customer change events to Invisible Collector',
      timeout: syncTimeout,
      memorySize: props.syncMemorySize ?? CONTEXT_DEFAULTS.syncMemorySize,
      logRetention,
      tracing,
      environment: {
        IC_API_URL: icApiUrl,
        CRM_API_URL: props.crmApiUrl,
        CRM_TENANT_ID: tenant,
        SYNC_CONCURRENCY: String(props.syncConcurrency ?? CONTEXT_DEFAULTS.syncConcurrency),
        VAT_CONFLICT_POLICY: props.vatConflictPolicy ?? CONTEXT_DEFAULTS.vatConflictPolicy,
        ...(props.defaultCountry !== undefined && { DEFAULT_COUNTRY: props.defaultCountry.toUpperCase() }),
        ...(props.defaultLocale !== undefined && { DEFAULT_LOCALE: props.defaultLocale }),
        ...(props.crmTokenUrl !== undefined && {
          CRM_TOKEN_URL: props.crmTokenUrl,
          CRM_TOKEN_AUTH: props.crmTokenAuth ?? CONTEXT_DEFAULTS.crmTokenAuth,
        }),
      },
    })
      // With CRO OAuth, rotated refresh tokens are written back to the same secret (and to no other).
      .bindSecret('CREDENTIALS_SECRET_ID', credentials, secretsKey, {
        write: props.crmTokenUrl !== undefined,
      })
      .bindQueueSender('DLQ_URL', deadLetterQueue)
      .bindStateTable('STATE_TABLE_NAME', this.stateTable);
    // The event source grants consuming the queue, ChangeMessageVisibility included (the sync's retry backoff).
    // Sending to it is the sync's deferral: a record waiting for a busy customer goes back as a new message.
    this.syncFunction.allowRequeue(queue);
    this.syncFunction.addEventSource(
      new SqsEventSource(queue, {
        batchSize: batching.batchSize,
        ...(batching.maxBatchingWindowSeconds > 0 && {
          maxBatchingWindow: Duration.seconds(batching.maxBatchingWindowSeconds),
        }),
        maxConcurrency: batching.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    this.webhookFunction = new SyncFunction(this, 'Webhook', {
      bundle: 'webhook',
      serviceName: SERVICE_NAMES.webhook,
      description: 'Verifies signed CRM webhooks and enqueues their CloudEvents',
      timeout: WEBHOOK_TIMEOUT,
      memorySize: props.webhookMemorySize ?? CONTEXT_DEFAULTS.webhookMemorySize,
      logRetention,
      tracing,
      environment: { CRM_TENANT_ID: tenant },
    })
      .bindQueueSender('QUEUE_URL', queue)
      .bindSecret('WEBHOOK_SECRET_ID', webhookSecret, secretsKey);
    this.webhookApi = new WebhookApi(this, 'WebhookApi', {
      handler: this.webhookFunction,
      rateLimit: props.webhookRateLimit ?? CONTEXT_DEFAULTS.webhookRateLimit,
      burstLimit: props.webhookBurstLimit ?? CONTEXT_DEFAULTS.webhookBurstLimit,
      logRetention,
      stackName: this.stackName,
    });

    this.replayFunction = new SyncFunction(this, 'Replay', {
      bundle: 'replay',
      serviceName: SERVICE_NAMES.replay,
      description: 'Operator tool: moves dead-lettered events back to the event queue',
      timeout: REPLAY_TIMEOUT,
      logRetention,
      tracing,
      // One replay at a time: a second invocation (a CLI retry after its read timeout) is throttled, not run.
      reservedConcurrentExecutions: 1,
    })
      .bindQueueDrainer('DLQ_URL', deadLetterQueue)
      .bindQueueSender('QUEUE_URL', queue);

    this.reconciliation = new Reconciliation(this, 'Reconciliation', {
      queue,
      stateTable: this.stateTable,
      credentials,
      ...(secretsKey !== undefined && { secretsKey }),
      crmApiUrl: props.crmApiUrl,
      crmTenantId: props.crmTenantId,
      ...(props.crmTokenUrl !== undefined && {
        crmTokenUrl: props.crmTokenUrl,
        crmTokenAuth: props.crmTokenAuth ?? CONTEXT_DEFAULTS.crmTokenAuth,
      }),
      schedule: props.reconcileSchedule ?? CONTEXT_DEFAULTS.reconcileSchedule,
      enqueueRate: props.reconcileRate ?? CONTEXT_DEFAULTS.reconcileRate,
      ...(props.crmLocationIds !== undefined && { locationIds: props.crmLocationIds }),
      ...(props.crmVatField !== undefined && { vatField: props.crmVatField }),
      logRetention,
    });

    this.alarmTopic = new AlarmTopic(this, 'Alarms', {
      ...(props.alarmEmail !== undefined && { alarmEmail: props.alarmEmail }),
    });
    this.alarms = new SyncAlarms(this, 'SyncAlarms', {
      topic: this.alarmTopic.topic,
      specs: syncAlarmSpecs({
        stackName: this.stackName,
        queue,
        deadLetterQueue,
        syncFunction: this.syncFunction,
        syncTimeout,
        webhookFunction: this.webhookFunction,
        webhookTimeout: WEBHOOK_TIMEOUT,
        replayFunction: this.replayFunction,
        webhookApi: this.webhookApi.httpApi,
        webhookThrottled: this.webhookApi.metricThrottled({ period: Duration.minutes(15) }),
        stateTable: this.stateTable,
        oldestMessageAgeMinutes:
          props.oldestMessageAgeAlarmMinutes ?? CONTEXT_DEFAULTS.oldestMessageAgeAlarmMinutes,
        deadLetterAgeDays: props.deadLetterAgeAlarmDays ?? CONTEXT_DEFAULTS.deadLetterAgeAlarmDays,
        webhookSilenceHours: props.webhookSilenceAlarmHours ?? CONTEXT_DEFAULTS.webhookSilenceAlarmHours,
        reconcileFunction: this.reconciliation.function,
        checkpointLagMinutes: props.checkpointLagAlarmMinutes ?? CONTEXT_DEFAULTS.checkpointLagAlarmMinutes,
      }),
    });
    this.dashboard = new SyncDashboard(this, 'Dashboard', {
      stackName: this.stackName,
      queue,
      deadLetterQueue,
      syncFunction: this.syncFunction,
      syncTimeout,
      maxConcurrency: batching.maxConcurrency,
      webhookFunction: this.webhookFunction,
      webhookTimeout: WEBHOOK_TIMEOUT,
      replayFunction: this.replayFunction,
      webhookApi: this.webhookApi.httpApi,
      reconcileFunction: this.reconciliation.function,
      webhookThrottled: this.webhookApi.metricThrottled(),
      stateTable: this.stateTable,
      alarms: this.alarms.alarms,
    });

    const outputs: Record<string, [string, string]> = {
      QueueUrl: [queue.queueUrl, 'Event queue URL (replay --to, producers that send directly)'],
      QueueArn: [queue.queueArn, 'Event queue ARN'],
      DlqUrl: [deadLetterQueue.queueUrl, 'Dead-letter queue URL (replay --from)'],
      DlqArn: [
        deadLetterQueue.queueArn,
        'Dead-letter queue ARN (aws sqs start-message-move-task --source-arn)',
      ],
      QueueSettings: [
        JSON.stringify(settings),
        'The queue attributes the stack derived from its settings (crm-sync doctor checks the live queues against them)',
      ],
      WebhookUrl: [this.webhookApi.url, 'URL to configure as the CRM webhook endpoint (POST)'],
      DashboardName: [this.dashboard.dashboard.dashboardName, 'CloudWatch dashboard'],
      ReplayFunctionName: [
        this.replayFunction.functionName,
        'aws lambda invoke --function-name <this> to replay the DLQ',
      ],
      StateTableName: [
        this.stateTable.tableName,
        'DynamoDB table of per-customer sync state and reconciliation checkpoints',
      ],
      ReconcileFunctionName: [
        this.reconciliation.function.functionName,
        'aws lambda invoke --function-name <this> to reconcile now',
      ],
      AlarmTopicArn: [this.alarmTopic.topic.topicArn, 'SNS topic of every alarm (subscribe on-call here)'],
      CredentialsSecretId: [
        credentials.secretId,
        'The API credentials secret (crm-sync doctor, npx crm-sync auth --stack, crm-sync backfill --stack)',
      ],
      WebhookSecretId: [webhookSecret.secretId, 'The webhook signing secret (crm-sync doctor)'],
      IcApiUrl: [icApiUrl, 'Invisible Collector API base URL (crm-sync doctor)'],
      CrmApiUrl: [props.crmApiUrl, 'CRO API base URL (crm-sync doctor, crm-sync backfill --stack)'],
      CrmTenantId: [tenant, 'CRO tenant (crm-sync doctor, crm-sync backfill --stack)'],
      ...(props.crmTokenUrl !== undefined && {
        CrmTokenUrl: [
          props.crmTokenUrl,
          "CRO's OAuth token endpoint (npx crm-sync auth --stack, crm-sync backfill --stack)",
        ] as [string, string],
        CrmTokenAuth: [
          props.crmTokenAuth ?? CONTEXT_DEFAULTS.crmTokenAuth,
          'Client authentication at the token endpoint (npx crm-sync auth --stack, crm-sync backfill --stack)',
        ] as [string, string],
      }),
    };
    for (const [name, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, name, { value, description });
    }
  }
}

function toRetentionDays(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter(
    (value): value is number => typeof value === 'number',
  );
  if (!allowed.includes(days)) {
    throw new InfraConfigError(
      'logRetentionDays',
      `must be one of CloudWatch Logs' values: ${allowed.join(', ')}`,
    );
  }
  return days as logs.RetentionDays;
}

import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAMES } from '../lib/observability/names.ts';
import { AlarmTopic } from './constructs/AlarmTopic.ts';
import { EventQueues } from './constructs/EventQueues.ts';
import { importSecret } from './constructs/importSecret.ts';
import { Reconciliation } from './constructs/Reconciliation.ts';
import { SyncDashboard } from './constructs/SyncDashboard.ts';
import { SyncFunction } from './constructs/SyncFunction.ts';
import { WebhookApi } from './constructs/WebhookApi.ts';
import type { CrmSyncStackProps } from './CrmSyncStackProps.ts';
import { InfraConfigError } from './errors.ts';
import { CONTEXT_DEFAULTS } from './stackPropsFromContext.ts';
import { resolveEventSourceSettings } from '../lib/settings/eventSourceSettings.ts';
import { maxReceiveCount } from '../lib/settings/maxReceiveCount.ts';
import { queueVisibilityTimeout } from '../lib/settings/queueVisibilityTimeout.ts';

/**
 * crm-sync on AWS: the event queue and its DLQ, the customer-sync consumer with its DynamoDB state table,
 * the signed webhook behind an HTTP API, the replay function, the scheduled reconciliation (CRO lists →
 * events), alarms to an SNS topic and a dashboard.
 * Every function gets only the actions it uses, on its own resources.
 *
 * @example
 * new CrmSyncStack(app, 'CrmSync', { crmApiUrl: 'https://api.cro.example', crmTenantId: 42,
 *   credentialsSecretName: 'crm-sync/credentials', webhookSecretName: 'crm-sync/webhook' });
 */
export class CrmSyncStack extends Stack {
  readonly queues: EventQueues;
  readonly stateTable: dynamodb.Table;
  readonly syncFunction: SyncFunction;
  readonly webhookFunction: SyncFunction;
  readonly replayFunction: SyncFunction;
  readonly reconciliation: Reconciliation;
  readonly webhookApi: WebhookApi;
  readonly alarms: AlarmTopic;
  readonly dashboard: SyncDashboard;

  constructor(scope: Construct, id: string, props: CrmSyncStackProps) {
    super(scope, id, props);
    const fifo = props.fifo ?? CONTEXT_DEFAULTS.fifo;
    const logRetention = toRetentionDays(props.logRetentionDays ?? CONTEXT_DEFAULTS.logRetentionDays);
    const syncTimeout = props.syncTimeoutSeconds ?? CONTEXT_DEFAULTS.syncTimeoutSeconds;
    const batching = resolveEventSourceSettings({
      fifo,
      ...(props.batchSize !== undefined && { batchSize: props.batchSize }),
      ...(props.maxBatchingWindowSeconds !== undefined && {
        maxBatchingWindowSeconds: props.maxBatchingWindowSeconds,
      }),
      ...(props.maxConcurrency !== undefined && { maxConcurrency: props.maxConcurrency }),
    });

    this.queues = new EventQueues(this, 'Events', {
      fifo,
      encryption: props.queueEncryption ?? CONTEXT_DEFAULTS.queueEncryption,
      visibilityTimeout: Duration.seconds(
        queueVisibilityTimeout(syncTimeout, batching.maxBatchingWindowSeconds),
      ),
      maxReceiveCount: maxReceiveCount(
        (props.retryHorizonMinutes ?? CONTEXT_DEFAULTS.retryHorizonMinutes) * 60,
      ),
      retentionPeriod: Duration.days(props.queueRetentionDays ?? CONTEXT_DEFAULTS.queueRetentionDays),
    });
    const { queue, deadLetterQueue } = this.queues;

    this.stateTable = new dynamodb.Table(this, 'StateTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'ttl',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Watermarks, known gids and dedup ids: kept when the stack is deleted (a redeploy can import it).
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const secretsKey =
      props.secretsKmsKeyArn !== undefined
        ? kms.Key.fromKeyArn(this, 'SecretsKey', props.secretsKmsKeyArn)
        : undefined;
    const credentials = importSecret(this, 'CredentialsSecret', props.credentialsSecretName);
    const webhookSecret = importSecret(this, 'WebhookSecret', props.webhookSecretName);
    const tenant = String(props.crmTenantId);

    this.syncFunction = new SyncFunction(this, 'CustomerSync', {
      bundle: 'customer-sync',
      serviceName: SERVICE_NAMES.customerSync,
      description: 'Applies CRM customer change events to Invisible Collector',
      timeout: Duration.seconds(syncTimeout),
      memorySize: props.syncMemorySize ?? CONTEXT_DEFAULTS.syncMemorySize,
      logRetention,
      environment: {
        IC_API_URL: props.icApiUrl ?? CONTEXT_DEFAULTS.icApiUrl,
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
      timeout: Duration.seconds(10),
      memorySize: props.webhookMemorySize ?? CONTEXT_DEFAULTS.webhookMemorySize,
      logRetention,
      environment: { CRM_TENANT_ID: tenant },
    })
      .bindQueueSender('QUEUE_URL', queue)
      .bindSecret('WEBHOOK_SECRET_ID', webhookSecret, secretsKey);
    this.webhookApi = new WebhookApi(this, 'WebhookApi', {
      handler: this.webhookFunction,
      rateLimit: props.webhookRateLimit ?? CONTEXT_DEFAULTS.webhookRateLimit,
      burstLimit: props.webhookBurstLimit ?? CONTEXT_DEFAULTS.webhookBurstLimit,
      logRetention,
    });

    this.replayFunction = new SyncFunction(this, 'Replay', {
      bundle: 'replay',
      serviceName: SERVICE_NAMES.replay,
      description: 'Operator tool: moves dead-lettered events back to the event queue',
      timeout: Duration.minutes(5),
      logRetention,
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

    this.alarms = this.createAlarms(props);
    this.dashboard = new SyncDashboard(this, 'Dashboard', {
      queue,
      deadLetterQueue,
      syncFunction: this.syncFunction,
      webhookFunction: this.webhookFunction,
      webhookApi: this.webhookApi.httpApi,
      reconcileFunction: this.reconciliation.function,
    });

    const outputs: Record<string, [string, string]> = {
      QueueUrl: [queue.queueUrl, 'Event queue URL (replay --to, producers that send directly)'],
      QueueArn: [queue.queueArn, 'Event queue ARN'],
      DlqUrl: [deadLetterQueue.queueUrl, 'Dead-letter queue URL (replay --from)'],
      DlqArn: [
        deadLetterQueue.queueArn,
        'Dead-letter queue ARN (aws sqs start-message-move-task --source-arn)',
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
      CrmApiUrl: [props.crmApiUrl, 'CRO API base URL (crm-sync backfill --stack)'],
      CrmTenantId: [tenant, 'CRO tenant (crm-sync backfill --stack)'],
      AlarmTopicArn: [this.alarms.topic.topicArn, 'SNS topic of every alarm (subscribe on-call here)'],
      CredentialsSecretId: [
        credentials.secretId,
        'The API credentials secret (npx crm-sync auth --stack, crm-sync backfill --stack)',
      ],
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

  private createAlarms(props: CrmSyncStackProps): AlarmTopic {
    const { queue, deadLetterQueue } = this.queues;
    const alarms = new AlarmTopic(this, 'Alarms', {
      ...(props.alarmEmail !== undefined && { alarmEmail: props.alarmEmail }),
    });
    const oneMinute = Duration.minutes(1);
    const fiveMinutes = Duration.minutes(5);
    alarms.alarm('DlqNotEmpty', {
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: oneMinute,
        statistic: 'Maximum',
      }),
      threshold: 0,
      description:
        'Events are in the DLQ: read their failure-reason, fix, then replay (docs/operations.md#runbook).',
    });
    const maxAge = Duration.minutes(
      props.oldestMessageAgeAlarmMinutes ?? CONTEXT_DEFAULTS.oldestMessageAgeAlarmMinutes,
    );
    alarms.alarm('QueueOldestMessageAge', {
      metric: queue.metricApproximateAgeOfOldestMessage({ period: oneMinute, statistic: 'Maximum' }),
      threshold: maxAge.toSeconds(),
      evaluationPeriods: 5,
      description: `An event has waited on the queue for more than ${maxAge.toMinutes()} minutes: sync is failing or too slow.`,
    });
    for (const [name, fn] of [
      ['CustomerSync', this.syncFunction],
      ['Webhook', this.webhookFunction],
      ['Replay', this.replayFunction],
      ['Reconcile', this.reconciliation.function],
    ] as const) {
      alarms.alarm(`${name}Errors`, {
        metric: fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 0,
        description: `The ${name} function failed (an invocation error, not a handled record failure).`,
      });
      alarms.alarm(`${name}Throttles`, {
        metric: fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 0,
        description: `The ${name} function was throttled (account concurrency exhausted).`,
      });
    }
    // Both functions that refresh CRO tokens count refusals under their own service dimension.
    const authorizationLost = (service: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC.crmAuthorizationLost,
        dimensionsMap: { service },
        period: fiveMinutes,
        statistic: 'Sum',
      });
    alarms.alarm('CrmAuthorizationLost', {
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(sync, 0) + FILL(reconcile, 0)',
        usingMetrics: {
          sync: authorizationLost(SERVICE_NAMES.customerSync),
          reconcile: authorizationLost(SERVICE_NAMES.reconcile),
        },
        period: fiveMinutes,
        label: 'CrmAuthorizationLost (customer-sync + reconcile)',
      }),
      threshold: 0,
      description:
        "CRO refuses crm-sync's OAuth credentials (invalid_grant: the authorization is lost; or the client is refused). Records are retried, not dead-lettered, and reconciliation runs fail without moving their checkpoints: run `npx crm-sync auth --stack <name>` (docs/cro-oauth.md runbook).",
    });
    const lagMinutes = props.checkpointLagAlarmMinutes ?? CONTEXT_DEFAULTS.checkpointLagAlarmMinutes;
    alarms.alarm('CheckpointLag', {
      metric: this.reconciliation.metricCheckpointLag(Duration.minutes(15)),
      threshold: lagMinutes * 60,
      description:
        `A location's reconciliation checkpoint is more than ${lagMinutes} minutes old: CRO changes are not ` +
        'being listed (see the ReconcileErrors alarm and the reconcile logs; docs/operations.md).',
    });
    alarms.alarm('Webhook5xx', {
      metric: this.webhookApi.httpApi.metricServerError({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: 0,
      description: 'The webhook answered 5xx: events could not be enqueued (the CRM retries them).',
    });
    return alarms;
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

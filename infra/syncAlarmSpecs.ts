import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { AUTH_RETRY_REASON, DIMENSION, METRIC, SERVICE_NAMES } from '../lib/observability/names.ts';
import type { AlarmSpec } from './constructs/SyncAlarms.ts';
import { sumOverDimension, syncMetric } from './syncMetrics.ts';

/** What the alarms watch. */
export interface SyncAlarmParts {
  readonly stackName: string;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly syncFunction: lambda.IFunction;
  readonly syncTimeout: Duration;
  readonly webhookFunction: lambda.IFunction;
  readonly webhookTimeout: Duration;
  readonly replayFunction: lambda.IFunction;
  readonly webhookApi: apigwv2.IHttpApi;
  /** The webhook's API Gateway 429s (the access logs' metric filter, see WebhookApi). */
  readonly webhookThrottled: cloudwatch.IMetric;
  readonly stateTable: dynamodb.ITable;
  /** Fire when an event not yet retried has waited this long. */
  readonly oldestMessageAgeMinutes: number;
  /** Fire when a dead letter is this old. */
  readonly deadLetterAgeDays: number;
  /** Fire after this many hours without a webhook request; 0: no such alarm. */
  readonly webhookSilenceHours: number;
  /** The scheduled reconciliation (CRO lists → events). */
  readonly reconcileFunction: lambda.IFunction;
  /** Fire when a location's reconciliation checkpoint is this old. */
  readonly checkpointLagMinutes: number;
}

/** Share of webhook requests refused (401, 400) or throttled (429) above which the rate alarms fire, in %. */
export const WEBHOOK_REFUSAL_PERCENT = 10;
/** Duration alarms fire above this share of the function's timeout. */
export const DURATION_SHARE_OF_TIMEOUT = 0.8;

const FIVE_MINUTES = Duration.minutes(5);
const FIFTEEN_MINUTES = Duration.minutes(15);
const ONE_HOUR = Duration.hours(1);

/** 2 breaching 5-minute periods out of 3: one blip does not page, a failure lasting 10 minutes does. */
const TWO_OF_THREE = { evaluationPeriods: 3, datapointsToAlarm: 2 } as const;

/**
 * Every alarm of a crm-sync stack, on symptoms an on-call engineer acts on, each pointing to its runbook section
 * in docs/operations.md (`#alarm-<kebab-case id>`): records failing transiently for 15 minutes (by reason, auth
 * apart), dead letters arriving and ageing, the webhook silent or refusing what the CRM sends, functions failing,
 * slow or throttled, the state table throttled or failing, the queue backing up.
 *
 * @example
 * new SyncAlarms(this, 'SyncAlarms', { topic, specs: syncAlarmSpecs({ stackName: this.stackName, ... }) });
 */
export function syncAlarmSpecs(parts: SyncAlarmParts): AlarmSpec[] {
  const stack = parts.stackName;
  const sync = SERVICE_NAMES.customerSync;
  const specs: AlarmSpec[] = [
    {
      id: 'RetriesSustained',
      runbook: 'alarm-retries-sustained',
      summary:
        'customer-sync has retried records in each of the last three 5-minute periods (any reason but auth): an API, the secret or the state table is failing; events wait and reach the DLQ at the retry horizon.',
      metric: sumOverDimension(METRIC.retried, {
        service: sync,
        stack,
        dimensionName: DIMENSION.reason,
        excluded: [AUTH_RETRY_REASON],
        period: FIVE_MINUTES,
        label: 'records retried (all reasons but auth)',
      }),
      threshold: 0,
      evaluationPeriods: 3,
    },
    {
      id: 'RetriesAuth',
      runbook: 'alarm-retries-auth',
      summary:
        'Invisible Collector or CRO refuses crm-sync’s token (401 after a refresh) in 2 of the last three 5-minute periods: records are retried until the credentials secret is fixed.',
      metric: syncMetric(METRIC.retried, {
        service: sync,
        stack,
        dimensions: { [DIMENSION.reason]: AUTH_RETRY_REASON },
        period: FIVE_MINUTES,
      }),
      threshold: 0,
      ...TWO_OF_THREE,
    },
    {
      id: 'DlqArrivals',
      runbook: 'alarm-dlq-arrivals',
      summary:
        'Events arrived in the dead-letter queue in the last 10 minutes (sent by customer-sync, or redriven after maxReceiveCount); returns to OK when none arrive.',
      metric: new cloudwatch.MathExpression({
        // Redrives do not count in NumberOfMessagesSent: the growth of the visible count catches them.
        expression: 'MAX([FILL(sent, 0), DIFF(FILL(visible, 0))])',
        usingMetrics: {
          sent: parts.deadLetterQueue.metricNumberOfMessagesSent({ period: FIVE_MINUTES, statistic: 'Sum' }),
          visible: parts.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: 'Maximum',
          }),
        },
        period: FIVE_MINUTES,
        label: 'dead letters arrived',
      }),
      threshold: 0,
      evaluationPeriods: 2,
      datapointsToAlarm: 1,
    },
    {
      id: 'DlqOldestMessage',
      runbook: 'alarm-dlq-oldest-message',
      summary: `A dead letter is older than ${parts.deadLetterAgeDays} days: the DLQ deletes it at 14 days; replay it or decide to let it go.`,
      metric: parts.deadLetterQueue.metricApproximateAgeOfOldestMessage({
        period: ONE_HOUR,
        statistic: 'Maximum',
      }),
      threshold: Duration.days(parts.deadLetterAgeDays).toSeconds(),
    },
    {
      id: 'QueueOldestMessageAge',
      runbook: 'alarm-queue-oldest-message-age',
      summary: `An event has waited on the queue for more than ${parts.oldestMessageAgeMinutes} minutes without being retried: customer-sync is not keeping up, or not consuming.`,
      metric: parts.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: Duration.minutes(parts.oldestMessageAgeMinutes).toSeconds(),
      evaluationPeriods: 5,
    },
    {
      id: 'CrmAuthorizationLost',
      runbook: 'alarm-crm-authorization-lost',
      summary:
        "CRO refuses crm-sync's OAuth credentials (invalid_grant: the authorization is lost; or the client is refused): records needing CRO are retried, not dead-lettered, and reconciliation runs fail without moving their checkpoints, until `npx crm-sync auth --stack <name>` authorizes again.",
      // Both functions that refresh CRO tokens count refusals under their own service dimension.
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(sync, 0) + FILL(reconcile, 0)',
        usingMetrics: {
          sync: syncMetric(METRIC.crmAuthorizationLost, { service: sync, stack, period: FIVE_MINUTES }),
          reconcile: syncMetric(METRIC.crmAuthorizationLost, {
            service: SERVICE_NAMES.reconcile,
            stack,
            period: FIVE_MINUTES,
          }),
        },
        period: FIVE_MINUTES,
        label: 'CrmAuthorizationLost (customer-sync + reconcile)',
      }),
      threshold: 0,
    },
    ...reconcileSpecs(parts),
    ...webhookRateSpecs(parts),
    ...functionSpecs(parts),
    {
      id: 'StateTableThrottles',
      runbook: 'alarm-state-table-throttles',
      summary:
        'DynamoDB throttled reads or writes of the state table in 2 of the last three 5-minute periods: records are retried (state-unavailable).',
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(reads, 0) + FILL(writes, 0)',
        usingMetrics: {
          reads: parts.stateTable.metric('ReadThrottleEvents', { period: FIVE_MINUTES, statistic: 'Sum' }),
          writes: parts.stateTable.metric('WriteThrottleEvents', { period: FIVE_MINUTES, statistic: 'Sum' }),
        },
        period: FIVE_MINUTES,
        label: 'throttle events',
      }),
      threshold: 0,
      ...TWO_OF_THREE,
    },
    {
      id: 'StateTableErrors',
      runbook: 'alarm-state-table-errors',
      summary:
        'DynamoDB answered the state table’s requests with 5xx errors in 2 of the last three 5-minute periods: records are retried (state-unavailable).',
      metric: stateTableSystemErrors(parts.stateTable),
      threshold: 0,
      ...TWO_OF_THREE,
    },
  ];
  if (parts.webhookSilenceHours > 0) {
    specs.push({
      id: 'WebhookSilent',
      runbook: 'alarm-webhook-silent',
      summary: `The webhook has received no request for ${parts.webhookSilenceHours} hours: the CRM may no longer send (webhook disabled, URL changed).`,
      metric: parts.webhookApi.metricCount({ period: ONE_HOUR, statistic: 'Sum' }),
      threshold: 1,
      when: 'below',
      evaluationPeriods: parts.webhookSilenceHours,
      // No request in an hour leaves no datapoint at all: missing data is the symptom.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }
  return specs;
}

/**
 * The reconciliation: a run that failed (the function's error: a location could not be listed or enqueued), and
 * a checkpoint that stopped advancing. Its schedule runs every 15 minutes by default, so one failed run in a
 * 15-minute period fires.
 */
function reconcileSpecs(parts: SyncAlarmParts): AlarmSpec[] {
  return [
    {
      id: 'ReconcileErrors',
      runbook: 'alarm-reconcile-errors',
      summary:
        'A reconciliation run failed in the last 15 minutes: a location could not be listed from CRO or its events not enqueued; its checkpoint stays, the next run retries it.',
      metric: parts.reconcileFunction.metricErrors({ period: FIFTEEN_MINUTES, statistic: 'Sum' }),
      threshold: 0,
    },
    {
      id: 'ReconcileThrottles',
      runbook: 'alarm-function-throttles',
      summary:
        'Lambda throttled the Reconcile function in the last 15 minutes (account concurrency exhausted).',
      metric: parts.reconcileFunction.metricThrottles({ period: FIFTEEN_MINUTES, statistic: 'Sum' }),
      threshold: 0,
    },
    {
      id: 'CheckpointLag',
      runbook: 'alarm-checkpoint-lag',
      summary: `A location's reconciliation checkpoint is more than ${parts.checkpointLagMinutes} minutes old: CRO changes without a webhook are not reaching Invisible Collector.`,
      metric: syncMetric(METRIC.checkpointLag, {
        service: SERVICE_NAMES.reconcile,
        stack: parts.stackName,
        statistic: 'Maximum',
        period: FIFTEEN_MINUTES,
      }),
      threshold: parts.checkpointLagMinutes * 60,
    },
  ];
}

/** The webhook's refusal rates: 401 (signature), 400 (payload or tenant), 429 (API Gateway throttling). */
function webhookRateSpecs(parts: SyncAlarmParts): AlarmSpec[] {
  const requests = parts.webhookApi.metricCount({ period: FIFTEEN_MINUTES, statistic: 'Sum' });
  const rejected = (status: number) =>
    syncMetric(METRIC.webhookRejected, {
      service: SERVICE_NAMES.webhook,
      stack: parts.stackName,
      dimensions: { [DIMENSION.status]: String(status) },
      period: FIFTEEN_MINUTES,
    });
  const rate = (refused: cloudwatch.IMetric, label: string) =>
    new cloudwatch.MathExpression({
      expression: '100 * FILL(refused, 0) / requests',
      usingMetrics: { refused, requests },
      period: FIFTEEN_MINUTES,
      label,
    });
  // 2 of 4 quarter-hours: sustained for half an hour, yet a single stray request (a scanner) does not page.
  const sustained = { threshold: WEBHOOK_REFUSAL_PERCENT, evaluationPeriods: 4, datapointsToAlarm: 2 };
  return [
    {
      id: 'Webhook401Rate',
      runbook: 'alarm-webhook-401-rate',
      summary: `More than ${WEBHOOK_REFUSAL_PERCENT} % of webhook requests fail the signature check (401) in 2 of the last four quarter-hours: the CRM signs with another secret (a rotation?).`,
      metric: rate(rejected(401), '% of requests answered 401'),
      ...sustained,
    },
    {
      id: 'Webhook400Rate',
      runbook: 'alarm-webhook-400-rate',
      summary: `More than ${WEBHOOK_REFUSAL_PERCENT} % of webhook requests are refused as invalid (400: bad payload or another tenant) in 2 of the last four quarter-hours.`,
      metric: rate(rejected(400), '% of requests answered 400'),
      ...sustained,
    },
    {
      id: 'Webhook429Rate',
      runbook: 'alarm-webhook-429-rate',
      summary: `More than ${WEBHOOK_REFUSAL_PERCENT} % of webhook requests are throttled by API Gateway (429) in 2 of the last four quarter-hours: the CRM sends faster than webhookRateLimit.`,
      metric: rate(parts.webhookThrottled, '% of requests answered 429'),
      ...sustained,
    },
  ];
}

/** Errors and throttles of each function, duration near the timeout, and the webhook's 5xx. */
function functionSpecs(parts: SyncAlarmParts): AlarmSpec[] {
  const functions = [
    { name: 'CustomerSync', fn: parts.syncFunction, timeout: parts.syncTimeout },
    { name: 'Webhook', fn: parts.webhookFunction, timeout: parts.webhookTimeout },
    { name: 'Replay', fn: parts.replayFunction, timeout: undefined },
  ];
  const specs: AlarmSpec[] = [];
  for (const { name, fn, timeout } of functions) {
    specs.push({
      id: `${name}Errors`,
      runbook: 'alarm-function-errors',
      summary: `The ${name} function failed invocations (not handled record failures) in 2 of the last three 5-minute periods.`,
      metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: 0,
      ...TWO_OF_THREE,
    });
    // Replay has a reserved concurrency of 1: a second concurrent invocation is throttled on purpose.
    if (timeout === undefined) continue;
    specs.push(
      {
        id: `${name}Throttles`,
        runbook: 'alarm-function-throttles',
        summary: `Lambda throttled the ${name} function in 2 of the last three 5-minute periods (account concurrency exhausted).`,
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 0,
        ...TWO_OF_THREE,
      },
      {
        id: `${name}Duration`,
        runbook: 'alarm-function-duration',
        summary: `The ${name} function ran longer than ${DURATION_SHARE_OF_TIMEOUT * 100} % of its ${timeout.toSeconds()} s timeout in 2 of the last three 5-minute periods: an API is slow; at the timeout the batch fails.`,
        metric: fn.metricDuration({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        threshold: timeout.toMilliseconds() * DURATION_SHARE_OF_TIMEOUT,
        ...TWO_OF_THREE,
      },
    );
  }
  specs.push({
    id: 'Webhook5xx',
    runbook: 'alarm-webhook-5xx',
    summary:
      'The webhook answered 5xx in 2 of the last three 5-minute periods: events could not be enqueued (the CRM retries them).',
    metric: parts.webhookApi.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
    threshold: 0,
    ...TWO_OF_THREE,
  });
  return specs;
}

/** The state table's SystemErrors over the operations the functions use, summed with gaps as 0. */
function stateTableSystemErrors(table: dynamodb.ITable): cloudwatch.MathExpression {
  const operations = ['GetItem', 'UpdateItem', 'PutItem', 'DeleteItem'];
  const usingMetrics = Object.fromEntries(
    operations.map((operation) => [
      operation.charAt(0).toLowerCase() + operation.slice(1),
      table.metric('SystemErrors', {
        period: FIVE_MINUTES,
        statistic: 'Sum',
        dimensionsMap: { TableName: table.tableName, Operation: operation },
      }),
    ]),
  );
  return new cloudwatch.MathExpression({
    // A plain sum would be empty for a period where one operation had no datapoint.
    expression: Object.keys(usingMetrics)
      .map((id) => `FILL(${id}, 0)`)
      .join(' + '),
    usingMetrics,
    period: FIVE_MINUTES,
    label: 'system errors',
  });
}

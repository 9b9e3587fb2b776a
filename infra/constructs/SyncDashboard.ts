import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DIMENSION, METRIC } from '../../lib/observability/names.ts';
import { searchSyncMetric } from '../syncMetrics.ts';

export interface SyncDashboardProps {
  /** Every custom metric is filtered on this stack's `stack` dimension. */
  readonly stackName: string;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly syncFunction: lambda.Function;
  readonly syncTimeout: Duration;
  /** The event source's ceiling on concurrent customer-sync invocations. */
  readonly maxConcurrency: number;
  readonly webhookFunction: lambda.IFunction;
  readonly webhookTimeout: Duration;
  readonly replayFunction: lambda.IFunction;
  readonly webhookApi: apigwv2.IHttpApi;
  readonly reconcileFunction: lambda.IFunction;
  /** API Gateway's 429s (the access logs' metric filter). */
  readonly webhookThrottled: cloudwatch.IMetric;
  readonly stateTable: dynamodb.ITable;
  /** Shown first, by state. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** @default Duration.minutes(5) */
  readonly period?: Duration;
}

/** The customer-sync log lines of records that failed, newest first (Logs Insights, from its log group). */
export const FAILED_RECORDS_QUERY = [
  'fields @timestamp, message, reason, customerId, eventId, detail',
  'filter message in ["dead-lettered", "will be retried"]',
  'sort @timestamp desc',
  'limit 50',
];

/** The same lines counted by outcome and reason. */
export const FAILED_RECORDS_BY_REASON_QUERY = [
  'filter message in ["dead-lettered", "will be retried"]',
  'stats count(*) as records by message, reason',
  'sort records desc',
];

/**
 * The on-call view of one crm-sync stack, read top to bottom in an incident: alarm states; what happened to
 * events (applied, skipped, dead-lettered and retried by reason, the DLQ); the third-party APIs (calls, errors
 * by api and status, latency); customer-sync's concurrency against `maxConcurrency` and the functions' longest
 * duration against their timeouts; the queue; the state table's capacity, throttles and errors; the replay
 * function; the webhook; the reconciliation; CRO's OAuth token refreshes and refusals; and the latest failed
 * records from the logs. Custom metrics are SEARCHes restricted to this stack (`stack` dimension), so stacks sharing an account and region never mix.
 *
 * @example
 * new SyncDashboard(this, 'Dashboard', { stackName: this.stackName, queue, deadLetterQueue, ... , alarms });
 */
export class SyncDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: SyncDashboardProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const search = (name: string, dimensionNames: string[] = [], statistic = 'Sum') =>
      searchSyncMetric(name, { stack: props.stackName, dimensionNames, statistic, period });
    const graph = (
      title: string,
      left: cloudwatch.IMetric[],
      extra: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, period, ...extra });
    const dlq = props.deadLetterQueue;
    const table = props.stateTable;

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms (each description names its runbook section in docs/operations.md)',
            alarms: [...props.alarms],
            sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
            width: 24,
            height: 5,
          }),
        ],
        [
          graph('Applied and skipped (by why)', [
            search(METRIC.applied),
            search(METRIC.skipped, [DIMENSION.why]),
          ]),
          graph('Retried (transient failures) and deferred (waits), by reason', [
            search(METRIC.retried, [DIMENSION.reason]),
            search(METRIC.deferred, [DIMENSION.reason]),
          ]),
          graph('Dead-lettered by customer-sync (by reason)', [
            search(METRIC.deadLettered, [DIMENSION.reason]),
          ]),
        ],
        [
          graph('API calls (by api)', [search(METRIC.apiCalls, [DIMENSION.api])]),
          graph('API failures (by api and status; 0: no answer)', [
            search(METRIC.apiErrors, [DIMENSION.api, DIMENSION.status]),
          ]),
          graph('API latency ms (by api, p50 / p99)', [
            search(METRIC.apiLatency, [DIMENSION.api], 'p50'),
            search(METRIC.apiLatency, [DIMENSION.api], 'p99'),
          ]),
        ],
        [
          graph(
            'customer-sync concurrency (max) vs maxConcurrency',
            [props.syncFunction.metric('ConcurrentExecutions', { period, statistic: 'Maximum' })],
            { leftAnnotations: [{ value: props.maxConcurrency, label: 'maxConcurrency' }] },
          ),
          graph(
            'Longest duration (ms) vs timeout',
            [
              props.syncFunction.metricDuration({ period, statistic: 'Maximum', label: 'customer-sync' }),
              props.webhookFunction.metricDuration({ period, statistic: 'Maximum', label: 'webhook' }),
            ],
            {
              leftAnnotations: [
                { value: props.syncTimeout.toMilliseconds(), label: 'customer-sync timeout' },
                { value: props.webhookTimeout.toMilliseconds(), label: 'webhook timeout' },
              ],
            },
          ),
          graph('customer-sync invocations, errors, throttles', [
            props.syncFunction.metricInvocations({ period }),
            props.syncFunction.metricErrors({ period }),
            props.syncFunction.metricThrottles({ period }),
          ]),
        ],
        [
          graph('Queue and DLQ depth', [
            props.queue.metricApproximateNumberOfMessagesVisible({ period, label: 'queue visible' }),
            props.queue.metricApproximateNumberOfMessagesNotVisible({ period, label: 'queue in flight' }),
            dlq.metricApproximateNumberOfMessagesVisible({ period, label: 'DLQ visible' }),
            dlq.metricNumberOfMessagesSent({ period, label: 'DLQ sent by customer-sync' }),
          ]),
          graph('Age of oldest message (s)', [
            props.queue.metricApproximateAgeOfOldestMessage({ period, label: 'queue (not retried yet)' }),
            dlq.metricApproximateAgeOfOldestMessage({ period, label: 'DLQ (since arrival)' }),
          ]),
          graph('Replay function', [
            props.replayFunction.metricInvocations({ period }),
            props.replayFunction.metricErrors({ period }),
            props.replayFunction.metricThrottles({ period, label: 'throttles (a concurrent run)' }),
          ]),
        ],
        [
          graph('State table: consumed capacity units', [
            table.metricConsumedReadCapacityUnits({ period, label: 'read' }),
            table.metricConsumedWriteCapacityUnits({ period, label: 'write' }),
          ]),
          graph('State table: throttles and system errors', [
            table.metric('ReadThrottleEvents', { period, statistic: 'Sum' }),
            table.metric('WriteThrottleEvents', { period, statistic: 'Sum' }),
            table.metricSystemErrorsForOperations({ period, label: 'system errors' }),
          ]),
          graph('Webhook requests', [
            props.webhookApi.metricCount({ period, label: 'requests' }),
            search(METRIC.webhookAccepted),
            search(METRIC.webhookRejected, [DIMENSION.status]),
            props.webhookThrottled,
            props.webhookApi.metricServerError({ period, label: '5xx' }),
          ]),
        ],
        [
          graph('CRO OAuth (token refreshes, authorization lost)', [
            search(METRIC.crmTokenRefreshes),
            search(METRIC.crmAuthorizationLost),
          ]),
        ],
        [
          graph('Reconciliation: customers listed, events enqueued, failures', [
            search(METRIC.customersListed),
            search(METRIC.eventsEnqueued),
            search(METRIC.reconcileFailures),
            props.reconcileFunction.metricErrors({ period, label: 'reconcile errors' }),
          ]),
          graph('Reconciliation checkpoint lag (s, max)', [search(METRIC.checkpointLag, [], 'Maximum')]),
        ],
        [
          new cloudwatch.LogQueryWidget({
            title: 'customer-sync: latest dead-lettered and retried records',
            logGroupNames: [props.syncFunction.logGroup.logGroupName],
            queryLines: FAILED_RECORDS_QUERY,
            view: cloudwatch.LogQueryVisualizationType.TABLE,
            width: 16,
            height: 8,
          }),
          new cloudwatch.LogQueryWidget({
            title: 'customer-sync: failed records by reason',
            logGroupNames: [props.syncFunction.logGroup.logGroupName],
            queryLines: FAILED_RECORDS_BY_REASON_QUERY,
            view: cloudwatch.LogQueryVisualizationType.TABLE,
            width: 8,
            height: 8,
          }),
        ],
      ],
    });
  }
}

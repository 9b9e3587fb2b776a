import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE } from '../../lib/observability/names.ts';

export interface SyncDashboardProps {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly syncFunction: lambda.IFunction;
  readonly webhookFunction: lambda.IFunction;
  readonly webhookApi: apigwv2.IHttpApi;
  readonly reconcileFunction: lambda.IFunction;
  /** @default Duration.minutes(5) */
  readonly period?: Duration;
}

/**
 * A CloudWatch SEARCH over every dimension set of one crm-sync metric, so a new `reason`, `why` or `api`
 * value appears on the dashboard without a deploy (each series is labelled with its dimension values).
 *
 * @example
 * searchMetric('DeadLettered', 'Sum', Duration.minutes(5)); // one line per reason
 */
export function searchMetric(
  metricName: string,
  statistic: string,
  period: Duration,
): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SEARCH('Namespace="${METRICS_NAMESPACE}" MetricName="${metricName}"', '${statistic}', ${period.toSeconds()})`,
    usingMetrics: {},
    period,
  });
}

/**
 * The operator's view of crm-sync: events applied / skipped / dead-lettered (by reason) / retried, calls
 * to and latency of Invisible Collector and CRO (by api), queue depth and age, the DLQ, the functions,
 * the webhook, the reconciliation, and CRO's OAuth token refreshes and refusals. Metric names come from
 * lib/observability/names.ts, shared with the code that emits them.
 */
export class SyncDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: SyncDashboardProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const search = (name: string, statistic = 'Sum') => searchMetric(name, statistic, period);
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6, period });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          graph('Applied', [search(METRIC.applied)]),
          graph('Skipped (by why)', [search(METRIC.skipped)]),
          graph('Dead-lettered (by reason)', [search(METRIC.deadLettered)]),
        ],
        [
          graph('Retried (transient failures) / deferred (waits)', [
            search(METRIC.retried),
            search(METRIC.deferred),
          ]),
          graph('API calls (by api)', [search(METRIC.apiCalls)]),
          graph('API latency ms (by api, p50 / p99)', [
            search(METRIC.apiLatency, 'p50'),
            search(METRIC.apiLatency, 'p99'),
          ]),
        ],
        [
          graph('Queue depth', [
            props.queue.metricApproximateNumberOfMessagesVisible({ period, label: 'queue visible' }),
            props.queue.metricApproximateNumberOfMessagesNotVisible({ period, label: 'queue in flight' }),
            props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, label: 'DLQ visible' }),
          ]),
          graph('Age of oldest message (s)', [
            props.queue.metricApproximateAgeOfOldestMessage({ period, label: 'queue' }),
            props.deadLetterQueue.metricApproximateAgeOfOldestMessage({ period, label: 'DLQ' }),
          ]),
          graph('customer-sync function', [
            props.syncFunction.metricInvocations({ period }),
            props.syncFunction.metricErrors({ period }),
            props.syncFunction.metricThrottles({ period }),
          ]),
        ],
        [
          graph('Webhook requests', [
            search(METRIC.webhookAccepted),
            search(METRIC.webhookRejected),
            props.webhookApi.metricServerError({ period, label: '5xx' }),
          ]),
          graph('Function duration p99 (ms)', [
            props.syncFunction.metricDuration({ period, statistic: 'p99', label: 'customer-sync' }),
            props.webhookFunction.metricDuration({ period, statistic: 'p99', label: 'webhook' }),
          ]),
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
          graph('Reconciliation checkpoint lag (s, max)', [search(METRIC.checkpointLag, 'Maximum')]),
        ],
      ],
    });
  }
}

import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DIMENSION, METRICS_NAMESPACE } from '../lib/observability/names.ts';

/** Which crm-sync metric series: the function (`service`), the stack, and any metric-specific dimensions. */
export interface SyncMetricSeries {
  readonly service: string;
  readonly stack: string;
  /** Metric-specific dimension values, e.g. `{ reason: 'auth' }`. */
  readonly dimensions?: Readonly<Record<string, string>>;
  /** @default 'Sum' */
  readonly statistic?: string;
  /** @default Duration.minutes(5) */
  readonly period?: Duration;
  readonly label?: string;
}

/**
 * One series of a crm-sync custom metric (EMF, lib/observability/names.ts), with the exact dimension set the
 * code emits — `service`, `stack`, then the metric's own — as an alarm needs.
 *
 * @example
 * syncMetric('Retried', { service: 'customer-sync', stack: 'CrmSync-prod', dimensions: { reason: 'auth' } });
 */
export function syncMetric(metricName: string, series: SyncMetricSeries): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: series.service, [DIMENSION.stack]: series.stack, ...series.dimensions },
    statistic: series.statistic ?? 'Sum',
    period: series.period ?? Duration.minutes(5),
    ...(series.label !== undefined && { label: series.label }),
  });
}

/**
 * A CloudWatch SEARCH over one crm-sync metric of one stack, one line per value of `dimensionNames` (e.g. one per
 * `reason`): a new reason appears on the dashboard without a deploy, and other stacks never do (the schema braces
 * match exactly the dimension set the code emits, the `stack` term matches this stack only).
 *
 * @example
 * searchSyncMetric('DeadLettered', { stack: 'CrmSync-prod', dimensionNames: ['reason'] }); // one line per reason
 */
export function searchSyncMetric(
  metricName: string,
  options: {
    stack: string;
    dimensionNames?: readonly string[];
    statistic?: string;
    period?: Duration;
    label?: string;
  },
): cloudwatch.MathExpression {
  const period = options.period ?? Duration.minutes(5);
  const schema = [
    METRICS_NAMESPACE,
    ...[...(options.dimensionNames ?? []), 'service', DIMENSION.stack].sort(),
  ];
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${schema.join(',')}} MetricName="${metricName}" ${DIMENSION.stack}="${options.stack}"', '${options.statistic ?? 'Sum'}', ${period.toSeconds()})`,
    usingMetrics: {},
    period,
    ...(options.label !== undefined && { label: options.label }),
  });
}

/**
 * The sum of one crm-sync metric over every value of `dimensionName` except `excluded`, as a single series: a
 * CloudWatch Metrics Insights query, which an alarm can watch (a SEARCH cannot), so a failure reason that did
 * not exist when the alarm was made is still counted.
 *
 * @example
 * sumOverDimension('Retried', { service: 'customer-sync', stack: 'CrmSync-prod', dimensionName: 'reason', excluded: ['auth'] });
 * // SELECT SUM(Retried) FROM SCHEMA("CrmSync", reason, service, stack) WHERE service = 'customer-sync' AND stack = 'CrmSync-prod' AND reason != 'auth'
 */
export function sumOverDimension(
  metricName: string,
  options: {
    service: string;
    stack: string;
    dimensionName: string;
    excluded?: readonly string[];
    period?: Duration;
    label?: string;
  },
): cloudwatch.MathExpression {
  const where = [
    `service = '${options.service}'`,
    `${DIMENSION.stack} = '${options.stack}'`,
    ...(options.excluded ?? []).map((value) => `${options.dimensionName} != '${value}'`),
  ];
  return new cloudwatch.MathExpression({
    expression: `SELECT SUM(${metricName}) FROM SCHEMA("${METRICS_NAMESPACE}", ${options.dimensionName}, service, ${DIMENSION.stack}) WHERE ${where.join(' AND ')}`,
    usingMetrics: {},
    period: options.period ?? Duration.minutes(5),
    ...(options.label !== undefined && { label: options.label }),
  });
}

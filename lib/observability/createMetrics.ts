import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from './names.ts';

/**
 * Powertools Metrics (CloudWatch EMF) in the project's namespace; the metric names live in `names.ts`.
 *
 * @example
 * const metrics = createMetrics('customer-sync');
 * metrics.addMetric(METRIC.applied, MetricUnit.Count, 1);
 */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
}

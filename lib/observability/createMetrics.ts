import { Metrics } from '@aws-lambda-powertools/metrics';
import { DIMENSION, METRICS_NAMESPACE } from './names.ts';

/**
 * Powertools Metrics (CloudWatch EMF) in the project's namespace, with the `stack` default dimension (and
 * Powertools' own `service`) on every record; the metric names live in `names.ts`.
 *
 * @param stack the deployment's name (`STACK_NAME`, read by lib/config/observability.ts)
 * @example
 * const metrics = createMetrics('customer-sync', 'CrmSync-prod');
 * metrics.addMetric(METRIC.applied, MetricUnit.Count, 1);
 */
export function createMetrics(serviceName: string, stack: string): Metrics {
  return new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName,
    defaultDimensions: { [DIMENSION.stack]: stack },
  });
}

import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { DIMENSION, METRIC } from '../observability/names.ts';

/** The metrics the webhook emits (names in `lib/observability/names.ts`). */
export interface WebhookMetrics {
  accepted(count: number): void;
  rejected(status: number): void;
}

/** Metrics that go nowhere (tests, tools). */
export const NO_WEBHOOK_METRICS: WebhookMetrics = { accepted: () => undefined, rejected: () => undefined };

/**
 * {@link WebhookMetrics} on Powertools Metrics: `WebhookAccepted` (count of events) in the shared buffer,
 * `WebhookRejected` as a single-metric EMF record with the `status` dimension.
 *
 * @example
 * const metrics = powertoolsWebhookMetrics(createMetrics('webhook', 'CrmSync-prod'));
 */
export function powertoolsWebhookMetrics(metrics: Metrics): WebhookMetrics {
  return {
    accepted: (count) => {
      metrics.addMetric(METRIC.webhookAccepted, MetricUnit.Count, count);
    },
    rejected: (status) => {
      const single = metrics.singleMetric();
      single.addDimension(DIMENSION.status, String(status));
      single.addMetric(METRIC.webhookRejected, MetricUnit.Count, 1);
    },
  };
}

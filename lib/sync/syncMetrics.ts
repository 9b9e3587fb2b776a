import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as MetricUnitType } from '@aws-lambda-powertools/metrics/types';
import type { ApiName } from '../http/errors.ts';
import { DIMENSION, METRIC } from '../observability/names.ts';

/** Why an event needed no write (the `why` dimension of `Skipped`). */
export type SkipReason = 'duplicate' | 'unchanged' | 'stale' | 'coalesced';

/** The third party an API call went to (the `api` dimension). */
export type { ApiName };

/**
 * The metrics customer-sync emits (names in `lib/observability/names.ts`), behind a small interface so
 * the sync logic does not depend on how they are published.
 */
export interface SyncMetrics {
  applied(count?: number): void;
  skipped(why: SkipReason, count?: number): void;
  deadLettered(reason: string): void;
  retried(count?: number): void;
  apiCall(api: ApiName, durationMs: number): void;
}

/**
 * {@link SyncMetrics} on Powertools Metrics (CloudWatch EMF). Metrics without a dimension go to the
 * shared buffer (flushed by the `logMetrics` middleware); each dimensioned metric is emitted as its own
 * single-metric EMF record, because one EMF record carries one set of dimension values.
 *
 * @example
 * const metrics = powertoolsSyncMetrics(createMetrics('customer-sync'));
 * metrics.skipped('duplicate');
 */
export function powertoolsSyncMetrics(metrics: Metrics): SyncMetrics {
  const withDimension = (
    name: string,
    dimension: string,
    value: string,
    unit: MetricUnitType,
    amount: number,
  ) => {
    const single = metrics.singleMetric();
    single.addDimension(dimension, value);
    single.addMetric(name, unit, amount);
  };
  return {
    applied: (count = 1) => {
      metrics.addMetric(METRIC.applied, MetricUnit.Count, count);
    },
    skipped: (why, count = 1) => withDimension(METRIC.skipped, DIMENSION.why, why, MetricUnit.Count, count),
    deadLettered: (reason) =>
      withDimension(METRIC.deadLettered, DIMENSION.reason, reason, MetricUnit.Count, 1),
    retried: (count = 1) => {
      metrics.addMetric(METRIC.retried, MetricUnit.Count, count);
    },
    apiCall: (api, durationMs) => {
      withDimension(METRIC.apiCalls, DIMENSION.api, api, MetricUnit.Count, 1);
      withDimension(METRIC.apiLatency, DIMENSION.api, api, MetricUnit.Milliseconds, durationMs);
    },
  };
}

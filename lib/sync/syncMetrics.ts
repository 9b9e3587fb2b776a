import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
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
  deferred(reason: string): void;
  /** A record left on the queue for SQS to deliver again, by failure `reason`. */
  retried(reason: string, count?: number): void;
  /**
   * One HTTP attempt to a third party; `status` ≥ 400 or 0 (no answer: network, timeout) also counts it in
   * `ApiErrors`. @param status the HTTP status, 0 when none arrived
   */
  apiCall(api: ApiName, durationMs: number, status?: number): void;
}

/** {@link SyncMetrics} that hold the invocation's values until {@link BufferedSyncMetrics.flush}. */
export interface BufferedSyncMetrics extends SyncMetrics {
  /** Emits what was counted since the last flush and starts again from zero. Call once per invocation. */
  flush(): void;
}

/**
 * Powertools publishes a record by itself when a metric reaches 100 values, and that clears the record's
 * dimensions: a chunk stays below, so every value keeps its `api` dimension.
 */
const MAX_VALUES_PER_RECORD = 99;

/**
 * {@link SyncMetrics} on Powertools Metrics (CloudWatch EMF), aggregated per invocation: nothing is
 * formatted while the batch runs. `flush()` (the handler calls it at the end of every invocation) emits
 * one EMF record per dimension value on `records` — `ApiCalls` (count) with `ApiLatency` (the values) per
 * `api`, `ApiErrors` per `api` and `status`, `Skipped` per `why`, `DeadLettered`, `Deferred` and `Retried` per
 * `reason` (one EMF record carries one set of dimension values) — and adds `Applied` (0 included: every
 * invocation gives the dashboard a point and the shared buffer is never empty) to the shared buffer of
 * `metrics`, published by the `logMetrics` middleware. Names, units and dimensions are those the dashboard and
 * the alarms read; counts are sums, latencies keep every value (p50/p99). Both instances carry the `stack`
 * default dimension (createMetrics).
 *
 * `records` is a separate instance (same namespace and service) so a dimension set for one record can never
 * leak onto metrics that others put in the shared buffer.
 *
 * @example
 * const metrics = createMetrics('customer-sync', 'CrmSync-prod');
 * const syncMetrics = powertoolsSyncMetrics(metrics, createMetrics('customer-sync', 'CrmSync-prod'));
 * syncMetrics.skipped('duplicate');
 * syncMetrics.flush(); // then logMetrics publishes `metrics`
 */
export function powertoolsSyncMetrics(metrics: Metrics, records: Metrics): BufferedSyncMetrics {
  let applied = 0;
  const skipped = new Map<SkipReason, number>();
  const deadLettered = new Map<string, number>();
  const deferred = new Map<string, number>();
  const retried = new Map<string, number>();
  const latencies = new Map<ApiName, number[]>();
  const errors = new Map<string, { api: ApiName; status: number; count: number }>();
  const add = <K>(counts: Map<K, number>, key: K, count: number) =>
    counts.set(key, (counts.get(key) ?? 0) + count);

  const publishCounts = (name: string, dimension: string, counts: Map<string, number>) => {
    for (const [value, count] of counts) {
      records.addDimension(dimension, value);
      records.addMetric(name, MetricUnit.Count, count);
      records.publishStoredMetrics();
    }
  };

  return {
    applied: (count = 1) => {
      applied += count;
    },
    skipped: (why, count = 1) => add(skipped, why, count),
    deadLettered: (reason) => add(deadLettered, reason, 1),
    deferred: (reason) => add(deferred, reason, 1),
    retried: (reason, count = 1) => add(retried, reason, count),
    apiCall: (api, durationMs, status) => {
      const values = latencies.get(api);
      if (values === undefined) latencies.set(api, [durationMs]);
      else values.push(durationMs);
      if (status !== undefined && (status === 0 || status >= 400)) {
        const key = `${api} ${status}`;
        const counted = errors.get(key);
        if (counted === undefined) errors.set(key, { api, status, count: 1 });
        else counted.count += 1;
      }
    },
    flush: () => {
      try {
        for (const [api, values] of latencies) {
          for (let start = 0; start < values.length; start += MAX_VALUES_PER_RECORD) {
            const chunk = values.slice(start, start + MAX_VALUES_PER_RECORD);
            records.addDimension(DIMENSION.api, api);
            records.addMetric(METRIC.apiCalls, MetricUnit.Count, chunk.length);
            for (const ms of chunk) records.addMetric(METRIC.apiLatency, MetricUnit.Milliseconds, ms);
            records.publishStoredMetrics();
          }
        }
        for (const { api, status, count } of errors.values()) {
          // addDimension twice, not addDimensions: that one starts a second dimension set (a second series).
          records.addDimension(DIMENSION.api, api);
          records.addDimension(DIMENSION.status, String(status));
          records.addMetric(METRIC.apiErrors, MetricUnit.Count, count);
          records.publishStoredMetrics();
        }
        publishCounts(METRIC.skipped, DIMENSION.why, skipped);
        publishCounts(METRIC.deadLettered, DIMENSION.reason, deadLettered);
        publishCounts(METRIC.deferred, DIMENSION.reason, deferred);
        publishCounts(METRIC.retried, DIMENSION.reason, retried);
        metrics.addMetric(METRIC.applied, MetricUnit.Count, applied);
      } finally {
        applied = 0;
        skipped.clear();
        deadLettered.clear();
        deferred.clear();
        retried.clear();
        latencies.clear();
        errors.clear();
      }
    },
  };
}

import { METRIC } from '../observability/names.ts';
import type { ApiName, SkipReason, SyncMetrics } from './syncMetrics.ts';

/**
 * A {@link SyncMetrics} that only counts, for tests and local runs.
 *
 * @example
 * const metrics = new CountingSyncMetrics();
 * metrics.counts['Skipped:duplicate']; // 1
 */
export class CountingSyncMetrics implements SyncMetrics {
  readonly counts: Record<string, number> = {};

  applied(count = 1): void {
    this.add(METRIC.applied, count);
  }
  skipped(why: SkipReason, count = 1): void {
    this.add(`${METRIC.skipped}:${why}`, count);
  }
  deadLettered(reason: string): void {
    this.add(`${METRIC.deadLettered}:${reason}`, 1);
  }
  deferred(reason: string): void {
    this.add(`${METRIC.deferred}:${reason}`, 1);
  }
  /** Counts under `Retried` (every reason) and `Retried:<reason>`. */
  retried(reason: string, count = 1): void {
    this.add(METRIC.retried, count);
    this.add(`${METRIC.retried}:${reason}`, count);
  }
  apiCall(api: ApiName): void {
    this.add(`${METRIC.apiCalls}:${api}`, 1);
  }

  private add(key: string, count: number): void {
    this.counts[key] = (this.counts[key] ?? 0) + count;
  }
}

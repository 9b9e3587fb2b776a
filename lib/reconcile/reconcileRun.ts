import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { CRO_LIST_CAPS, type CroLocation } from '../crm/schemas.ts';
import type { CroListApi } from '../crm/types.ts';
import { METRIC } from '../observability/names.ts';
import { enqueueEvents, type OutgoingEvent } from '../queue/enqueueEvents.ts';
import { TokenBucket } from '../queue/TokenBucket.ts';
import { forEachConcurrently } from '../sync/forEachConcurrently.ts';
import { canonicalTime, croTimestamp, shiftTimestamp } from './pageSeams.ts';
import {
  type EventSink,
  type ListingRequest,
  type ListingSettings,
  type LocationDeps,
  reconcileLocation,
} from './reconcileLocation.ts';
import type { CheckpointStore, ReconcileSummary, RunBudget } from './types.ts';

/** What a run needs (built by `createReconcileDeps`, or by the backfill CLI). */
export interface ReconcileDeps {
  tenantId: number;
  cro: CroListApi;
  store: CheckpointStore;
  sink: EventSink;
  settings: ListingSettings & {
    /** Locations to reconcile; unset: every active location CRO lists. */
    locationIds?: readonly number[];
    /** Locations reconciled at the same time. */
    concurrency: number;
  };
  /** @default Date.now */
  now?: () => number;
}

/** Options of one run. */
export interface RunOptions {
  /** @default { kind: 'incremental' } */
  request?: ListingRequest;
  /** Only these locations (the CLI's `--location`); overrides the configured ones. */
  locationIds?: readonly number[];
  onPage?: LocationDeps['onPage'];
}

/**
 * One reconciliation run: resolves the locations (`CRM_LOCATION_IDS`, else every active location of
 * `GET /locations`; inactive ones are skipped) and reconciles each ({@link reconcileLocation}), a few at a
 * time, sharing the enqueue rate. A location that fails keeps its checkpoint and does not stop the others;
 * the summary says what happened to each. Rejects only when the locations themselves cannot be listed.
 *
 * @example
 * const summary = await runReconcile(deps, new TimeBudget(context, 30_000));
 * if (summary.locations.some((l) => l.status === 'failed')) throw new ReconcileRunError(...);
 */
export async function runReconcile(
  deps: ReconcileDeps,
  budget: RunBudget,
  options: RunOptions = {},
): Promise<ReconcileSummary> {
  const now = deps.now ?? Date.now;
  const { active, inactive } = await resolveLocations(deps, budget, options.locationIds);
  const locationDeps: LocationDeps = {
    tenantId: deps.tenantId,
    cro: deps.cro,
    store: deps.store,
    sink: deps.sink,
    budget,
    settings: deps.settings,
    owner: `run-${randomUUID()}`,
    sent: new Set(),
    now,
    ...(options.onPage !== undefined && { onPage: options.onPage }),
  };
  const outcomes = new Array<ReconcileSummary['locations'][number]>(active.length);
  await forEachConcurrently(active, deps.settings.concurrency, async (locationId, index) => {
    outcomes[index] = await reconcileLocation(
      locationId,
      locationDeps,
      options.request ?? { kind: 'incremental' },
    );
  });
  return {
    tenantId: deps.tenantId,
    startedAt: canonicalTime(now()),
    locations: outcomes,
    listed: outcomes.reduce((n, o) => n + o.listed, 0),
    enqueued: outcomes.reduce((n, o) => n + o.enqueued, 0),
    inactiveSkipped: inactive,
  };
}

/** What a dry run reports per location. */
export interface WindowCount {
  locationId: number;
  /** `last_updated_gte` the run would list from (canonical UTC); absent: everything. */
  since?: string;
  checkpoint?: string;
  /** Customers in the window (CRO's `total_count`). */
  customers: number;
  /** `customers` is CRO's cap: the window holds at least that many. */
  atCap: boolean;
  /** A listing of this window is in progress (a run would resume it). */
  inProgress: boolean;
}

/**
 * A dry run: per location, how many customers a run would list (one `page_limit=1` request each), without
 * enqueueing or writing anything.
 *
 * @example
 * const counts = await countWindows(deps, { kind: 'backfill' });
 */
export async function countWindows(
  deps: ReconcileDeps,
  budget: RunBudget,
  options: RunOptions = {},
): Promise<{ locations: WindowCount[]; inactiveSkipped: number[] }> {
  const { active, inactive } = await resolveLocations(deps, budget, options.locationIds);
  const request = options.request ?? { kind: 'incremental' };
  const locations: WindowCount[] = [];
  for (const locationId of active) {
    const record = await deps.store.peek(locationId);
    const resumed =
      record.progress !== undefined &&
      (request.kind === 'incremental' || record.progress.since === request.since);
    const since = resumed
      ? record.progress!.since
      : request.kind === 'backfill'
        ? request.since
        : record.checkpoint === undefined
          ? undefined
          : shiftTimestamp(record.checkpoint, -deps.settings.overlapMs * 1000);
    const page = await deps.cro.listLocationCustomers(
      locationId,
      { pageIndex: 1, pageLimit: 1, ...(since !== undefined && { lastUpdatedGte: croTimestamp(since) }) },
      { deadline: budget.deadline() },
    );
    locations.push({
      locationId,
      ...(since !== undefined && { since }),
      ...(record.checkpoint !== undefined && { checkpoint: record.checkpoint }),
      customers: page.total_count,
      atCap: page.total_count >= CRO_LIST_CAPS.totalCount,
      inProgress: resumed,
    });
  }
  return { locations, inactiveSkipped: inactive };
}

async function resolveLocations(
  deps: ReconcileDeps,
  budget: RunBudget,
  only: readonly number[] | undefined,
): Promise<{ active: number[]; inactive: number[] }> {
  const chosen = only ?? deps.settings.locationIds;
  if (chosen !== undefined) return { active: [...new Set(chosen)], inactive: [] };
  const all: CroLocation[] = [];
  const limit = CRO_LIST_CAPS.pageLimit;
  for (let pageIndex = 1; pageIndex <= CRO_LIST_CAPS.pageIndex; pageIndex += 1) {
    const page = await deps.cro.listLocations(
      { pageIndex, pageLimit: limit },
      { deadline: budget.deadline() },
    );
    all.push(...page.results);
    if (page.results.length < limit) break;
  }
  return {
    active: all.filter((l) => l.is_active).map((l) => l.id),
    inactive: all.filter((l) => !l.is_active).map((l) => l.id),
  };
}

/**
 * The queue as an {@link EventSink}: `SendMessageBatch` requests of up to 10 events, at most `ratePerSecond`
 * events per second (a token bucket shared by every location of the run), checking `shouldStop` between
 * requests.
 *
 * @example
 * const sink = queueSink({ sqs, queueUrl: config.queueUrl, ratePerSecond: 100 });
 */
export function queueSink(options: { sqs: SQSClient; queueUrl: string; ratePerSecond: number }): EventSink {
  const bucket = new TokenBucket(options.ratePerSecond);
  // A low rate sends small batches, so the rate stays smooth.
  const size = Math.max(1, Math.min(10, Math.floor(options.ratePerSecond)));
  return {
    async send(events: readonly OutgoingEvent[], shouldStop: () => boolean): Promise<number> {
      let sent = 0;
      while (sent < events.length) {
        if (shouldStop()) return sent;
        const chunk = events.slice(sent, sent + size);
        await bucket.take(chunk.length);
        await enqueueEvents(options.sqs, options.queueUrl, chunk);
        sent += chunk.length;
      }
      return sent;
    },
  };
}

/**
 * Adds a run's metrics to `metrics` (published by the handler's `logMetrics`): `CustomersListed`,
 * `EventsEnqueued`, `ReconcileFailures`, and one `CheckpointLag` value (seconds) per location whose lag is
 * known — the alarm reads their Maximum.
 *
 * @example
 * recordRunMetrics(metrics, summary);
 */
export function recordRunMetrics(metrics: Metrics, summary: ReconcileSummary): void {
  metrics.addMetric(METRIC.customersListed, MetricUnit.Count, summary.listed);
  metrics.addMetric(METRIC.eventsEnqueued, MetricUnit.Count, summary.enqueued);
  const failures = summary.locations.filter((l) => l.status === 'failed').length;
  metrics.addMetric(METRIC.reconcileFailures, MetricUnit.Count, failures);
  for (const location of summary.locations) {
    if (location.lagSeconds !== undefined)
      metrics.addMetric(METRIC.checkpointLag, MetricUnit.Seconds, location.lagSeconds);
  }
}

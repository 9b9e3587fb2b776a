import { CRO_LIST_CAPS, type CroListedCustomer } from '../crm/schemas.ts';
import type { CroListApi } from '../crm/types.ts';
import { CrmSyncError } from '../errors.ts';
import type { OutgoingEvent } from '../queue/enqueueEvents.ts';
import { CheckpointLeaseLostError, ListingTooLargeError } from './errors.ts';
import {
  canonicalTime,
  checkSeam,
  croTimestamp,
  inUpdateOrder,
  newestOf,
  shiftTimestamp,
  versionKey,
} from './pageSeams.ts';
import { reconcileEvent } from './reconcileEvent.ts';
import type {
  CheckpointStore,
  ListingProgress,
  LocationCheckpoint,
  LocationOutcome,
  RunBudget,
} from './types.ts';

/** Where events go: the queue (rate-limited), or nowhere in a test of the listing. */
export interface EventSink {
  /**
   * Puts `events` on the queue in order and resolves how many are on it: all of them, or fewer when
   * `shouldStop()` turned true between two requests. Rejects when the queue cannot take them.
   */
  send(events: readonly OutgoingEvent[], shouldStop: () => boolean): Promise<number>;
}

/** Settings of a listing, resolved by the configuration. */
export interface ListingSettings {
  /** `page_limit` (≤ 1000). */
  pageLimit: number;
  /** Subtracted from the checkpoint for `last_updated_gte` (clock skew, late commits), in ms. */
  overlapMs: number;
  /** Path of the VAT number in CRO's CustomerModel, when the tenant keeps one. */
  vatField?: readonly string[];
  /** Restarts of a window within one run before the location is left for the next run. */
  maxRestarts: number;
  /** CRO's `total_count` cap: a part of a window that reaches it is split. @default CRO_LIST_CAPS.totalCount */
  listCap?: number;
}

/** What a location's reconciliation needs; built once per run. */
export interface LocationDeps {
  tenantId: number;
  cro: CroListApi;
  store: CheckpointStore;
  sink: EventSink;
  budget: RunBudget;
  settings: ListingSettings;
  /** This run's lease owner id. */
  owner: string;
  /** Event ids this run already put on the queue (a customer listed by two locations is sent once). */
  sent: Set<string>;
  now: () => number;
  /** After every page: what this location has done so far. */
  onPage?: (progress: { locationId: number; listed: number; enqueued: number; page: number }) => void;
}

/**
 * What to list: `incremental` (the scheduled run) lists from the checkpoint minus the overlap (everything
 * on the first run) and resumes any listing in progress; `backfill` lists from `since` (everything when
 * absent) and resumes only a listing of that same window.
 */
export type ListingRequest = { kind: 'incremental' } | { kind: 'backfill'; since?: string };

/**
 * Reconciles one location: under the location's lease, lists `GET /locations/{id}/customers` from the
 * window's start page by page, enqueues one event per customer version (deterministic ids), and after
 * every page records where it is — so a run out of time, a crash or a Ctrl-C resumes at that page. The
 * checkpoint moves only when the window was listed to its end: to the time the listing began.
 *
 * Each page after the first is followed by a read of the page before it (the seam check, `pageSeams.ts`),
 * which catches customers that slid back over the page boundary; when pages moved too much, the window is
 * listed again from its start. A window larger than CRO's cap (100,000 results) is listed in parts split
 * on `last_updated_on` (possible only when CRO lists in that order; otherwise {@link ListingTooLargeError}).
 * Never throws: a failure is the outcome's `failed` status, the checkpoint unchanged.
 *
 * @example
 * const outcome = await reconcileLocation(7, deps, { kind: 'incremental' });
 */
export async function reconcileLocation(
  locationId: number,
  deps: LocationDeps,
  request: ListingRequest,
): Promise<LocationOutcome> {
  const outcome: LocationOutcome = { locationId, status: 'failed', listed: 0, enqueued: 0 };
  let record: LocationCheckpoint;
  try {
    const held = await deps.store.acquire(locationId, deps.owner, deps.budget.leaseMs());
    if (held === 'busy') return { ...outcome, status: 'busy' };
    record = held;
  } catch (error) {
    return { ...outcome, error: describe(error) };
  }
  const save = async (next: LocationCheckpoint) => {
    await deps.store.save(locationId, deps.owner, next, deps.budget.leaseMs());
    record = next;
  };
  const finish = (status: LocationOutcome['status'], error?: unknown): LocationOutcome => {
    const lagFrom = record.checkpoint ?? record.progress?.startedAt;
    return {
      ...outcome,
      status,
      ...(record.checkpoint !== undefined && { checkpoint: record.checkpoint }),
      ...(lagFrom !== undefined && {
        lagSeconds: Math.max(0, Math.round((deps.now() - Date.parse(lagFrom)) / 1000)),
      }),
      ...(error !== undefined && { error: describe(error) }),
    };
  };

  try {
    let progress = resumable(record.progress, request) ?? freshProgress(record.checkpoint, request, deps);
    let restarts = 0;
    for (;;) {
      if (!deps.budget.canStart()) {
        await save({ ...record, progress });
        return finish('paused');
      }
      const step = await readPage(locationId, progress, deps);
      outcome.listed += step.listed;
      if (step.disturbed) {
        restarts += 1;
        const { newest: _newest, ...rest } = progress;
        progress = { ...rest, page: 1, previousPage: [], ordered: true, restarts: progress.restarts + 1 };
        await save({ ...record, progress });
        if (restarts > deps.settings.maxRestarts) return finish('unsettled');
        continue;
      }
      const sent = await enqueue(step.customers, progress, deps);
      outcome.enqueued += sent.count;
      deps.onPage?.({ locationId, listed: outcome.listed, enqueued: outcome.enqueued, page: progress.page });
      // Out of time inside the page: it is read again next run (what was sent is deduplicated).
      if (!sent.all) {
        await save({ ...record, progress });
        return finish('paused');
      }
      const next = advance(locationId, progress, step, deps.settings);
      if (next === 'done') {
        await save({ checkpoint: nextCheckpoint(record.checkpoint, progress) });
        return finish('complete');
      }
      progress = next;
      await save({ ...record, progress });
    }
  } catch (error) {
    if (error instanceof CheckpointLeaseLostError) return finish('busy');
    // A window that cannot be listed is started afresh next time (the order of CRO's list may change).
    if (error instanceof ListingTooLargeError) {
      await save({ ...(record.checkpoint !== undefined && { checkpoint: record.checkpoint }) }).catch(
        () => undefined,
      );
    }
    return finish('failed', error);
  } finally {
    await deps.store.release(locationId, deps.owner).catch(() => undefined);
  }
}

interface PageStep {
  customers: CroListedCustomer[];
  /** The page as first read (for the next seam check, the order check and the end test). */
  page: CroListedCustomer[];
  totalCount: number;
  /** Customers this step brought: the page, and the newcomers of its seam re-read. */
  listed: number;
  disturbed: boolean;
}

async function readPage(
  locationId: number,
  progress: ListingProgress,
  deps: LocationDeps,
): Promise<PageStep> {
  const lower = progress.keyset ?? progress.since;
  // One deadline for the page and its seam re-read: a page started inside the budget is read to its end.
  const deadline = deps.budget.deadline();
  const read = (pageIndex: number) =>
    deps.cro.listLocationCustomers(
      locationId,
      {
        pageIndex,
        pageLimit: deps.settings.pageLimit,
        ...(lower !== undefined && { lastUpdatedGte: croTimestamp(lower) }),
      },
      { deadline },
    );
  const page = await read(progress.page);
  if (progress.page === 1) {
    return {
      customers: page.results,
      page: page.results,
      totalCount: page.total_count,
      listed: page.results.length,
      disturbed: false,
    };
  }
  const reread = await read(progress.page - 1);
  const seam = checkSeam(progress.previousPage, reread.results);
  return {
    customers: [...page.results, ...seam.newcomers],
    page: page.results,
    totalCount: page.total_count,
    listed: page.results.length + seam.newcomers.length,
    disturbed: seam.disturbed,
  };
}

async function enqueue(
  customers: readonly CroListedCustomer[],
  progress: ListingProgress,
  deps: LocationDeps,
): Promise<{ count: number; all: boolean }> {
  const context = {
    tenantId: deps.tenantId,
    ...(progress.since !== undefined && { since: progress.since }),
    startedAt: progress.startedAt,
    ...(deps.settings.vatField !== undefined && { vatField: deps.settings.vatField }),
  };
  const events = customers.map((customer) => reconcileEvent(customer, context));
  const fresh = events.filter((event, index) => {
    const first = events.findIndex((other) => other.id === event.id) === index;
    return first && !deps.sent.has(event.id);
  });
  const count = await deps.sink.send(fresh, () => !deps.budget.canStart());
  for (const event of fresh.slice(0, count)) deps.sent.add(event.id);
  return { count, all: count === fresh.length };
}

/**
 * After a page: the next page; when the page was short, `done`; when the part reached what CRO serves (its
 * `total_count` cap, or the last `page_index`), the next part of the window, from just before the newest
 * `last_updated_on` read (possible only when every page came in that order).
 */
function advance(
  locationId: number,
  progress: ListingProgress,
  step: PageStep,
  settings: ListingSettings,
): ListingProgress | 'done' {
  const { pageLimit, listCap = CRO_LIST_CAPS.totalCount } = settings;
  const ordered = progress.ordered && inUpdateOrder(progress.previousPage.at(-1), step.page);
  const newest = newestOf(progress.newest, step.page);
  const reached = (progress.page - 1) * pageLimit + step.page.length;
  const capped =
    (step.totalCount >= listCap && reached >= listCap) ||
    (step.page.length === pageLimit && progress.page >= CRO_LIST_CAPS.pageIndex);
  if (!capped) {
    if (step.page.length < pageLimit) return 'done';
    return {
      ...progress,
      page: progress.page + 1,
      previousPage: step.page.map(versionKey),
      ordered,
      ...(newest !== undefined && { newest }),
    };
  }
  if (!ordered) throw new ListingTooLargeError(locationId, 'CRO did not list it in last_updated_on order');
  // "Updated after" the bound: one microsecond back keeps the customers of the newest instant in the next part.
  const keyset = newest === undefined ? undefined : shiftTimestamp(newest, -1);
  const lower = progress.keyset ?? progress.since ?? '';
  if (keyset === undefined || keyset <= lower) {
    throw new ListingTooLargeError(locationId, 'more customers than the cap share one last_updated_on');
  }
  const { newest: _newest, ...rest } = progress;
  return { ...rest, keyset, page: 1, previousPage: [], ordered: true };
}

/** Where a new listing starts: the backfill's `since`, else the checkpoint minus the overlap. */
function freshProgress(
  checkpoint: string | undefined,
  request: ListingRequest,
  deps: LocationDeps,
): ListingProgress {
  const since =
    request.kind === 'backfill'
      ? request.since
      : checkpoint === undefined
        ? undefined
        : shiftTimestamp(checkpoint, -deps.settings.overlapMs * 1000);
  return {
    ...(since !== undefined && { since }),
    startedAt: canonicalTime(deps.now()),
    page: 1,
    previousPage: [],
    ordered: true,
    restarts: 0,
  };
}

/** The stored listing, if this request continues it. */
function resumable(
  progress: ListingProgress | undefined,
  request: ListingRequest,
): ListingProgress | undefined {
  if (progress === undefined || request.kind === 'incremental') return progress;
  return progress.since === request.since ? progress : undefined;
}

/**
 * The checkpoint once a window is listed: the time its listing began, when the window reaches back to the
 * old checkpoint (or is everything); a narrower backfill leaves the checkpoint where it was.
 */
function nextCheckpoint(checkpoint: string | undefined, progress: ListingProgress): string | undefined {
  const covers = progress.since === undefined || (checkpoint !== undefined && progress.since <= checkpoint);
  if (!covers) return checkpoint;
  return checkpoint !== undefined && checkpoint > progress.startedAt ? checkpoint : progress.startedAt;
}

function describe(error: unknown): NonNullable<LocationOutcome['error']> {
  if (error instanceof CrmSyncError)
    return { name: error.name, reason: error.reason, message: error.message };
  const name = error instanceof Error ? error.name : 'Error';
  return { name, reason: 'unexpected', message: error instanceof Error ? error.message : String(error) };
}

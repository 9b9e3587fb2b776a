/**
 * A window listing in progress for one location: enough to resume it in the next run exactly where this
 * one stopped. Stored with the checkpoint (as JSON).
 */
export interface ListingProgress {
  /** `last_updated_gte` of the window (canonical UTC); absent: every customer of the location. */
  since?: string;
  /** When the listing of this window began (this machine's clock, canonical UTC): the next checkpoint. */
  startedAt: string;
  /** Lower bound of the current part of a window split at CRO's result cap (canonical UTC). */
  keyset?: string;
  /** The next page to read (from 1). */
  page: number;
  /** `id@last_updated_on` of page `page − 1` as it was read: the seam check of the next page compares it. */
  previousPage: string[];
  /** Every page of this part came in `last_updated_on` order so far (a split at the cap relies on it). */
  ordered: boolean;
  /** The newest `last_updated_on` read in this part (canonical UTC). */
  newest?: string;
  /** Restarts of this window (pages moved under the listing). */
  restarts: number;
}

/** What is stored per location. */
export interface LocationCheckpoint {
  /**
   * Canonical UTC time such that every customer of the location last updated before it is on the queue
   * (at its latest version, or a later one). Absent until the first complete listing.
   */
  checkpoint?: string;
  progress?: ListingProgress;
}

/**
 * Where the checkpoints live: one record per (tenant, location), written only under a lease so two runs
 * (the scheduled function and an operator's backfill) never interleave on one location.
 */
export interface CheckpointStore {
  /** Takes the location's lease for `leaseMs` unless another owner holds it (→ `'busy'`). */
  acquire(locationId: number, owner: string, leaseMs: number): Promise<LocationCheckpoint | 'busy'>;
  /** Replaces the stored record and extends the lease; throws `CheckpointLeaseLostError` when it is not ours. */
  save(locationId: number, owner: string, record: LocationCheckpoint, leaseMs: number): Promise<void>;
  /** Gives the lease up (nothing when another owner holds it). */
  release(locationId: number, owner: string): Promise<void>;
  /** The stored record without taking the lease (dry runs, reports). */
  peek(locationId: number): Promise<LocationCheckpoint>;
}

/** How long a run may go on (the Lambda's remaining time, or an operator's Ctrl-C). */
export interface RunBudget {
  /** True while a new page may be started. */
  canStart(): boolean;
  /** Epoch-ms deadline for API calls. */
  deadline(): number;
  /** How long a location's lease lasts from now. */
  leaseMs(): number;
}

/** What became of one location in a run. */
export interface LocationOutcome {
  locationId: number;
  /**
   * `complete`: the window was listed to its end and the checkpoint advanced; `paused`: out of time, progress
   * kept; `busy`: another run holds the location; `unsettled`: pages kept moving, listing again next run;
   * `failed`: listing or enqueueing failed, checkpoint unchanged.
   */
  status: 'complete' | 'paused' | 'busy' | 'unsettled' | 'failed';
  /** Customers listed: every page's customers, plus those a seam re-read found (`pageSeams.ts`). */
  listed: number;
  /** Events put on the queue (or, in a dry run, that would be). */
  enqueued: number;
  /** The checkpoint after the run. */
  checkpoint?: string;
  /** Seconds between now and the checkpoint (or the start of the first, unfinished listing). */
  lagSeconds?: number;
  /** For `failed`: the error's name, reason and message (no personal data). */
  error?: { name: string; reason: string; message: string };
}

/** The outcome of a whole run. */
export interface ReconcileSummary {
  tenantId: number;
  startedAt: string;
  locations: LocationOutcome[];
  listed: number;
  enqueued: number;
  /** Locations skipped because CRO marks them inactive. */
  inactiveSkipped: number[];
}

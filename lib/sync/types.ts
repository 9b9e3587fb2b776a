import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import type { VatConflictPolicy } from '../config/customerSync.ts';
import type { CroApi } from '../crm/types.ts';
import type { CustomerEvent } from '../events/schemas.ts';
import type { InvisibleCollectorApi } from '../invisible-collector/types.ts';
import type { MappingFallbacks } from '../mapping/mapCustomer.ts';
import type { SqsSender } from '../queue/lazySqs.ts';
import type { VisibilityBackoff } from '../queue/visibility.ts';
import type { RecentEventKeys } from './RecentEventKeys.ts';
import type { CustomerKey, SyncStateStore } from './state/types.ts';
import type { SkipReason, SyncMetrics } from './syncMetrics.ts';

/**
 * Tuning of the batch processing. Every value is resolved once, from the configuration
 * (`createCustomerSyncDeps`, defaults in `CUSTOMER_SYNC_DEFAULTS`); nothing below defaults them again.
 */
export interface SyncOptions {
  /** Customers synced at the same time (`SYNC_CONCURRENCY`). */
  concurrency: number;
  vatConflictPolicy: VatConflictPolicy;
  /** `DEFAULT_COUNTRY` / `DEFAULT_LOCALE`. */
  fallbacks: MappingFallbacks;
  /** Time kept before the Lambda deadline: no customer starts inside it (`TIME_MARGIN_MS`). */
  timeMarginMs: number;
  /** Visibility backoff of transient failures, per `ApproximateReceiveCount`. */
  retryBackoff: VisibilityBackoff;
  /** Delay of a record deferred because another invocation holds its customer, per `requeue-count`. */
  busyBackoff: VisibilityBackoff;
  /** How long an IC write of unknown outcome may still land (`IC_WRITE_SETTLE_MS`). */
  icWriteSettleMs: number;
  /** Receives an update without VAT waits for its customer's `created` event on a standard queue. */
  missingVatReceives: number;
}

/** Everything the sync needs, built once per container (see `createCustomerSyncDeps`). */
export interface SyncDeps {
  /** The CRO tenant this deployment serves (`CRM_TENANT_ID`). */
  tenantId: number;
  cro: CroApi;
  ic: InvisibleCollectorApi;
  store: SyncStateStore;
  /** SQS client for dead-letter sends, deferrals and visibility changes (off the success path: built lazily). */
  sqs: SqsSender;
  dlqUrl: string;
  logger: Logger;
  metrics: SyncMetrics;
  options: SyncOptions;
  now: () => number;
  random: () => number;
  /** The event keys this container applied lately: spares a duplicate the early CRO read. */
  recentKeys?: RecentEventKeys;
}

/** A record whose body is a valid event for this tenant. */
export interface ParsedEntry {
  /** Position in the batch. */
  index: number;
  record: SQSRecord;
  event: CustomerEvent;
  key: CustomerKey;
}

/** A record that cannot be processed (bad body, wrong tenant). */
export interface RejectedEntry {
  index: number;
  record: SQSRecord;
  error: unknown;
}

/** What happened to one record. */
export type RecordResult =
  | { kind: 'applied' }
  | { kind: 'skipped'; why: SkipReason }
  /** Permanent failure, sent to the DLQ: handled. */
  | { kind: 'dead-lettered'; reason: string }
  /** Had to wait (a `WaitError`): sent again as a new message after `delaySeconds`, the original acknowledged. */
  | { kind: 'deferred'; reason: string; delaySeconds: number }
  /**
   * Not done (yet): reported as a batch item failure. Before routing, may hold a permanent error or a wait.
   * `notBefore` (epoch ms): the retry must not come earlier (a write of unknown outcome is settling).
   */
  | { kind: 'failed'; error: unknown; notBefore?: number };

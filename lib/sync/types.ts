import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { VatConflictPolicy } from '../config/customerSync.ts';
import type { CroApi } from '../crm/types.ts';
import type { CustomerEvent } from '../events/schemas.ts';
import type { InvisibleCollectorApi } from '../invisible-collector/types.ts';
import type { MappingFallbacks } from '../mapping/mapCustomer.ts';
import type { VisibilityBackoffOptions } from '../queue/visibility.ts';
import type { CustomerKey, SyncStateStore } from './state/types.ts';
import type { SkipReason, SyncMetrics } from './syncMetrics.ts';

/** Tuning of the batch processing; every field has a default. */
export interface SyncOptions {
  /** Customers synced at the same time. @default 10 */
  concurrency?: number;
  /** @default 'dead-letter' */
  vatConflictPolicy?: VatConflictPolicy;
  /** `DEFAULT_COUNTRY` / `DEFAULT_LOCALE`. */
  fallbacks?: MappingFallbacks;
  /** Time kept before the Lambda deadline: no customer starts inside it. @default 3000 */
  timeMarginMs?: number;
  /** Visibility backoff of transient failures. @default { baseSeconds: 30, capSeconds: 900 } */
  backoff?: VisibilityBackoffOptions;
  /** Visibility backoff when another invocation holds the customer (seconds, jittered up to ×2). @default 5 */
  busyBackoffSeconds?: number;
  /** Queue URL for `ChangeMessageVisibility`; by default derived from each record's `eventSourceARN`. */
  queueUrl?: string;
}

/** Everything the sync needs, built once per container (see `createCustomerSyncDeps`). */
export interface SyncDeps {
  /** The CRO tenant this deployment serves (`CRM_TENANT_ID`). */
  tenantId: number;
  cro: CroApi;
  ic: InvisibleCollectorApi;
  store: SyncStateStore;
  /** SQS client for dead-letter sends and visibility changes. */
  sqs: SQSClient;
  dlqUrl: string;
  logger: Logger;
  metrics: SyncMetrics;
  options?: SyncOptions;
  /** @default Date.now */
  now?: () => number;
  /** @default Math.random */
  random?: () => number;
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
  /** Not done (yet): reported as a batch item failure. Before routing, may hold a permanent error. */
  | { kind: 'failed'; error: unknown };

// Public face of the sync: the batch processor, its dependencies and the pieces other tools reuse.
export { processBatch } from './processBatch.ts';
export { createCustomerSyncDeps, type CustomerSyncParts } from './createCustomerSyncDeps.ts';
export {
  powertoolsSyncMetrics,
  type BufferedSyncMetrics,
  type SyncMetrics,
  type SkipReason,
  type ApiName,
} from './syncMetrics.ts';
export { CountingSyncMetrics } from './CountingSyncMetrics.ts';
export { classifyFailure, type FailureClass } from './classifyFailure.ts';
export * from './errors.ts';
export type { SyncDeps, SyncOptions, RecordResult } from './types.ts';

import type { CroCredentialsParts } from '../../lib/crm/croCredentials.ts';
import type { SyncOptions } from '../../lib/sync/types.ts';

/** What a fleet worker is started with (argv[2], JSON); the rest is its environment. */
export interface WorkerSettings {
  queueUrl: string;
  queueArn: string;
  lambdaTimeoutMs: number;
  timings?: CroCredentialsParts['timings'];
  syncOptions?: SyncOptions;
}

/** What a worker counted since it started. */
export interface WorkerStats {
  /** CountingSyncMetrics counts: `Applied`, `Skipped:<why>`, `DeadLettered:<reason>`, `Retried`, ... */
  counts: Record<string, number>;
  /** Refreshes this process made. */
  refreshes: number;
  /** Token requests that ended in a refusal only an operator fixes (the CrmAuthorizationLost metric). */
  authorizationLost: number;
  /** The token provider's log lines. */
  tokenLines: Array<{ level: string; message: string }>;
}

export type WorkerRequest = { type: 'stats'; id: number } | { type: 'stop' };
export type WorkerReply = { type: 'ready' | 'stats'; id: number; stats: WorkerStats };

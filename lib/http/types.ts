/** Per-call options every API client method accepts. */
export interface CallOptions {
  /** Absolute epoch-ms deadline for the call including retries (e.g. from a Lambda's remaining time). */
  deadline?: number;
  /** Aborts the call (and its retries) early. */
  signal?: AbortSignal;
}

/**
 * Returns the bearer token; with `forceRefresh` it must bypass any cache (called once after a 401).
 * `deadline` is the calling request's (epoch ms): a provider that may wait or refresh stays within it.
 */
export type TokenProvider = (options?: { forceRefresh?: boolean; deadline?: number }) => Promise<string>;

/** Per-call options every API client method accepts. */
export interface CallOptions {
  /** Absolute epoch-ms deadline for the call including retries (e.g. from a Lambda's remaining time). */
  deadline?: number;
  /** Aborts the call (and its retries) early. */
  signal?: AbortSignal;
}

/**
 * Returns the bearer token; with `forceRefresh` it must bypass any cache (called once after a 401, with the
 * `rejectedToken` the 401 answered: a provider that has replaced it since may answer with the newer one).
 * `deadline` is the calling request's (epoch ms): a provider that may wait or refresh stays within it.
 */
export type TokenProvider = (options?: {
  forceRefresh?: boolean;
  rejectedToken?: string;
  deadline?: number;
}) => Promise<string>;

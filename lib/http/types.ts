import type { ApiName } from './errors.ts';

/** One HTTP attempt, for metrics (`ApiCalls`, `ApiLatency`) and for callers that track what was sent. */
export interface CallInfo {
  api: ApiName;
  method: string;
  /** Templated path, e.g. `/customers/:id` (no ids: low-cardinality). */
  route: string;
  /** HTTP status, or 0 when no answer arrived (network error, timeout). */
  status: number;
  durationMs: number;
  /** 1-based attempt number within the call (a token-refresh retry counts as an attempt). */
  attempt: number;
}

/** Per-call options every API client method accepts. */
export interface CallOptions {
  /** Absolute epoch-ms deadline for the call including retries (e.g. from a Lambda's remaining time). */
  deadline?: number;
  /**
   * Called after every attempt of this call (the client's `onCall` still runs too). Must not throw. E.g. the
   * sync tells from it whether a write may have been applied although no clear answer came back.
   */
  onAttempt?: (info: CallInfo) => void;
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

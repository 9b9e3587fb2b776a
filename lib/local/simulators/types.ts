/** One request a simulator received, in arrival order. */
export interface RecordedCall {
  method: string;
  /** The path without the query string, still percent-encoded as sent. */
  path: string;
  /** The matched route template, e.g. `/customers/:id`; `(unmatched)` when no route matched. */
  route: string;
  /** Decoded query parameters (last value wins). */
  query: Record<string, string>;
  /** Request headers, lower-cased names. */
  headers: Record<string, string>;
  /** The status the simulator answered with (0 if the client went away first). */
  status: number;
  /** The request body: parsed JSON, the raw text when it is not JSON, `undefined` when empty. */
  body: unknown;
  /** The response body sent (parsed JSON), for assertions. */
  responseBody: unknown;
  /** Epoch ms when the request arrived. */
  at: number;
}

/** Random faults injected on every route, drawn from a seeded PRNG so a run is reproducible. */
export interface FaultOptions {
  /** Probability (0–1) of a `500`/`502`/`503` answer. */
  serverErrorRate?: number;
  /** Probability (0–1) of a `429` with `Retry-After`. */
  rateLimitRate?: number;
  /** `Retry-After` value in seconds on injected 429s. @default 1 */
  retryAfterSeconds?: number;
  /** Probability (0–1) of a response delayed by `timeoutMs` (for client timeouts). */
  timeoutRate?: number;
  /** Delay of a "timeout" response. @default 10000 */
  timeoutMs?: number;
  /** PRNG seed. @default 1 */
  seed?: number;
}

/** A scripted response for `failNext`. */
export interface ScriptedResponse {
  status: number;
  /** JSON body; a string is sent as-is (e.g. to simulate a non-JSON gateway page). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
}

/** What every simulator shares: the call log, auth tokens, latency and fault injection. */
export interface SimulatorControls {
  /** Base URL, `http://127.0.0.1:PORT`. */
  url: string;
  /** Every request in order. */
  calls: RecordedCall[];
  /** Calls to one route template (all calls when omitted). */
  callsFor(route?: string): RecordedCall[];
  /**
   * Resolves with the next request that reaches the server (on `route` when given) as soon as it is read:
   * what a test waits for instead of a fixed delay (e.g. to abort a call once it is in flight).
   */
  nextCall(route?: string): Promise<RecordedCall>;
  /** Resolves once the server is done with `call`: answered, or given up because the client left. */
  callSettled(call: RecordedCall): Promise<void>;
  clearCalls(): void;
  /** Replaces the accepted bearer tokens (rotation: the old token now gets a 401). */
  setTokens(tokens: string[]): void;
  /** The bearer tokens accepted now. */
  acceptedTokens(): string[];
  /** Adds a fixed delay to every response. */
  setLatency(ms: number): void;
  /** Random faults on every route; `{}` turns them off. */
  setFaults(faults: FaultOptions): void;
  /** The next `n` requests (to `route` when given) get `response` instead of the real answer. */
  failNext(n: number, response: ScriptedResponse, route?: string): void;
  /** Turns off random faults and drops pending `failNext` scripts. */
  resetFaults(): void;
  /** Closes the server and every keep-alive socket. */
  stop(): Promise<void>;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './prng.ts';
import { matchRoute } from './matchRoute.ts';
import type { FaultOptions, RecordedCall, ScriptedResponse, SimulatorControls } from './types.ts';

/** A request as a route handler sees it. */
export interface SimRequest {
  method: string;
  path: string;
  /** Route parameters, percent-decoded. */
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body; `undefined` when empty. */
  body: unknown;
  /** True when a non-empty body was not valid JSON. */
  invalidJson: boolean;
  /** The body as received (e.g. a form-encoded OAuth token request). */
  rawBody: string;
}

/** A simulator's answer. */
export interface SimResponse {
  status: number;
  /** The status line's reason phrase; Node's standard one when absent. */
  statusText?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SimRoute {
  method: string;
  /** Template such as `/customers/:id`; matched segment by segment, a trailing slash is ignored. */
  route: string;
  handle(request: SimRequest): SimResponse;
}

/** How a vendor shapes the answers the shared machinery produces. */
export interface VendorShape {
  /** `undefined` when the request is authorised, else the answer (401/403/400). */
  authorise(request: SimRequest, tokens: ReadonlySet<string>): SimResponse | undefined;
  error(status: number, message: string): SimResponse;
  /** Headers added to every answer (e.g. a request id). */
  commonHeaders?(): Record<string, string>;
}

export interface SimulatorServerOptions {
  routes: SimRoute[];
  vendor: VendorShape;
  tokens: string[];
  latencyMs?: number;
  faults?: FaultOptions;
  port?: number;
}

interface Script {
  remaining: number;
  response: ScriptedResponse;
  route?: string;
}

/**
 * The node:http machinery both API simulators share: routing by template, the call log, bearer
 * tokens, latency, seeded random faults and scripted failures. Vendor behaviour lives in the routes.
 */
export async function startSimulatorServer(options: SimulatorServerOptions): Promise<SimulatorControls> {
  const calls: RecordedCall[] = [];
  const scripts: Script[] = [];
  const arrivals: Array<{ route?: string; resolve: (call: RecordedCall) => void }> = [];
  const settled = new WeakMap<RecordedCall, Promise<void>>();
  const stopping = new AbortController();
  let tokens = new Set(options.tokens);
  let latencyMs = options.latencyMs ?? 0;
  let faults: FaultOptions = options.faults ?? {};
  let random = seededRandom(faults.seed ?? 1);

  const server: Server = createServer((req, res) => {
    let done: () => void = () => undefined;
    void handle(req, res, new Promise<void>((resolve) => (done = resolve)))
      .catch((error: unknown) => {
        if (!res.headersSent) send(res, { status: 500, body: { message: String(error) } });
      })
      .finally(() => done());
  });
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse, finished: Promise<void>): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname;
    const match = matchRoute(options.routes, req.method ?? 'GET', path);
    const call: RecordedCall = {
      method: req.method ?? 'GET',
      path,
      route: match.route?.route ?? '(unmatched)',
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
      ),
      status: 0,
      body: undefined,
      responseBody: undefined,
      at: Date.now(),
    };
    let invalidJson = false;
    if (rawBody.length > 0) {
      try {
        call.body = JSON.parse(rawBody);
      } catch {
        call.body = rawBody;
        invalidJson = true;
      }
    }
    calls.push(call);
    settled.set(call, finished);
    for (let i = arrivals.length - 1; i >= 0; i -= 1) {
      const waiter = arrivals[i]!;
      if (waiter.route !== undefined && waiter.route !== call.route) continue;
      arrivals.splice(i, 1);
      waiter.resolve(call);
    }
    const gone = AbortSignal.any([stopping.signal, closedSignal(res)]);

    const respond = (response: SimResponse) => {
      const withCommon = {
        ...response,
        headers: { ...options.vendor.commonHeaders?.(), ...response.headers },
      };
      call.status = response.status;
      call.responseBody = response.body;
      if (!gone.aborted) send(res, withCommon);
    };

    if (latencyMs > 0) await sleep(latencyMs, gone);
    // A client that left (or a stopping server) must not consume scripted failures meant for later requests.
    if (gone.aborted) return;
    const script = takeScript(scripts, call.route);
    if (script) {
      if (script.delayMs) await sleep(script.delayMs, gone);
      return respond({ status: script.status, body: script.body, headers: script.headers });
    }
    const fault = drawFault(faults, random);
    if (fault === 'timeout') await sleep(faults.timeoutMs ?? 10_000, gone);
    if (fault === 'server-error')
      return respond(options.vendor.error(503, 'Service temporarily unavailable'));
    if (fault === 'rate-limit') {
      const limited = options.vendor.error(429, 'Too many requests');
      return respond({
        ...limited,
        headers: { ...limited.headers, 'retry-after': String(faults.retryAfterSeconds ?? 1) },
      });
    }
    if (gone.aborted) return;

    const request: SimRequest = {
      method: call.method,
      path,
      params: match.params,
      query: call.query,
      headers: call.headers,
      body: invalidJson ? undefined : call.body,
      invalidJson,
      rawBody,
    };
    const denied = options.vendor.authorise(request, tokens);
    if (denied) return respond(denied);
    if (!match.route) {
      return respond(
        match.pathMatched
          ? {
              ...options.vendor.error(405, 'Method not allowed'),
              headers: { allow: match.allowed.join(',') },
            }
          : options.vendor.error(404, 'Not found'),
      );
    }
    respond(match.route.handle(request));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    callsFor: (route) => (route === undefined ? [...calls] : calls.filter((c) => c.route === route)),
    nextCall: (route) => new Promise((resolve) => arrivals.push({ route, resolve })),
    callSettled: (call) => settled.get(call) ?? Promise.resolve(),
    clearCalls: () => {
      calls.length = 0;
    },
    setTokens: (next) => {
      tokens = new Set(next);
    },
    acceptedTokens: () => [...tokens],
    setLatency: (ms) => {
      latencyMs = ms;
    },
    setFaults: (next) => {
      faults = next;
      random = seededRandom(next.seed ?? 1);
    },
    failNext: (n, response, route) => {
      if (n > 0) scripts.push({ remaining: n, response, route });
    },
    resetFaults: () => {
      faults = {};
      scripts.length = 0;
    },
    stop: async () => {
      stopping.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function takeScript(scripts: Script[], route: string): ScriptedResponse | undefined {
  const index = scripts.findIndex((s) => s.route === undefined || s.route === route);
  if (index < 0) return undefined;
  const script = scripts[index]!;
  script.remaining -= 1;
  if (script.remaining <= 0) scripts.splice(index, 1);
  return script.response;
}

function drawFault(
  faults: FaultOptions,
  random: () => number,
): 'server-error' | 'rate-limit' | 'timeout' | undefined {
  const roll = random();
  const serverError = faults.serverErrorRate ?? 0;
  const rateLimit = faults.rateLimitRate ?? 0;
  const timeout = faults.timeoutRate ?? 0;
  if (roll < serverError) return 'server-error';
  if (roll < serverError + rateLimit) return 'rate-limit';
  if (roll < serverError + rateLimit + timeout) return 'timeout';
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function closedSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

function send(res: ServerResponse, response: SimResponse): void {
  const isText = typeof response.body === 'string';
  const payload =
    response.body === undefined ? '' : isText ? (response.body as string) : JSON.stringify(response.body);
  const headers: Record<string, string> = { ...response.headers };
  if (payload.length > 0 && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = isText ? 'text/plain; charset=utf-8' : 'application/json';
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  if (response.statusText === undefined) res.writeHead(response.status, headers);
  else res.writeHead(response.status, response.statusText, headers);
  res.end(payload);
}

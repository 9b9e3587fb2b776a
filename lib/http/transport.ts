import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { Agent as HttpAgent, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** One HTTP exchange as the transport sees it: no retries, no auth rules, no JSON. */
export interface TransportRequest {
  method: string;
  /** `http:` (local simulators) or `https:` (the real APIs). */
  url: URL;
  /** Lower-case names. `content-length` is set here when there is a body. */
  headers: Record<string, string>;
  /** Already serialised (JSON). */
  body?: string;
  /** Aborts the exchange at any stage (connect, send, headers, body). */
  signal: AbortSignal;
  /** A new connection not open within this time fails the exchange (`ECONNTIMEOUT`); a reused one is open. */
  connectTimeoutMs?: number;
}

/** A complete answer: status, lower-case headers (repeated ones joined with `, `), body decoded as UTF-8. */
export interface TransportResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/** A larger answer is refused (the APIs send one customer or a short list; this is only a sanity bound). */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

// Keep-alive so that a warm Lambda reuses its connections (TLS handshakes dominate otherwise); idle
// sockets are unref'd by the agent, so they never keep a process alive. 64 per origin is far above
// SYNC_CONCURRENCY × parallel calls, so requests do not queue in the agent in practice.
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 64, scheduling: 'lifo' } as const;
const httpAgent = new HttpAgent(AGENT_OPTIONS);
const httpsAgent = new HttpsAgent(AGENT_OPTIONS);

/**
 * Sends one request with `node:http`/`node:https` on keep-alive agents and resolves the whole answer, any
 * status included. Rejects with the system error (its `code`: ECONNREFUSED, ECONNRESET,
 * ERESPONSETOOLARGE...) on a network failure, or with `signal.reason` once `signal` aborts.
 * Chosen over the global `fetch` for CPU: no Request/Headers objects, web streams or decoder per call.
 *
 * @example
 * const { status, body } = await send({ method: 'GET', url: new URL('http://127.0.0.1:4010/customers/1'),
 *   headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5_000) });
 */
export function send(request: TransportRequest): Promise<TransportResponse> {
  const { signal } = request;
  return new Promise<TransportResponse>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let settled = false;
    const settle = (error: unknown, response?: TransportResponse) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (response === undefined) reject(error);
      else resolve(response);
    };
    const fail = (error: unknown) => {
      if (!req.destroyed) req.destroy();
      settle(error);
    };
    const onAbort = () => fail(signal.reason);

    const headers =
      request.body === undefined
        ? request.headers
        : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) };
    const https = request.url.protocol === 'https:';
    const req = (https ? httpsRequest : httpRequest)(request.url, {
      method: request.method,
      headers,
      agent: https ? httpsAgent : httpAgent,
    });
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    if (request.connectTimeoutMs !== undefined) boundConnect(req, request.connectTimeoutMs, fail);
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (declared > MAX_RESPONSE_BYTES) {
        fail(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) fail(tooLarge());
        else chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        settle(undefined, {
          status: res.statusCode ?? 0,
          headers: flatten(res.headers),
          body: decode(chunks, size),
        });
      });
      // A connection dropped mid-body ends in 'close' without 'end' (and not always with an 'error').
      res.on('close', () => {
        if (!res.complete) fail(Object.assign(new Error('response ended early'), { code: 'ECONNRESET' }));
      });
    });
    req.end(request.body);
  });
}

function flatten(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers))
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** UTF-8 with a leading BOM dropped, as `Response.text()` does. */
function decode(chunks: Buffer[], size: number): string {
  const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Fails a request whose new connection is not open within `ms` (`ECONNTIMEOUT`): DNS, TCP and TLS. A socket
 * reused from the keep-alive pool is open already.
 *
 * @example
 * boundConnect(req, 1_000, (error) => req.destroy(error));
 */
export function boundConnect(req: EventEmitter, ms: number, fail: (error: Error) => void): void {
  req.once('socket', (socket: Socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(
      () => fail(Object.assign(new Error(`no connection within ${ms} ms`), { code: 'ECONNTIMEOUT' })),
      ms,
    );
    const done = () => clearTimeout(timer);
    socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', done);
    socket.once('close', done);
  });
}

function tooLarge(): Error {
  return Object.assign(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`), {
    code: 'ERESPONSETOOLARGE',
  });
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { boundConnect, MAX_RESPONSE_BYTES, send } from '../../../../lib/http/transport.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The client's port: the same port means the same connection. */
  port: number | undefined;
}

describe('send (node:http transport) against a local server', () => {
  let server: Server;
  let base: string;
  let seen: Seen[];
  let answer: (req: IncomingMessage, res: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
          port: req.socket.remotePort,
        });
        answer(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen = [];
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });

  const url = (path: string) => new URL(`${base}${path}`);
  const never = () => new AbortController().signal;

  it('sends the method, headers and body with its length, and resolves status, headers and text', async () => {
    answer = (_req, res) => {
      res.setHeader('x-request-id', 'r-1');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(201).end('{"name":"Ação"}');
    };

    const response = await send({
      method: 'PUT',
      url: url('/customers/a%20b?x=1'),
      headers: { accept: 'application/json', 'content-type': 'application/json', authorization: 'Bearer t' },
      body: '{"name":"Ação"}',
      signal: never(),
    });

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/customers/a%20b?x=1', body: '{"name":"Ação"}' });
    expect(seen[0]!.headers).toMatchObject({
      accept: 'application/json',
      'content-type': 'application/json',
      authorization: 'Bearer t',
      'content-length': String(Buffer.byteLength('{"name":"Ação"}')),
    });
    expect(response.status).toBe(201);
    expect(response.headers['x-request-id']).toBe('r-1');
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
    expect(response.body).toBe('{"name":"Ação"}');
  });

  it('resolves non-2xx answers and non-JSON bodies as they are', async () => {
    answer = (_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');

    const response = await send({ method: 'GET', url: url('/x'), headers: {}, signal: never() });

    expect(response).toMatchObject({ status: 502, body: '<h1>Bad gateway</h1>' });
  });

  it('drops a leading byte-order mark and resolves an empty body as an empty string', async () => {
    answer = (req, res) => res.writeHead(200).end(req.url === '/bom' ? '\uFEFF{"a":1}' : undefined);

    const bom = await send({ method: 'GET', url: url('/bom'), headers: {}, signal: never() });
    const empty = await send({ method: 'DELETE', url: url('/empty'), headers: {}, signal: never() });

    expect(bom.body).toBe('{"a":1}');
    expect(empty).toMatchObject({ status: 200, body: '' });
  });

  it('reuses one keep-alive connection for requests one after the other', async () => {
    for (let i = 0; i < 3; i += 1)
      await send({ method: 'GET', url: url('/x'), headers: {}, signal: never() });

    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((request) => request.port)).size).toBe(1);
  });

  it('rejects with the signal reason when aborted before the answer', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    answer = () => controller.abort(reason); // the request arrived; no answer ever comes

    const pending = send({ method: 'GET', url: url('/slow'), headers: {}, signal: controller.signal });

    await expect(pending).rejects.toBe(reason);
  });

  it('rejects with the signal reason when aborted in the middle of the body', async () => {
    const controller = new AbortController();
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Half the body is on the wire; the rest never comes.
      res.write('{"partial":', () => controller.abort(new Error('timeout')));
    };

    const pending = send({ method: 'GET', url: url('/half'), headers: {}, signal: controller.signal });

    await expect(pending).rejects.toThrow('timeout');
  });

  it('sends nothing when the signal is already aborted', async () => {
    const signal = AbortSignal.abort(new Error('already'));

    await expect(send({ method: 'GET', url: url('/x'), headers: {}, signal })).rejects.toThrow('already');
    expect(seen).toHaveLength(0);
  });

  it('rejects with ECONNRESET when the server drops the connection in the middle of the body', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"partial":', () => res.destroy());
    };

    await expect(
      send({ method: 'GET', url: url('/drop'), headers: {}, signal: never() }),
    ).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
  });

  it('refuses an answer larger than the sanity bound, declared or streamed', async () => {
    const big = Buffer.alloc(MAX_RESPONSE_BYTES + 1, 'a');
    answer = (req, res) => {
      if (req.url === '/declared') res.writeHead(200, { 'content-length': String(big.length) }).end(big);
      else res.writeHead(200, { 'transfer-encoding': 'chunked' }).end(big);
    };

    for (const path of ['/declared', '/streamed']) {
      await expect(
        send({ method: 'GET', url: url(path), headers: {}, signal: never() }),
      ).rejects.toMatchObject({
        code: 'ERESPONSETOOLARGE',
      });
    }
  });

  it('rejects with the system error code when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    await expect(
      send({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/`), headers: {}, signal: never() }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('boundConnect', () => {
  /** A request that hands out `socket`: a connection still opening, or one reused from the pool. */
  const requestWith = (socket: EventEmitter & { connecting: boolean }) => {
    const req = new EventEmitter();
    return { req, handOut: () => req.emit('socket', socket) };
  };
  const socket = (connecting: boolean) => Object.assign(new EventEmitter(), { connecting });

  it('fails a connection that does not open in time, and not one that does', async () => {
    const failures: Error[] = [];
    const slow = requestWith(socket(true));
    boundConnect(slow.req, 30, (error) => failures.push(error));
    slow.handOut();
    const opening = socket(true);
    const quick = requestWith(opening);
    boundConnect(quick.req, 30, (error) => failures.push(error));
    quick.handOut();
    opening.emit('connect');

    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ code: 'ECONNTIMEOUT', message: 'no connection within 30 ms' });
  });

  it('leaves a socket reused from the keep-alive pool alone', async () => {
    const failures: Error[] = [];
    const reused = requestWith(socket(false));
    boundConnect(reused.req, 10, (error) => failures.push(error));
    reused.handOut();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(failures).toEqual([]);
  });

  it('applies to requests sent with connectTimeoutMs, which still succeed on a local server', async () => {
    const server = createServer((_, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await send({
        method: 'GET',
        url: new URL(`http://127.0.0.1:${port}/`),
        headers: {},
        signal: AbortSignal.timeout(2_000),
        connectTimeoutMs: 1_000,
      });
      expect(response).toMatchObject({ status: 200, body: 'ok' });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A pass-through HTTP proxy that counts DynamoDB operations (`X-Amz-Target`) on their way to dynalite. */
export interface CountingProxy {
  url: string;
  /** Requests per operation, e.g. `{ UpdateItem: 4 }`. */
  counts(): Record<string, number>;
  reset(): void;
  stop(): Promise<void>;
}

/**
 * Starts a counting proxy in front of `target` (dynalite). dynalite has no request hook and
 * `startLocalDynamo` does not expose its server, so the bench counts on the wire instead of changing a
 * shared module; the proxy runs wherever the emulator runs (the bench's service process), so its CPU is
 * never charged to the handler.
 *
 * @example
 * const proxy = await startCountingProxy(dynamo.endpoint);
 * process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.url;
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  let counts: Record<string, number> = {};
  const server = createServer((req, res) => {
    const operation =
      String(req.headers['x-amz-target'] ?? 'unknown')
        .split('.')
        .pop() ?? 'unknown';
    counts[operation] = (counts[operation] ?? 0) + 1;
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    reset: () => {
      counts = {};
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoModel } from './dynamoModel.ts';

/** A pass-through HTTP proxy that counts DynamoDB operations (`X-Amz-Target`) on their way to dynalite. */
export interface CountingProxy {
  url: string;
  /** Requests per operation, e.g. `{ UpdateItem: 4 }`. */
  counts(): Record<string, number>;
  reset(): void;
  /**
   * Delays every operation by `ms` before forwarding it, each on its own timer (concurrently): dynalite
   * handles writes one at a time in a few ms each, DynamoDB concurrently in a few ms each; with a delay that
   * dominates, the figures approach DynamoDB's shape. 0 (the default) adds nothing.
   */
  setLatency(ms: number): void;
  /**
   * On: answers from an in-memory model of DynamoDB ({@link DynamoModel}: concurrent, as DynamoDB is) instead of
   * dynalite (one call at a time). Its items are its own, kept while it is off: switch before the customers of a
   * run are set up.
   */
  setModel(on: boolean): void;
  stop(): Promise<void>;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Starts a counting proxy in front of `target` (dynalite). dynalite has no request hook and
 * `startLocalDynamo` does not expose its server, so the bench counts on the wire instead of changing a
 * shared module; the proxy runs wherever the emulator runs (the bench's service process), so its CPU is
 * never charged to the handler.
 *
 * It also plays one DynamoDB feature dynalite lacks, so the handler runs the path it runs on AWS: a write
 * with `ReturnValuesOnConditionCheckFailure: ALL_OLD` whose condition fails gets the item in its
 * `ConditionalCheckFailedException` (read by the proxy from dynalite, not counted: DynamoDB returns it
 * with the failure).
 *
 * @example
 * const proxy = await startCountingProxy(dynamo.endpoint);
 * process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.url;
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  let counts: Record<string, number> = {};
  let latencyMs = 0;
  const model = new DynamoModel();
  let useModel = false;
  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<Answer>((resolve, reject) => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method,
          path,
          headers: { ...headers, 'content-length': String(body.length) },
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () =>
            resolve({
              status: answer.statusCode ?? 502,
              headers: answer.headers,
              body: Buffer.concat(chunks),
            }),
          );
          answer.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });

  // The item of a failed conditional write, as DynamoDB returns it with ALL_OLD.
  const withOldItem = async (
    req: { url: string; headers: IncomingHttpHeaders },
    sent: Buffer,
    answer: Answer,
  ) => {
    const input = JSON.parse(sent.toString('utf8')) as Record<string, unknown>;
    const error = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
    if (input.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD') return answer;
    if (!String(error.__type ?? '').endsWith('ConditionalCheckFailedException')) return answer;
    const read = await forward(
      'POST',
      req.url,
      { ...req.headers, 'x-amz-target': 'DynamoDB_20120810.GetItem' },
      Buffer.from(JSON.stringify({ TableName: input.TableName, Key: input.Key, ConsistentRead: true })),
    );
    const { Item } = JSON.parse(read.body.toString('utf8')) as { Item?: unknown };
    if (Item === undefined) return answer;
    // The body changed: its CRC32 header no longer applies.
    const { 'x-amz-crc32': _crc, ...headers } = answer.headers;
    return { ...answer, headers, body: Buffer.from(JSON.stringify({ ...error, Item })) };
  };

  const server = createServer((req, res) => {
    const operation =
      String(req.headers['x-amz-target'] ?? 'unknown')
        .split('.')
        .pop() ?? 'unknown';
    counts[operation] = (counts[operation] ?? 0) + 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const sent = Buffer.concat(chunks);
      const url = req.url ?? '/';
      const delayed =
        latencyMs > 0 ? new Promise((resolve) => setTimeout(resolve, latencyMs)) : Promise.resolve();
      delayed
        .then(() =>
          useModel
            ? fromModel(model, operation, sent)
            : forward(req.method ?? 'POST', url, req.headers, sent),
        )
        .then((answer) =>
          answer.status === 400 && !useModel
            ? withOldItem({ url, headers: req.headers }, sent, answer)
            : answer,
        )
        .then((answer) => {
          const { 'transfer-encoding': _chunked, ...headers } = answer.headers;
          res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
          res.end(answer.body);
        })
        .catch(() => {
          if (!res.headersSent) res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    reset: () => {
      counts = {};
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    setModel: (on) => {
      useModel = on;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// The model's answer in the shape dynalite's has (the SDK reads the JSON body and the status).
function fromModel(model: DynamoModel, operation: string, sent: Buffer): Answer {
  const { status, body } = model.answer(operation, JSON.parse(sent.toString('utf8')) as never);
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: Buffer.from(JSON.stringify(body)),
  };
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { apiGatewayV2Event } from './apiGatewayEvent.ts';
import { lambdaContext } from './lambdaContext.ts';

/** A Lambda handler behind an HTTP API (payload 2.0). */
export type HttpLambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2 | void>;

export interface HttpLambdaOptions {
  handler: HttpLambdaHandler;
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 'webhook' */
  functionName?: string;
  /** The function timeout. @default 10000 */
  timeoutMs?: number;
  /** API Gateway's payload limit: larger requests get its 413 without reaching the function. @default 10 MiB */
  maxPayloadBytes?: number;
  /**
   * Serves some requests itself instead of the function (the local console under `/_console`): returns true
   * when it took the request.
   */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface HttpLambda {
  /** `http://host:port` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Serves a Lambda handler over HTTP the way API Gateway's HTTP API does: every request becomes a payload 2.0
 * event, the handler's result becomes the response (a string/object result is sent as a 200 JSON body, as AWS
 * does), a thrown handler is API Gateway's `500 {"message":"Internal Server Error"}`.
 *
 * @example
 * const http = await startHttpLambda({ handler, port: 3000 });
 * await fetch(`${http.url}/webhook`, { method: 'POST', body });
 */
export async function startHttpLambda(options: HttpLambdaOptions): Promise<HttpLambda> {
  const maxPayloadBytes = options.maxPayloadBytes ?? 10 * 1024 * 1024;
  const server = createServer((req, res) => {
    if (options.intercept?.(req, res)) return;
    void serve(req, res).catch(() =>
      send(res, 500, {}, JSON.stringify({ message: 'Internal Server Error' })),
    );
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxPayloadBytes)
        return send(res, 413, {}, JSON.stringify({ message: 'Request Entity Too Large' }));
      chunks.push(chunk);
    }
    const event = apiGatewayV2Event({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks),
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    });
    const context = lambdaContext({
      functionName: options.functionName ?? 'webhook',
      timeoutMs: options.timeoutMs ?? 10_000,
    });
    const result = await options.handler(event, context);
    if (result === undefined || typeof result === 'string' || !('statusCode' in result)) {
      return send(
        res,
        200,
        { 'content-type': 'application/json' },
        result === undefined ? '' : JSON.stringify(result),
      );
    }
    const body =
      result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
    const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
    send(res, result.statusCode ?? 200, headers, body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    port,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  if (res.headersSent) return;
  res.writeHead(status, headers);
  res.end(body);
}

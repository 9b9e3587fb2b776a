import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';

/** One request an {@link AwsJsonServer} received. */
export interface ReceivedAwsRequest {
  /** `X-Amz-Target`, e.g. `DynamoDB_20120810.GetItem`. */
  target: string;
  headers: IncomingHttpHeaders;
  body: string;
  input: Record<string, unknown>;
}

/** What the server answers: a status, a JSON body, or no answer at all (`stall`). */
export type AwsAnswer = { status: number; body: object; headers?: Record<string, string> } | 'stall';

export interface AwsJsonServer {
  endpoint: string;
  requests: ReceivedAwsRequest[];
  stop(): Promise<void>;
}

/**
 * A real HTTP server speaking the AWS JSON protocol's envelope (`POST /`, `X-Amz-Target`, JSON in and out):
 * each request is recorded and answered by `answer`.
 *
 * @example
 * const server = await startAwsJsonServer(() => ({ status: 200, body: { Item: {} } }));
 */
export async function startAwsJsonServer(
  answer: (request: ReceivedAwsRequest, index: number) => AwsAnswer,
): Promise<AwsJsonServer> {
  const requests: ReceivedAwsRequest[] = [];
  const stalled: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const received = {
        target: String(req.headers['x-amz-target'] ?? ''),
        headers: req.headers,
        body,
        input: JSON.parse(body === '' ? '{}' : body) as Record<string, unknown>,
      };
      requests.push(received);
      const reply = answer(received, requests.length - 1);
      if (reply === 'stall') {
        stalled.push(res);
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.0', ...reply.headers });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: async () => {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** node:crypto behind the `Checksum` interface @smithy/signature-v4 asks for. */
class NodeSha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {}
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * The `Authorization` header the AWS SDK's own signer (`@smithy/signature-v4`, an implementation independent
 * of crm-sync's) computes for a received request, signing the headers it says it signed, at its `X-Amz-Date`.
 *
 * @example
 * expect(received.headers.authorization).toBe(await expectedAuthorization(received, { service: 'dynamodb', region, credentials }));
 */
export async function expectedAuthorization(
  received: ReceivedAwsRequest,
  signing: {
    service: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  },
): Promise<string | undefined> {
  const authorization = String(received.headers.authorization ?? '');
  const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of signedNames) headers[name] = String(received.headers[name] ?? '');
  const [hostname, port] = String(received.headers.host).split(':');
  const amzDate = String(received.headers['x-amz-date']);
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  // No `x-amz-content-sha256`: that header is S3's, the JSON protocols do not send it.
  const signer = new SignatureV4({ ...signing, sha256: NodeSha256, applyChecksum: false });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: hostname!,
      ...(port !== undefined && { port: Number(port) }),
      path: '/',
      query: {},
      headers,
      body: received.body,
    },
    { signingDate },
  );
  return signed.headers.authorization;
}

import { backoffMs } from '../http/retry.ts';
import { send, type TransportResponse } from '../http/transport.ts';
import { InvocationDeadlineError, type AwsCallLimits, type InvocationDeadline } from './boundedCalls.ts';
import { AwsServiceError, isRetryableAwsError } from './awsErrors.ts';
import { signV4 } from './signV4.ts';

/** An AWS service spoken in the JSON protocol (`X-Amz-Target` + a JSON body, `POST /`). */
export interface AwsJsonProtocol {
  /** SigV4 signing name and endpoint prefix. */
  service: string;
  /** `X-Amz-Target` prefix: `<prefix>.<Operation>`. */
  targetPrefix: string;
  /** `application/x-amz-json-1.0` or `-1.1`. */
  contentType: string;
}

export const DYNAMODB: AwsJsonProtocol = {
  service: 'dynamodb',
  targetPrefix: 'DynamoDB_20120810',
  contentType: 'application/x-amz-json-1.0',
};

export const SECRETS_MANAGER: AwsJsonProtocol = {
  service: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  contentType: 'application/x-amz-json-1.1',
};

/** Static AWS credentials (in Lambda: the function role's, from the environment). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsJsonClientOptions {
  protocol: AwsJsonProtocol;
  region: string;
  endpoint: URL;
  /** Read before every attempt (cheap), so credentials replaced in the environment are used at once. */
  credentials: () => AwsCredentials;
  limits: AwsCallLimits;
  /** The invocation's end: no attempt outlives it, none starts after it. */
  deadline?: InvocationDeadline;
  /** @default Math.random */
  random?: () => number;
}

/** First backoff ceilings (ms), as the AWS SDK's standard retry strategy: throttling waits longer. */
const BASE_MS = 100;
const THROTTLING_BASE_MS = 500;
const CAP_MS = 20_000;

/**
 * A lean client of one AWS JSON-protocol service (DynamoDB, Secrets Manager): each operation is one signed
 * (SigV4, [`signV4`](./signV4.ts)) `POST /` with the operation in `X-Amz-Target`, sent over crm-sync's shared keep-alive
 * `node:http` transport. Same limits as the SDK clients built with `awsClientConfig`: `limits.maxAttempts`
 * attempts, each bounded by `limits.requestTimeoutMs` and the invocation's deadline, with the SDK standard
 * strategy's retries (network failures, timeouts, 5xx, throttling; jittered exponential backoff). A refusal
 * becomes an {@link AwsServiceError} named after the service's error code, with the error's fields on it
 * (`ConditionalCheckFailedException` carries `Item`), as the SDK's exceptions are.
 *
 * Written here rather than taken from the AWS SDK for the customer-sync's success path: loading and building
 * an SDK client costs ~100 ms of cold start per service, and each SDK call ~0.3 ms of CPU (middleware stack,
 * endpoint rules, schema serde) — the largest share of the handler's CPU. The SDK remains the fallback
 * wherever credentials do not come from the environment (`createDynamoApi`, `createSecretsApi`).
 *
 * @example
 * const dynamo = new AwsJsonClient({ protocol: DYNAMODB, region: 'eu-west-1', endpoint: new URL('https://dynamodb.eu-west-1.amazonaws.com'), credentials: () => creds, limits });
 * const { Item } = await dynamo.call<{ Item?: object }>('GetItem', { TableName: 't', Key: { pk: { S: 'a' } } });
 */
export class AwsJsonClient {
  readonly #options: AwsJsonClientOptions;
  readonly #target: string;

  constructor(options: AwsJsonClientOptions) {
    this.#options = options;
    this.#target = `${options.protocol.targetPrefix}.`;
  }

  /** Where the requests go. */
  get endpoint(): URL {
    return this.#options.endpoint;
  }

  /** Runs `operation` with `input`; resolves its output, rejects with the last attempt's error. */
  async call<Output>(operation: string, input: object): Promise<Output> {
    const body = JSON.stringify(input);
    const { limits, deadline } = this.#options;
    for (let attempt = 1; ; attempt += 1) {
      const remaining = deadline?.remainingMs();
      if (remaining !== undefined && remaining <= 0) throw new InvocationDeadlineError();
      const timeoutMs = Math.max(1, Math.floor(Math.min(limits.requestTimeoutMs, remaining ?? Infinity)));
      // Signed for each attempt (a fresh date; credentials replaced in the environment are taken at once).
      const headers = this.#sign(operation, body);
      let response: TransportResponse | undefined;
      let error: unknown;
      try {
        response = await this.#send(headers, body, timeoutMs);
      } catch (failure) {
        error = failure; // the transport's: a network failure, or no answer in time
      }
      if (response !== undefined) {
        if (response.status >= 200 && response.status < 300)
          return (response.body === '' ? {} : JSON.parse(response.body)) as Output;
        error = AwsServiceError.from(operation, response);
      }
      if (attempt >= limits.maxAttempts || !isRetryableAwsError(error)) throw error;
      const wait = backoffMs(attempt, {
        baseMs: error instanceof AwsServiceError && error.throttling ? THROTTLING_BASE_MS : BASE_MS,
        capMs: CAP_MS,
        random: this.#options.random ?? Math.random,
      });
      const left = deadline?.remainingMs();
      // A retry that could not start before the deadline is not waited for: the error stands.
      if (left !== undefined && wait >= left) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  #sign(operation: string, body: string): Record<string, string> {
    const { endpoint, region, protocol } = this.#options;
    return signV4(
      {
        host: endpoint.host,
        headers: { 'content-type': protocol.contentType, 'x-amz-target': this.#target + operation },
        body,
      },
      { region, service: protocol.service },
      this.#options.credentials(),
    );
  }

  /** One exchange; rejects only when the transport does (network failure, timeout). */
  async #send(headers: Record<string, string>, body: string, timeoutMs: number): Promise<TransportResponse> {
    const { endpoint } = this.#options;
    try {
      return await send({
        method: 'POST',
        url: endpoint,
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
        connectTimeoutMs: Math.min(this.#options.limits.connectionTimeoutMs, timeoutMs),
      });
    } catch (error) {
      // As the SDK names a request that ran out of time: callers and logs see one name for it. (The signal's
      // reason is a DOMException, not always an `Error` of this realm.)
      if ((error as { name?: unknown } | undefined)?.name === 'TimeoutError')
        throw timeoutError(timeoutMs, error);
      throw error;
    }
  }
}

function timeoutError(timeoutMs: number, cause: unknown): Error {
  const error = new Error(`no complete answer within ${timeoutMs} ms`, { cause });
  error.name = 'TimeoutError';
  return error;
}

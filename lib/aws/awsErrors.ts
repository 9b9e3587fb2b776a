import type { TransportResponse } from '../http/transport.ts';

/** Error codes AWS services answer when a caller is throttled (retried after a longer backoff). */
const THROTTLING = new Set([
  'ThrottlingException',
  'ThrottledException',
  'Throttling',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

/**
 * An AWS service's refusal: `name` is the service's error code (`ConditionalCheckFailedException`,
 * `ResourceNotFoundException`, ...), as the SDK's exceptions are named, and the error's other fields are on
 * it (`Item` for a failed DynamoDB condition asked with `ReturnValuesOnConditionCheckFailure`).
 */
export class AwsServiceError extends Error {
  /** HTTP status of the answer. */
  readonly status: number;
  readonly throttling: boolean;
  /** As the SDK's `$metadata`: what the logs and `StateStoreError` read. */
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  [field: string]: unknown;

  constructor(
    code: string,
    message: string,
    details: { status: number; requestId?: string; fields?: object },
  ) {
    super(message);
    Object.assign(this, details.fields);
    this.name = code;
    this.status = details.status;
    this.throttling = THROTTLING.has(code) || details.status === 429;
    this.$metadata = {
      httpStatusCode: details.status,
      ...(details.requestId !== undefined && { requestId: details.requestId }),
    };
  }

  /** The error an answer of status ≥ 300 carries (JSON protocol: `__type` in the body or `x-amzn-errortype`). */
  static from(operation: string, response: TransportResponse): AwsServiceError {
    let fields: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(response.body);
      if (parsed !== null && typeof parsed === 'object') fields = parsed as Record<string, unknown>;
    } catch {
      // Not JSON (a proxy's page): the status says enough.
    }
    const { __type: type, message, Message, ...rest } = fields;
    const code =
      errorCode(typeof type === 'string' ? type : response.headers['x-amzn-errortype']) ??
      `Http${response.status}`;
    const text = typeof message === 'string' ? message : typeof Message === 'string' ? Message : '';
    const requestId = response.headers['x-amzn-requestid'];
    return new AwsServiceError(code, `${operation}: ${code}${text === '' ? '' : `: ${text}`}`, {
      status: response.status,
      ...(requestId !== undefined && { requestId }),
      fields: rest,
    });
  }
}

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → `ConditionalCheckFailedException`. */
function errorCode(type: string | undefined): string | undefined {
  if (type === undefined || type === '') return undefined;
  return type.split(':')[0]!.split('#').at(-1) || undefined;
}

/**
 * Whether a failed attempt is worth another (the AWS SDK standard strategy's rule): a 5xx or throttling
 * refusal, or a failure of the transport itself — a network failure or no answer in time, transient whatever
 * its code, as `HttpClient` treats them. A 4xx refusal (a failed condition, a missing secret, bad credentials) is
 * final.
 */
export function isRetryableAwsError(error: unknown): boolean {
  if (error instanceof AwsServiceError) return error.status >= 500 || error.throttling;
  return true;
}

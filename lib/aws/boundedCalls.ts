import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Context } from 'aws-lambda';

/** How long one AWS SDK call may take: per attempt, and how many attempts. */
export interface AwsCallLimits {
  /** Time to open a connection (TCP + TLS). */
  connectionTimeoutMs: number;
  /** Time for one whole attempt (request sent, answer read); a stalled socket fails after it. */
  requestTimeoutMs: number;
  /** Attempts per call, the first included (the SDK's standard retry strategy, with its backoff). */
  maxAttempts: number;
}

/**
 * The end of the current invocation for every AWS client of a container (Lambda runs one invocation at a
 * time per container): the handler starts it from the context and clears it when the invocation ends.
 * While it runs, an AWS call gets no more time than is left, so a stalled socket fails the call — a
 * transient failure of the records concerned — before Lambda would time out the whole batch.
 *
 * @example
 * const deadline = new InvocationDeadline();
 * const sqs = new SQSClient(awsClientConfig(limits, deadline));
 * deadline.start(context, 500); // in the handler
 */
export class InvocationDeadline {
  #at: number | undefined;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** From now on, calls end `reserveMs` before the invocation would time out. */
  start(context: Pick<Context, 'getRemainingTimeInMillis'>, reserveMs: number): void {
    this.#at = this.#now() + context.getRemainingTimeInMillis() - reserveMs;
  }

  /** Outside an invocation: only the per-attempt limits apply. */
  clear(): void {
    this.#at = undefined;
  }

  /** Milliseconds left (≤ 0 once passed), or `undefined` outside an invocation. */
  remainingMs(): number | undefined {
    return this.#at === undefined ? undefined : this.#at - this.#now();
  }
}

type HandleArgs = Parameters<NodeHttpHandler['handle']>;

/**
 * An AWS call not sent because the invocation's deadline has passed. Deliberately not a `TimeoutError`: the
 * SDK retries those, and retrying after the deadline only spends the time kept for the batch response. The
 * calling domain wraps it in its own transient error (`StateStoreError`, `DeadLetterSendError`, ...).
 */
export class InvocationDeadlineError extends Error {
  constructor() {
    super('the invocation deadline has passed; not sent');
    this.name = 'InvocationDeadlineError';
  }
}

/**
 * The SDK's node:http handler with a per-call limit: the smaller of `requestTimeoutMs` and the time left
 * before the invocation's deadline; past the deadline a call fails at once ({@link InvocationDeadlineError})
 * instead of waiting on the network.
 */
class DeadlineHttpHandler extends NodeHttpHandler {
  readonly #limits: AwsCallLimits;
  readonly #deadline: InvocationDeadline | undefined;

  constructor(limits: AwsCallLimits, deadline: InvocationDeadline | undefined) {
    super({
      connectionTimeout: limits.connectionTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Without it the SDK only logs a warning when an attempt runs past requestTimeout, and keeps waiting.
      throwOnRequestTimeout: true,
    });
    this.#limits = limits;
    this.#deadline = deadline;
  }

  override handle(
    request: HandleArgs[0],
    options: HandleArgs[1] = {},
  ): ReturnType<NodeHttpHandler['handle']> {
    const remaining = this.#deadline?.remainingMs();
    if (remaining === undefined) return super.handle(request, options);
    if (remaining <= 0) return Promise.reject(new InvocationDeadlineError());
    const limit = Math.min(options.requestTimeout ?? this.#limits.requestTimeoutMs, remaining);
    return super.handle(request, { ...options, requestTimeout: Math.max(1, Math.floor(limit)) });
  }
}

/**
 * Options for any AWS SDK v3 client (`new SQSClient({ ...awsClientConfig(limits, deadline), ... })`): a request
 * handler with connection and request timeouts, tied to the invocation's deadline when given, and the retry
 * budget. Without this the SDK waits on a stalled socket for as long as the OS lets it.
 *
 * @example
 * const dynamo = new DynamoDBClient(awsClientConfig({ connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000, maxAttempts: 3 }));
 */
export function awsClientConfig(
  limits: AwsCallLimits,
  deadline?: InvocationDeadline,
): { requestHandler: NodeHttpHandler; maxAttempts: number } {
  return { requestHandler: new DeadlineHttpHandler(limits, deadline), maxAttempts: limits.maxAttempts };
}

import type * as Sqs from '@aws-sdk/client-sqs';
import type { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';

type SqsModule = typeof Sqs;

let loading: Promise<SqsModule> | undefined;

/**
 * `@aws-sdk/client-sqs`, imported on first use. The customer-sync sends to SQS only off its success path
 * (dead-letter sends, deferrals, visibility changes): a static import would load the client's modules into
 * every cold start (docs/architecture.md#sync-algorithm, "Cold start").
 *
 * @example
 * const { SendMessageCommand } = await sqsModule();
 */
export function sqsModule(): Promise<SqsModule> {
  return (loading ??= import('@aws-sdk/client-sqs'));
}

/** What the queue helpers need of an SQS client: `send`. An `SQSClient` or a {@link LazySqsClient}. */
export type SqsSender = Pick<SQSClient, 'send'>;

/**
 * An SQS client built (and its module imported) on its first `send`, with `config`.
 *
 * @example
 * const sqs = new LazySqsClient({ useQueueUrlAsEndpoint: false });
 * await sendToDeadLetter(sqs, dlqUrl, record, failure); // imports and builds the client now
 */
export class LazySqsClient implements SqsSender {
  readonly #config: SQSClientConfig;
  readonly #wrap: (client: SQSClient) => SQSClient;
  #client: Promise<SQSClient> | undefined;

  /** `wrap` is applied to the client once built (e.g. tracing: the wrapper of every AWS client). */
  constructor(config: SQSClientConfig, wrap: (client: SQSClient) => SQSClient = (client) => client) {
    this.#config = config;
    this.#wrap = wrap;
  }

  readonly send = ((...args: Parameters<SQSClient['send']>) =>
    (this.#client ??= sqsModule().then(({ SQSClient }) => this.#wrap(new SQSClient(this.#config)))).then(
      (client) => (client.send as (...a: unknown[]) => Promise<unknown>)(...args),
    )) as SQSClient['send'];
}

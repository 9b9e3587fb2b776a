import { sqsModule, type SqsSender } from './lazySqs.ts';
import { backoff } from '../backoff.ts';

/** SQS's maximum visibility timeout (12 hours). */
const MAX_VISIBILITY_SECONDS = 43_200;

/** The shape of the visibility backoff (customer-sync's values are resolved in `lib/config`). */
export interface VisibilityBackoff {
  /** Ceiling of the delay after the first failed receive, seconds. */
  baseSeconds: number;
  /** Largest ceiling, seconds. */
  capSeconds: number;
}

export interface VisibilityBackoffOptions extends VisibilityBackoff {
  /** At least this long (e.g. a 429's Retry-After), seconds. @default 0 */
  minSeconds?: number;
  /** `Math.random`-like source for the jitter. */
  random: () => number;
}

/**
 * Visibility timeout for a record that failed transiently on its `receiveCount`-th receive: crm-sync's one
 * backoff formula (`lib/backoff.ts`: ceiling `min(base × 2^(n−1), cap)`, equal jitter — between half and all
 * of it — so records that failed together do not all come back at the same moment), never below
 * `minSeconds`, never above SQS's 12 hours.
 *
 * @example
 * visibilityBackoffSeconds(1, { baseSeconds: 30, capSeconds: 900, random: Math.random }); // 15..30
 * visibilityBackoffSeconds(4, { baseSeconds: 30, capSeconds: 120, random: Math.random }); // 60..120
 */
export function visibilityBackoffSeconds(receiveCount: number, options: VisibilityBackoffOptions): number {
  const shape = { base: options.baseSeconds, cap: options.capSeconds };
  const seconds = Math.round(backoff(receiveCount, shape, options.random, options.minSeconds));
  return Math.min(MAX_VISIBILITY_SECONDS, seconds);
}

/**
 * The queue URL for an SQS queue ARN (`arn:aws:sqs:<region>:<account>:<name>`), as Lambda's event records
 * only carry the ARN. The SDK client sends it as a parameter, so this works against emulators too when
 * the client's endpoint is overridden.
 *
 * @example
 * queueUrlFromArn('arn:aws:sqs:eu-west-1:123456789012:crm-sync-events');
 * // 'https://sqs.eu-west-1.amazonaws.com/123456789012/crm-sync-events'
 */
export function queueUrlFromArn(arn: string): string {
  const [, partition, service, region, account, name] = arn.split(':');
  if (service !== 'sqs' || !region || !account || !name) throw new Error(`not an SQS queue ARN: ${arn}`);
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

/**
 * Sets a received message's visibility timeout (`ChangeMessageVisibility`), e.g. to back off a retry.
 *
 * @example
 * await changeVisibility(sqs, queueUrlFromArn(record.eventSourceARN), record.receiptHandle, 60);
 */
export async function changeVisibility(
  sqs: SqsSender,
  queueUrl: string,
  receiptHandle: string,
  seconds: number,
): Promise<void> {
  const { ChangeMessageVisibilityCommand } = await sqsModule();
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.round(seconds))),
    }),
  );
}

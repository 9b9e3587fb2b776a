import { createHash, randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { toSqsEvent } from '../../lib/local/sqsEvent.ts';

/** The queue ARN bench batches claim to come from. */
export const BENCH_QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:crm-sync-events';

/**
 * A Lambda SQS event for these bodies, first receive each, built with `toSqsEvent` exactly as the local
 * poller builds it (the bench invokes the handler directly, without a queue in between).
 *
 * @example
 * await handler(sqsEventOf([JSON.stringify(event)]), context);
 */
export function sqsEventOf(bodies: readonly string[]): SQSEvent {
  const now = String(Date.now());
  const messages: Message[] = bodies.map((body) => ({
    MessageId: randomUUID(),
    ReceiptHandle: randomUUID(),
    Body: body,
    MD5OfBody: createHash('md5').update(body).digest('hex'),
    Attributes: { ApproximateReceiveCount: '1', SentTimestamp: now, ApproximateFirstReceiveTimestamp: now },
  }));
  return toSqsEvent(messages, { queueArn: BENCH_QUEUE_ARN });
}

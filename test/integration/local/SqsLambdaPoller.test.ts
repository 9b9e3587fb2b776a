import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SQSEvent } from 'aws-lambda';
import { type LocalSqs, SqsLambdaPoller, startLocalSqs } from '../../../lib/local/index.ts';

describe('SqsLambdaPoller against fauxqs', () => {
  let local: LocalSqs;
  beforeAll(async () => {
    local = await startLocalSqs({ maxReceiveCount: 2, visibilityTimeoutSeconds: 1 });
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('delivers AWS-shaped records, deletes successes and lets reported failures redrive to the DLQ', async () => {
    const seen: SQSEvent[] = [];
    for (const body of ['ok-1', 'fail', 'ok-2']) {
      await local.sqs.send(new SendMessageCommand({ QueueUrl: local.queue.url, MessageBody: body }));
    }
    const poller = new SqsLambdaPoller({
      sqs: local.sqs,
      queueUrl: local.queue.url,
      queueArn: local.queue.arn,
      handler: async (event) => {
        seen.push(event);
        return {
          batchItemFailures: event.Records.filter((r) => r.body === 'fail').map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      },
    });

    const first = await poller.pollOnce();
    expect(first?.deleted).toHaveLength(2);
    expect(first?.failed).toHaveLength(1);
    const record = seen[0]!.Records[0]!;
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: local.queue.arn,
      awsRegion: 'us-east-1',
    });
    expect(record.attributes.ApproximateReceiveCount).toBe('1');

    // The failed record comes back after the visibility timeout, then exceeds maxReceiveCount.
    await new Promise((r) => setTimeout(r, 1_100));
    const second = await poller.pollOnce(2);
    expect(second?.event.Records.map((r) => r.body)).toEqual(['fail']);
    expect(second?.event.Records[0]!.attributes.ApproximateReceiveCount).toBe('2');
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await poller.pollOnce()).toBeUndefined();
    const dlq = await local.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: local.dlq.url, WaitTimeSeconds: 1 }),
    );
    expect(dlq.Messages?.map((m) => m.Body)).toEqual(['fail']);
  });

  it('leaves the whole batch on the queue when the handler throws', async () => {
    await local.sqs.send(new SendMessageCommand({ QueueUrl: local.queue.url, MessageBody: 'boom' }));
    const poller = new SqsLambdaPoller({
      sqs: local.sqs,
      queueUrl: local.queue.url,
      queueArn: local.queue.arn,
      handler: async () => {
        throw new Error('handler crashed');
      },
    });
    const outcome = await poller.pollOnce(1);
    expect(outcome?.deleted).toEqual([]);
    expect(outcome?.failed).toHaveLength(1);
    expect(outcome?.error).toBeInstanceOf(Error);
  });
});

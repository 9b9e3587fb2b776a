import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { type LocalSqs, startLocalSqs } from '../../../lib/local/localSqs.ts';
import { changeVisibility } from '../../../lib/queue/visibility.ts';

describe('changeVisibility on the SQS emulator', () => {
  let local: LocalSqs;
  beforeAll(async () => {
    local = await startLocalSqs({ visibilityTimeoutSeconds: 30 });
  });
  afterAll(async () => {
    await local?.stop();
  });

  async function receiveOne(): Promise<string> {
    await local.sqs.send(new SendMessageCommand({ QueueUrl: local.queue.url, MessageBody: '{}' }));
    const { Messages = [] } = await local.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: local.queue.url, MaxNumberOfMessages: 1 }),
    );
    return Messages[0]!.ReceiptHandle!;
  }

  it("clamps a wait beyond SQS's 12 hours, and a negative one, instead of failing the call", async () => {
    const long = await receiveOne();
    const negative = await receiveOne();

    await expect(changeVisibility(local.sqs, local.queue.url, long, 100_000)).resolves.toBeUndefined();
    await expect(changeVisibility(local.sqs, local.queue.url, negative, -5)).resolves.toBeUndefined();

    const { Messages = [] } = await local.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: local.queue.url, MaxNumberOfMessages: 10 }),
    );
    expect(Messages).toHaveLength(1); // the one made visible at once; the other waits 12 hours
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { type LocalSqs, startLocalSqs } from '../../../lib/local/index.ts';
import { scanDlq } from '../../../lib/replay/index.ts';
import { drainQueue } from './dlqFixtures.ts';

let local: LocalSqs;

beforeAll(async () => {
  local = await startLocalSqs({ name: 'scan' });
});
afterAll(async () => {
  await local.stop();
});

async function fill(count: number): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    const ids = Array.from({ length: Math.min(10, count - i) }, (_, n) => i + n);
    await local.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: local.dlq.url,
        Entries: ids.map((id) => ({ Id: String(id), MessageBody: `{"n":${id}}` })),
      }),
    );
  }
}

describe('scanDlq (fauxqs)', () => {
  it('visits every message once, then makes the ones it kept visible again', async () => {
    await fill(25);
    const visited: string[] = [];

    const result = await scanDlq(
      { sqs: local.sqs, queueUrl: local.dlq.url, waitTimeSeconds: 0 },
      async (batch) => {
        visited.push(...batch.map((m) => m.MessageId!));
      },
    );

    expect(new Set(visited).size).toBe(25);
    expect(visited).toHaveLength(25);
    expect(result).toMatchObject({ seen: 25, released: 25 });
    expect(await drainQueue(local.sqs, local.dlq.url)).toHaveLength(25);
  });

  it('does not release what the visitor deleted, and stops when the visitor says so', async () => {
    await fill(25);
    let batches = 0;

    const result = await scanDlq(
      { sqs: local.sqs, queueUrl: local.dlq.url, waitTimeSeconds: 0 },
      async (batch) => {
        batches += 1;
        return { removed: [batch[0]!.MessageId!], stop: batches === 2 };
      },
    );

    expect(batches).toBe(2);
    expect(result.released).toBe(result.seen - 2);
    await drainQueue(local.sqs, local.dlq.url); // clean up
  });

  it('keeps going past messages that reappear after their visibility ran out, visiting none twice', async () => {
    await fill(15);
    const visited: string[] = [];

    await scanDlq(
      {
        sqs: local.sqs,
        queueUrl: local.dlq.url,
        waitTimeSeconds: 0,
        idleReceives: 1,
        visibilityTimeoutSeconds: 1,
      },
      async (batch) => {
        visited.push(...batch.map((m) => m.MessageId!));
        // A slow first batch (e.g. a low --rate): its messages come back before the scan ends.
        if (visited.length === batch.length) await new Promise((r) => setTimeout(r, 1_200));
      },
    );

    expect(visited).toHaveLength(15);
    expect(new Set(visited).size).toBe(15);
    expect(await drainQueue(local.sqs, local.dlq.url)).toHaveLength(15);
  });
});

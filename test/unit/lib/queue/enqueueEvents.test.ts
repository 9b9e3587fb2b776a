import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReceiveMessageCommand, type SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  chunkEntries,
  deduplicationId,
  EnqueueError,
  enqueueEvents,
  type OutgoingEvent,
} from '../../../../lib/queue/enqueueEvents.ts';
import { type LocalSqs, startLocalSqs } from '../../../../lib/local/localSqs.ts';

const outgoing = (id: string, customerId = 1): OutgoingEvent => ({
  id,
  tenantId: 42,
  customerId,
  body: JSON.stringify({ id }),
});

// SQS partial failures (`Failed` entries) cannot be provoked on the emulator: a scripted transport stands in.
function scriptedSqs(failedIdsPerCall: string[][]): { sqs: SQSClient; calls: string[][] } {
  const calls: string[][] = [];
  const send = async (command: SendMessageBatchCommand) => {
    const ids = command.input.Entries!.map((e) => e.Id!);
    calls.push(ids);
    const failing = new Set(failedIdsPerCall[calls.length - 1] ?? []);
    return {
      Successful: ids
        .filter((id) => !failing.has(id))
        .map((Id) => ({ Id, MessageId: Id, MD5OfMessageBody: '' })),
      Failed: [...failing]
        .filter((id) => ids.includes(id))
        .map((Id) => ({ Id, Code: 'InternalError', SenderFault: false })),
    };
  };
  return { sqs: { send } as unknown as SQSClient, calls };
}

describe('enqueueEvents on the SQS emulator', () => {
  let local: LocalSqs;
  beforeAll(async () => {
    local = await startLocalSqs();
  });
  afterAll(async () => {
    await local.stop();
  });

  const receiveAll = async (queueUrl: string) =>
    (
      await local.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['All'],
        }),
      )
    ).Messages ?? [];

  it('puts every event on a standard queue with its body unchanged', async () => {
    await enqueueEvents(local.sqs, local.queue.url, [outgoing('a'), outgoing('b')]);

    const bodies = (await receiveAll(local.queue.url)).map((m) => m.Body).sort();
    expect(bodies).toEqual([JSON.stringify({ id: 'a' }), JSON.stringify({ id: 'b' })]);
  });

  it('on a FIFO queue groups by tenant and customer and deduplicates on the event id', async () => {
    const { queue } = await local.createQueuePair({ name: 'enqueue-fifo', fifo: true });

    await enqueueEvents(local.sqs, queue.url, [outgoing('x', 7)]);
    await enqueueEvents(local.sqs, queue.url, [outgoing('x', 7)]);

    const messages = await receiveAll(queue.url);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.Attributes).toMatchObject({ MessageGroupId: '42-7', MessageDeduplicationId: 'x' });
  });

  it('rejects with EnqueueError naming every event when the queue does not exist', async () => {
    const missing = local.queue.url.replace(/[^/]+$/, 'no-such-queue');

    const error = await enqueueEvents(local.sqs, missing, [outgoing('a'), outgoing('b')]).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(EnqueueError);
    expect((error as EnqueueError).failedIds).toEqual(['a', 'b']);
    expect((error as EnqueueError).transient).toBe(true);
  });
});

describe('enqueueEvents with failed batch entries', () => {
  it('sends the failed entries once more and resolves when they then succeed', async () => {
    const { sqs, calls } = scriptedSqs([['1'], []]);

    await enqueueEvents(sqs, 'http://q/events', [outgoing('a'), outgoing('b')]);

    expect(calls).toEqual([['0', '1'], ['1']]);
  });

  it('rejects with the ids still failing after the retry', async () => {
    const { sqs, calls } = scriptedSqs([['1'], ['1']]);

    const error = await enqueueEvents(sqs, 'http://q/events', [outgoing('a'), outgoing('b')]).catch(
      (e: unknown) => e,
    );

    expect(calls).toHaveLength(2);
    expect((error as EnqueueError).failedIds).toEqual(['b']);
    expect((error as EnqueueError).message).toContain('InternalError');
  });
});

describe('batch shaping', () => {
  it('splits into requests of at most 10 entries and 256 KiB', () => {
    const small = Array.from({ length: 12 }, (_, i) => ({ Id: String(i), MessageBody: 'x' }));
    const big = Array.from({ length: 3 }, (_, i) => ({ Id: String(i), MessageBody: 'x'.repeat(100 * 1024) }));

    expect(chunkEntries(small).map((c) => c.length)).toEqual([10, 2]);
    expect(chunkEntries(big).map((c) => c.length)).toEqual([2, 1]);
  });

  it('uses the event id as the deduplication id when SQS allows it, else a stable hash', () => {
    expect(deduplicationId('4f1c7a52-0d7e')).toBe('4f1c7a52-0d7e');
    expect(deduplicationId('é'.repeat(3))).toMatch(/^[0-9a-f]{64}$/);
    expect(deduplicationId('x'.repeat(128))).toBe('x'.repeat(128));
    expect(deduplicationId('x'.repeat(129))).toMatch(/^[0-9a-f]{64}$/);
    expect(deduplicationId('x'.repeat(200))).toBe(deduplicationId('x'.repeat(200)));
  });
});

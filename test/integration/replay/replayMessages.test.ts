import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  DeleteQueueCommand,
  type SendMessageBatchCommandInput,
  type SendMessageBatchCommandOutput,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalSqs, startLocalSqs } from '../../../lib/local/index.ts';
import { replayMessages, type ReplayOptions } from '../../../lib/replay/index.ts';
import {
  deadLetterByRedrive,
  deadLetterDirectly,
  deadLetterReceived,
  drainQueue,
  eventBody,
  eventIds,
} from './dlqFixtures.ts';
import { failingSends } from './failingSends.ts';

let local: LocalSqs;
let pairs = 0;
const fast = { waitTimeSeconds: 0 } satisfies Partial<ReplayOptions>;

beforeAll(async () => {
  local = await startLocalSqs();
});
afterAll(async () => {
  await local.stop();
});

async function freshPair(fifo = false) {
  pairs += 1;
  return local.createQueuePair({ name: `replay-${pairs}`, fifo, maxReceiveCount: 2 });
}

describe('replayMessages (fauxqs)', () => {
  it('moves messages dead-lettered directly and by redrive back to the queue, then the DLQ is empty', async () => {
    const pair = await freshPair();
    const direct = eventBody(1, { id: 'evt-direct' });
    const redriven = eventBody(2, { id: 'evt-redriven' });
    await deadLetterDirectly(local.sqs, pair, direct, { reason: 'missing-country' });
    await deadLetterByRedrive(local.sqs, pair.queue, redriven);

    const summary = await replayMessages({ sqs: local.sqs, from: pair.dlq.url, to: pair.queue.url, ...fast });

    expect(summary).toMatchObject({ scanned: 2, matched: 2, replayed: 2, failed: 0, stoppedBy: 'drained' });
    const requeued = await drainQueue(local.sqs, pair.queue.url);
    expect(requeued.map((m) => m.Body).sort()).toEqual([direct, redriven].sort());
    expect(await drainQueue(local.sqs, pair.dlq.url)).toEqual([]);
  });

  it('keeps the original message attributes, drops the failure ones and counts replays', async () => {
    const pair = await freshPair();
    await deadLetterDirectly(local.sqs, pair, eventBody(1), {
      attributes: { origin: { DataType: 'String', StringValue: 'webhook' } },
    });

    await replayMessages({ sqs: local.sqs, from: pair.dlq.url, to: pair.queue.url, ...fast });

    const [message] = await drainQueue(local.sqs, pair.queue.url);
    expect(Object.keys(message!.MessageAttributes ?? {}).sort()).toEqual(['origin', 'replay-count']);
    expect(message!.MessageAttributes!['origin']!.StringValue).toBe('webhook');
    expect(message!.MessageAttributes!['replay-count']).toMatchObject({
      DataType: 'Number',
      StringValue: '1',
    });
  });

  it('replays only the messages matching customer, type and reason, and leaves the others visible in the DLQ', async () => {
    const pair = await freshPair();
    await deadLetterDirectly(local.sqs, pair, eventBody(1, { id: 'a' }), { reason: 'vat-conflict' });
    await deadLetterDirectly(local.sqs, pair, eventBody(1, { id: 'b', type: 'crm.customer.created' }), {
      reason: 'vat-conflict',
    });
    await deadLetterDirectly(local.sqs, pair, eventBody(2, { id: 'c' }), { reason: 'vat-conflict' });
    await deadLetterDirectly(local.sqs, pair, eventBody(1, { id: 'd' }), { reason: 'missing-country' });

    const summary = await replayMessages({
      sqs: local.sqs,
      from: pair.dlq.url,
      to: pair.queue.url,
      customer: '1',
      type: 'crm.customer.updated',
      reason: 'vat-conflict',
      ...fast,
    });

    expect(summary).toMatchObject({ scanned: 4, matched: 1, replayed: 1, skippedByFilter: 3 });
    expect(eventIds(await drainQueue(local.sqs, pair.queue.url))).toEqual(['a']);
    expect(eventIds(await drainQueue(local.sqs, pair.dlq.url))).toEqual(['b', 'c', 'd']);
  });

  it('with copy sends the messages and leaves the DLQ intact', async () => {
    const pair = await freshPair();
    await deadLetterDirectly(local.sqs, pair, eventBody(1, { id: 'a' }));
    await deadLetterDirectly(local.sqs, pair, eventBody(2, { id: 'b' }));

    const summary = await replayMessages({
      sqs: local.sqs,
      from: pair.dlq.url,
      to: pair.queue.url,
      copy: true,
      ...fast,
    });

    expect(summary).toMatchObject({ replayed: 2, copy: true });
    expect(eventIds(await drainQueue(local.sqs, pair.queue.url))).toEqual(['a', 'b']);
    expect(eventIds(await drainQueue(local.sqs, pair.dlq.url))).toEqual(['a', 'b']);
  });

  it('with max replays exactly that many and leaves the rest in the DLQ', async () => {
    const pair = await freshPair();
    for (let i = 1; i <= 13; i += 1) await deadLetterDirectly(local.sqs, pair, eventBody(i, { id: `e${i}` }));

    const summary = await replayMessages({
      sqs: local.sqs,
      from: pair.dlq.url,
      to: pair.queue.url,
      max: 4,
      ...fast,
    });

    expect(summary).toMatchObject({ replayed: 4, stoppedBy: 'max' });
    const moved = eventIds(await drainQueue(local.sqs, pair.queue.url));
    const left = eventIds(await drainQueue(local.sqs, pair.dlq.url));
    expect(moved).toHaveLength(4);
    expect(left).toHaveLength(9);
    expect([...moved, ...left].sort()).toEqual(Array.from({ length: 13 }, (_, i) => `e${i + 1}`).sort());
  });

  it('with a rate still replays every message', async () => {
    const pair = await freshPair();
    for (let i = 1; i <= 5; i += 1) await deadLetterDirectly(local.sqs, pair, eventBody(i));

    const summary = await replayMessages({
      sqs: local.sqs,
      from: pair.dlq.url,
      to: pair.queue.url,
      rate: 100,
      ...fast,
    });

    expect(summary.replayed).toBe(5);
    expect(await drainQueue(local.sqs, pair.queue.url)).toHaveLength(5);
  });

  it('in a dry run lists the matching messages and moves nothing', async () => {
    const pair = await freshPair();
    await deadLetterDirectly(local.sqs, pair, eventBody(7, { id: 'a' }), { reason: 'ic-validation' });
    await deadLetterByRedrive(local.sqs, pair.queue, eventBody(8, { id: 'b' }));

    const summary = await replayMessages({
      sqs: local.sqs,
      from: pair.dlq.url,
      to: pair.queue.url,
      dryRun: true,
      ...fast,
    });

    expect(summary).toMatchObject({ dryRun: true, matched: 2, replayed: 0 });
    expect(summary.messages!.map((m) => [m.customerId, m.reason, m.eventType]).sort()).toEqual([
      ['7', 'ic-validation', 'crm.customer.updated'],
      ['8', 'redriven', 'crm.customer.updated'],
    ]);
    expect(await drainQueue(local.sqs, pair.queue.url)).toEqual([]);
    expect(eventIds(await drainQueue(local.sqs, pair.dlq.url))).toEqual(['a', 'b']);
  });

  it('on FIFO queues keeps the message group and sends a new deduplication id each replay', async () => {
    const pair = await freshPair(true);
    await deadLetterDirectly(local.sqs, pair, eventBody(5, { id: 'fifo-1' }), { groupId: '42-5' });

    await replayMessages({ sqs: local.sqs, from: pair.dlq.url, to: pair.queue.url, ...fast });
    const [first] = await drainQueue(local.sqs, pair.queue.url);
    // It fails again: the sync dead-letters the replayed message, and it is replayed a second time.
    await deadLetterReceived(local.sqs, pair, first!);
    await replayMessages({ sqs: local.sqs, from: pair.dlq.url, to: pair.queue.url, ...fast });
    const [second] = await drainQueue(local.sqs, pair.queue.url);

    expect(first!.Attributes!.MessageGroupId).toBe('42-5');
    expect(second!.Attributes!.MessageGroupId).toBe('42-5');
    expect(first!.Attributes!.MessageDeduplicationId).toMatch(/-r1$/);
    expect(second!.Attributes!.MessageDeduplicationId).toMatch(/-r2$/);
    expect(second!.MessageAttributes!['replay-count']!.StringValue).toBe('2');
  });

  it('when a send fails midway, loses nothing and duplicates nothing, and reports the failure', async () => {
    const pair = await freshPair();
    const all = Array.from({ length: 25 }, (_, i) => `e${i + 1}`);
    for (const [i, id] of all.entries()) await deadLetterDirectly(local.sqs, pair, eventBody(i + 1, { id }));
    const sqs = failingSends(local.endpoint, { failRequest: 2 });

    const summary = await replayMessages({ sqs, from: pair.dlq.url, to: pair.queue.url, ...fast });

    expect(summary.replayed).toBe(15);
    expect(summary.failed).toBe(10);
    expect(summary.failures.every((f) => f.stage === 'send')).toBe(true);
    const moved = eventIds(await drainQueue(local.sqs, pair.queue.url));
    const left = eventIds(await drainQueue(local.sqs, pair.dlq.url));
    expect(moved).toHaveLength(15);
    expect(left).toHaveLength(10);
    expect([...moved, ...left].sort()).toEqual([...all].sort());
    sqs.destroy();
  });

  it('stops after repeated failed sends when the event queue is deleted, leaving every message in the DLQ', async () => {
    const pair = await freshPair();
    for (let i = 1; i <= 40; i += 1) await deadLetterDirectly(local.sqs, pair, eventBody(i));
    await local.sqs.send(new DeleteQueueCommand({ QueueUrl: pair.queue.url }));

    const summary = await replayMessages({ sqs: local.sqs, from: pair.dlq.url, to: pair.queue.url, ...fast });

    expect(summary).toMatchObject({ replayed: 0, failed: 30, stoppedBy: 'failures' });
    expect(await drainQueue(local.sqs, pair.dlq.url)).toHaveLength(40);
  });

  it('does not replay again a message it sent that fails again during the same run (no endless loop)', async () => {
    const pair = await freshPair();
    for (let i = 1; i <= 12; i += 1) await deadLetterDirectly(local.sqs, pair, eventBody(i));
    // A consumer that fails every replayed event at once: each successful send is dead-lettered again with
    // the new message id as source-message-id, as customer-sync does.
    const sqs = new SQSClient({
      endpoint: local.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      useQueueUrlAsEndpoint: false,
    });
    sqs.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName !== 'SendMessageBatchCommand') return result;
        const input = args.input as SendMessageBatchCommandInput;
        for (const sent of (result.output as SendMessageBatchCommandOutput).Successful ?? []) {
          const entry = input.Entries!.find((e) => e.Id === sent.Id)!;
          await local.sqs.send(
            new SendMessageCommand({
              QueueUrl: pair.dlq.url,
              MessageBody: entry.MessageBody,
              MessageAttributes: {
                'failure-reason': { DataType: 'String', StringValue: 'vat-conflict' },
                'source-message-id': { DataType: 'String', StringValue: sent.MessageId! },
              },
            }),
          );
        }
        return result;
      },
      { step: 'initialize', name: 'failAgainAtOnce' },
    );

    const summary = await replayMessages({ sqs, from: pair.dlq.url, to: pair.queue.url, ...fast });
    sqs.destroy();

    expect(summary).toMatchObject({ replayed: 12, skippedFailedAgain: 12, stoppedBy: 'drained' });
    expect(await drainQueue(local.sqs, pair.queue.url)).toHaveLength(12);
    expect(await drainQueue(local.sqs, pair.dlq.url)).toHaveLength(12);
  });
});

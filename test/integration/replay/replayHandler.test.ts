import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { lambdaContext, type LocalSqs, startLocalSqs } from '../../../lib/local/index.ts';
import { handleReplayRequest, loadReplayConfig, type ReplaySummary } from '../../../lib/replay/index.ts';
import { deadLetterDirectly, drainQueue, eventBody, eventIds } from './dlqFixtures.ts';

type Handler = (payload: unknown, context: Context) => Promise<ReplaySummary>;

let local: LocalSqs;
let handler: Handler;
const saved = { ...process.env };

// The deployed handler module, configured through its environment as the stack configures it, with the
// SDK's standard endpoint variable pointing it at the emulator.
beforeAll(async () => {
  local = await startLocalSqs({ name: 'replay-lambda' });
  Object.assign(process.env, {
    DLQ_URL: local.dlq.url,
    QUEUE_URL: local.queue.url,
    AWS_ENDPOINT_URL_SQS: local.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ({ handler } = (await import('../../../functions/replay/handler.ts')) as unknown as { handler: Handler });
});
afterAll(async () => {
  process.env = saved;
  await local.stop();
});

const context = () => lambdaContext({ functionName: 'replay', timeoutMs: 300_000 });

describe('replay Lambda', () => {
  it('replays the DLQ with the options of its JSON payload and returns the summary', async () => {
    await deadLetterDirectly(local.sqs, local, eventBody(1, { id: 'a' }), { reason: 'vat-conflict' });
    await deadLetterDirectly(local.sqs, local, eventBody(2, { id: 'b' }), { reason: 'missing-country' });

    const summary = await handler({ reason: 'missing-country' }, context());

    expect(summary).toMatchObject({ replayed: 1, skippedByFilter: 1, failed: 0, stoppedBy: 'drained' });
    expect(eventIds(await drainQueue(local.sqs, local.queue.url))).toEqual(['b']);
    expect(eventIds(await drainQueue(local.sqs, local.dlq.url))).toEqual(['a']);
  });

  it('with dryRun lists the messages and moves nothing', async () => {
    await deadLetterDirectly(local.sqs, local, eventBody(3, { id: 'c' }));

    const summary = await handler({ dryRun: true }, context());

    expect(summary.messages!.map((m) => m.customerId)).toEqual(['3']);
    expect(eventIds(await drainQueue(local.sqs, local.dlq.url))).toEqual(['c']);
  });

  it('stops cleanly when the invocation is about to time out, leaving the messages in the DLQ', async () => {
    await deadLetterDirectly(local.sqs, local, eventBody(4, { id: 'd' }));

    const summary = await handler({}, lambdaContext({ functionName: 'replay', timeoutMs: 10_000 }));

    expect(summary).toMatchObject({ replayed: 0, stoppedBy: 'deadline' });
    expect(eventIds(await drainQueue(local.sqs, local.dlq.url))).toEqual(['d']);
  });

  it('rejects a payload with an unknown option instead of replaying', async () => {
    await expect(handler({ dryrun: true }, context())).rejects.toThrow(/invalid replay request: .*dryrun/);
  });

  it('lists at most maxListed dry-run rows, counting the others', async () => {
    for (const id of ['e', 'f', 'g']) await deadLetterDirectly(local.sqs, local, eventBody(5, { id }));
    const config = loadReplayConfig();

    const summary = await handleReplayRequest({ dryRun: true }, { sqs: local.sqs, config, maxListed: 2 });

    expect(summary).toMatchObject({ matched: 3, messagesOmitted: 1 });
    expect(summary.messages).toHaveLength(2);
    expect(await drainQueue(local.sqs, local.dlq.url)).toHaveLength(3);
  });
});

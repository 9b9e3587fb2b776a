import { afterEach, describe, expect, it } from '@jest/globals';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { replayMessages } from '../../../lib/replay/index.ts';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import { attribute, customerEvent, type Harness, startHarness } from '../customer-sync/harness.ts';

const VAT = 'PT543219876';

// The real customer-sync (processBatch, driven by the Lambda-like poller) on fauxqs and both API simulators:
// events dead-lettered by it are replayed by replayMessages and land in Invisible Collector exactly once.
describe('replayed events through customer-sync', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('applies an event dead-lettered with a reason once the cause is fixed, and a second replay changes nothing', async () => {
    h = await startHarness();
    h.ic.seed([{ name: 'Old', vatNumber: VAT, country: 'PT', externalId: 'cro-42-1' }]);
    h.cro.upsertCustomer(croCustomer({ id: 1, name: 'New' }));
    h.ic.failNext(1, { status: 422, body: { code: 422, message: 'Unprocessable entity' } }, '/customers/:id');
    await h.send([customerEvent(1)]);
    await h.poller().drain();
    const [dead] = await h.dlqMessages();
    expect(attribute(dead!, 'failure-reason')).toBe('ic-validation');
    h.ic.resetFaults();
    await h.local.sqs.send(dlqVisibleAgain(h, dead!.ReceiptHandle!));

    const first = await replayMessages({
      sqs: h.local.sqs,
      from: h.dlq.url,
      to: h.queue.url,
      copy: true,
      waitTimeSeconds: 0,
    });
    await h.poller().drain();
    const writesAfterFirst = h.ic.calls.length;
    const second = await replayMessages({
      sqs: h.local.sqs,
      from: h.dlq.url,
      to: h.queue.url,
      waitTimeSeconds: 0,
    });
    await h.poller().drain();

    expect([first.replayed, second.replayed]).toEqual([1, 1]);
    expect(h.ic.customerByExternalId('cro-42-1')).toMatchObject({ name: 'New' });
    expect(h.metrics.counts.Applied).toBe(1);
    expect(h.metrics.counts['Skipped:duplicate']).toBe(1);
    expect(h.ic.calls).toHaveLength(writesAfterFirst); // the duplicate made no API call
    expect(await h.dlqMessages()).toEqual([]);
  });

  it('applies an event the redrive policy dead-lettered during an outage, once the API is back', async () => {
    h = await startHarness({ maxReceiveCount: 2 });
    h.cro.upsertCustomer(croCustomer({ id: 2 }));
    h.ic.failNext(1_000, { status: 503, body: { code: 503, message: 'down' } });
    await h.send([customerEvent(2, { type: 'crm.customer.created', data: { vatNumber: VAT } })]);
    await h.poller().drain({ untilEmpty: true });
    expect(h.ic.customers()).toEqual([]);
    h.ic.resetFaults();

    const summary = await replayMessages({
      sqs: h.local.sqs,
      from: h.dlq.url,
      to: h.queue.url,
      reason: 'redriven',
      waitTimeSeconds: 0,
    });
    await h.poller().drain();

    expect(summary).toMatchObject({ replayed: 1, failed: 0 });
    expect(h.ic.customers()).toHaveLength(1);
    expect(h.ic.customerByExternalId('cro-42-2')).toMatchObject({ vatNumber: VAT });
    expect(h.ic.callsFor('/customers').filter((c) => c.method === 'POST' && c.status < 300)).toHaveLength(1);
    expect(await h.dlqMessages()).toEqual([]);
  });
});

// dlqMessages() received the message with a 60 s visibility: make it visible again for the replay.
function dlqVisibleAgain(h: Harness, receiptHandle: string) {
  return new ChangeMessageVisibilityCommand({
    QueueUrl: h.dlq.url,
    ReceiptHandle: receiptHandle,
    VisibilityTimeout: 0,
  });
}

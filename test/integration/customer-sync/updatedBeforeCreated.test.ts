// Issue 12 item 3: on a standard queue a customer's `updated` event (without VAT number) can overtake its
// `created` event. The update waits for it for its first 3 receives (then `missing-vat`), and the `created`
// event that arrives meanwhile does not register the customer with its older snapshot. Against the
// simulators, fauxqs and the DynamoDB state table (dynalite).
import { describe, expect, it } from '@jest/globals';
import { toSqsEvent } from '../../../lib/local/sqsEvent.ts';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import { attribute, contextWith, customerEvent, dynamoHarnesses } from './harness.ts';

describe('customer-sync: an update that overtakes its created event', () => {
  const dynamo = dynamoHarnesses();
  /** An event time for a CRO timestamp (zone-less UTC with microseconds). */
  const eventTime = (lastUpdatedOn: string | null | undefined) => `${lastUpdatedOn!.slice(0, 23)}Z`;

  it('waits for the created event, which then registers the newest state rather than its older snapshot', async () => {
    // The update comes back 2–3 s after its first receive: after the created event was synced on its own.
    const h = await dynamo.start({ options: { retryBackoff: { baseSeconds: 3, capSeconds: 3 } } });
    const created = h.cro.upsertCustomer(croCustomer({ id: 31, name: 'Acme' }));
    const latest = h.cro.touch(31, { name: 'Acme Lda' });
    const update = customerEvent(31, { time: eventTime(latest.last_updated_on) });
    const creation = customerEvent(31, {
      type: 'crm.customer.created',
      time: eventTime(created.last_updated_on),
      data: { vatNumber: 'PT500000031', customer: { ...created } },
    });
    const [updateId] = await h.send([update]);

    const first = await h.poller().pollOnce(1);
    await h.send([creation]);
    await h.poller().drain({ untilEmpty: true });

    expect(first!.failed).toEqual([updateId]); // transient: awaiting-created, not dead-lettered
    expect(h.ic.customers()).toEqual([
      expect.objectContaining({ externalId: 'cro-42-31', name: 'Acme Lda', vatNumber: 'PT500000031' }),
    ]);
    expect(h.ic.attributes('cro-42-31')).toMatchObject({ cro_last_updated_on: latest.last_updated_on });
    // One read per sync: the created event's snapshot is older than the update already seen, so CRO is read
    // instead of trusting it.
    expect(h.cro.calls).toHaveLength(3);
    const registrations = h.ic.calls.filter((c) => c.method === 'POST' && c.route === '/customers');
    expect(registrations.map((c) => (c.body as { name: string }).name)).toEqual(['Acme Lda']);
    expect(await h.dlqMessages()).toEqual([]);
  });

  it('dead-letters the update as missing-vat on its 4th receive when no created event comes', async () => {
    const h = await dynamo.start();
    h.cro.upsertCustomer(croCustomer({ id: 32 }));
    const [messageId] = await h.send([customerEvent(32)]);

    const outcomes = await h.poller().drain({ untilEmpty: true });

    expect(outcomes.map((o) => o.event.Records[0]!.attributes.ApproximateReceiveCount)).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
    expect(outcomes.map((o) => o.failed)).toEqual([[messageId], [messageId], [messageId], []]);
    const [dead, ...more] = await h.dlqMessages();
    expect(more).toEqual([]);
    expect(attribute(dead!, 'failure-reason')).toBe('missing-vat');
    expect(attribute(dead!, 'source-message-id')).toBe(messageId);
    expect(h.ic.customers()).toEqual([]);
  });

  it('dead-letters it at once on a FIFO queue, where a created event cannot come after its update', async () => {
    const h = await dynamo.start({ fifo: true });
    h.cro.upsertCustomer(croCustomer({ id: 33 }));
    const records = toSqsEvent(
      [
        {
          MessageId: 'm-1',
          ReceiptHandle: 'rh-1',
          Body: JSON.stringify(customerEvent(33)),
          Attributes: { ApproximateReceiveCount: '1', MessageGroupId: 'customer-33' },
        },
      ],
      { queueArn: h.queue.arn },
    ).Records;

    const response = await h.run({ Records: records }, contextWith(30_000));

    expect(response.batchItemFailures).toEqual([]);
    expect((await h.dlqMessages()).map((m) => attribute(m, 'failure-reason'))).toEqual(['missing-vat']);
  });
});

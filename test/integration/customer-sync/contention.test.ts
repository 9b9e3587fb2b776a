// Issue 12 item 4: contention is not failure. One hot customer receives a stream of events in several
// containers at once while Invisible Collector is slow: the records that find the customer busy wait (they
// are sent again as new messages) without using up the queue's receives, so none is redriven to the DLQ —
// here with a redrive policy of only 2 receives. Against the simulators, fauxqs and the DynamoDB state
// table (dynalite), four pollers standing for four Lambda containers.
import { describe, expect, it } from '@jest/globals';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import { toSqsEvent } from '../../../lib/local/sqsEvent.ts';
import { contextWith, customerEvent, dynamoHarnesses } from './harness.ts';

describe('customer-sync: a hot customer across containers', () => {
  const dynamo = dynamoHarnesses();

  it('never redrives a record because its customer was busy, and ends at the latest state', async () => {
    const h = await dynamo.start({ maxReceiveCount: 2 });
    h.ic.seed([{ name: 'v0', vatNumber: 'PT500000041', country: 'PT', externalId: 'cro-42-41' }]);
    h.cro.upsertCustomer(croCustomer({ id: 41, name: 'v0' }));
    h.ic.setLatency(150);
    const events = [];
    for (let v = 1; v <= 24; v += 1) {
      const model = h.cro.touch(41, { name: `v${v}` });
      // Half the events carry their snapshot, half make the sync read CRO.
      events.push(customerEvent(41, v % 2 === 0 ? { data: { customer: { ...model } } } : {}));
    }
    await h.send(events);

    const containers = Array.from({ length: 4 }, () => h.poller({ batchSize: 3 }));
    const outcomes = (await Promise.all(containers.map((c) => c.drain({ untilEmpty: true })))).flat();

    const latest = h.cro.getCustomer(41)!;
    expect(h.ic.customerByExternalId('cro-42-41')).toMatchObject({ name: latest.name });
    expect(h.ic.attributes('cro-42-41')).toMatchObject({ cro_last_updated_on: latest.last_updated_on });
    expect(h.metrics.counts['Deferred:customer-busy']).toBeGreaterThan(0);
    expect(outcomes.flatMap((o) => o.failed)).toEqual([]);
    expect(await h.dlqMessages()).toEqual([]);
  });

  it('leaves a waiting record on the queue as a batch item failure when it cannot be sent again', async () => {
    const h = await dynamo.start();
    await dynamo.store().acquire({ tenantId: 42, customerId: 42 }, 'another-container', 60_000, []);
    const records = toSqsEvent(
      [{ MessageId: 'm-1', ReceiptHandle: 'rh-1', Body: JSON.stringify(customerEvent(42)) }],
      { queueArn: 'arn:aws:sqs:us-east-1:000000000000:no-such-queue' },
    ).Records;

    const response = await h.run({ Records: records }, contextWith(30_000));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(h.metrics.counts).toMatchObject({ Retried: 1 });
    expect(h.metrics.counts).not.toHaveProperty('Deferred:customer-busy');
    // The event has no snapshot: its CRO read started alongside the acquire and was dropped unread.
    expect(h.cro.calls.map((c) => c.method)).toEqual(['GET']);
    expect(h.ic.calls).toEqual([]);
  });

  it('does not read CRO ahead of the lease for a record that waited before (its customer is likely busy again)', async () => {
    const h = await dynamo.start();
    await dynamo.store().acquire({ tenantId: 42, customerId: 43 }, 'another-container', 60_000, []);
    const records = toSqsEvent(
      [{ MessageId: 'm-2', ReceiptHandle: 'rh-2', Body: JSON.stringify(customerEvent(43)) }],
      { queueArn: 'arn:aws:sqs:us-east-1:000000000000:no-such-queue' },
    ).Records;
    records[0]!.messageAttributes['requeue-count'] = {
      dataType: 'Number',
      stringValue: '1',
      stringListValues: [],
      binaryListValues: [],
    };

    const response = await h.run({ Records: records }, contextWith(30_000));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-2' }]);
    expect(h.cro.calls).toEqual([]);
    expect(h.ic.calls).toEqual([]);
  });
});

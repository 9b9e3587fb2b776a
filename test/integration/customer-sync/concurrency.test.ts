import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { CroCustomer } from '../../../lib/crm/schemas.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../lib/local/localDynamo.ts';
import { toSqsEvent } from '../../../lib/local/sqsEvent.ts';
import { DynamoSyncStateStore } from '../../../lib/sync/state/DynamoSyncStateStore.ts';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import { attribute, contextWith, customerEvent, type Harness, startHarness } from './harness.ts';

const vat = (id: number) => `PT5000000${String(id).padStart(2, '0')}`;

describe('customer-sync: concurrency and ordering', () => {
  let dynamo: LocalDynamo;
  let h: Harness | undefined;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => {
    await dynamo?.stop();
  });
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('leaves Invisible Collector with the latest CRO state when two pollers race on the same customers', async () => {
    h = await startHarness({
      store: new DynamoSyncStateStore({ client: dynamo.client, tableName: dynamo.tableName }),
    });
    h.ic.setLatency(5);
    const customers = [1, 2, 3];
    const versions = new Map<number, CroCustomer[]>();
    for (const id of customers) {
      h.ic.seed([{ name: 'v0', vatNumber: vat(id), country: 'PT', externalId: `cro-42-${id}` }]);
      h.cro.upsertCustomer(croCustomer({ id, name: `c${id} v1` }));
      versions.set(
        id,
        [1, 2, 3, 4].map((v) => h!.cro.touch(id, { name: `c${id} v${v}` })),
      );
    }
    // Snapshots in scrambled order, plus events without a snapshot (forcing CRO reads), interleaved.
    const events = [2, 0, 3, 1].flatMap((v) =>
      customers.flatMap((id) => [
        customerEvent(id, { data: { customer: { ...versions.get(id)![v]! } } }),
        ...(v === 0 ? [customerEvent(id)] : []),
      ]),
    );
    await h.send(events);

    const [a, b] = [h.poller({ batchSize: 4 }), h.poller({ batchSize: 4 })];
    await Promise.all([a.drain({ idleRounds: 6 }), b.drain({ idleRounds: 6 })]);

    for (const id of customers) {
      const latest = h.cro.getCustomer(id)!;
      expect(h.ic.customerByExternalId(`cro-42-${id}`)).toMatchObject({ name: latest.name });
      expect(h.ic.attributes(`cro-42-${id}`)).toMatchObject({ cro_last_updated_on: latest.last_updated_on });
    }
    expect(await h.dlqMessages()).toEqual([]);
  });

  it('on a FIFO queue, fails every later record of a message group once one fails, without calling for them', async () => {
    h = await startHarness({ fifo: true, options: { concurrency: 1 } });
    for (const id of [1, 2, 3]) {
      h.ic.seed([{ name: 'v0', vatNumber: vat(id), country: 'PT', externalId: `cro-42-${id}` }]);
      h.cro.upsertCustomer(croCustomer({ id, name: `c${id}` }));
    }
    h.cro.failNext(3, { status: 503, body: { detail: 'down' } }); // all attempts of the first read
    const records = toSqsEvent(
      [
        { id: 1, group: 'tenant' },
        { id: 2, group: 'tenant' },
        { id: 3, group: 'other' },
      ].map(({ id, group }, n) => ({
        MessageId: `m-${n}`,
        ReceiptHandle: `rh-${n}`,
        Body: JSON.stringify(customerEvent(id)),
        Attributes: { ApproximateReceiveCount: '1', MessageGroupId: group },
      })),
      { queueArn: h.queue.arn },
    ).Records;

    const response = await h.run({ Records: records }, contextWith(30_000));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }, { itemIdentifier: 'm-1' }]);
    expect(h.cro.calls.map((c) => `${c.path} ${c.status}`)).toEqual([
      '/customers/1 503',
      '/customers/1 503',
      '/customers/1 503',
      '/customers/3 200',
    ]);
    expect(h.ic.customerByExternalId('cro-42-2')).toMatchObject({ name: 'v0' });
    expect(h.ic.customerByExternalId('cro-42-3')).toMatchObject({ name: 'c3' });
  });

  it('dead-letters into a FIFO DLQ keeping the message group', async () => {
    h = await startHarness({ fifo: true });
    const [messageId] = await h.send(['{"not":"an event"}'], () => 'customer-42-9');

    await h.poller().drain();

    const [dead] = await h.dlqMessages();
    expect(dead!.Attributes?.MessageGroupId).toBe('customer-42-9');
    expect(attribute(dead!, 'source-message-id')).toBe(messageId);
    expect(attribute(dead!, 'failure-reason')).toBe('invalid-event');
  });
});

// The soak's own bookkeeping and checks can fail: a message that vanished is "lost", an old IC state is
// "stale", a second registration is counted, and the "invalid" bodies really are rejected by the one schema.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SQSRecord } from 'aws-lambda';
import { invalidBodies } from '../../../bench/soak/plan.ts';
import { checkFinalState } from '../../../bench/soak/finalState.ts';
import { Ledger } from '../../../bench/soak/Ledger.ts';
import { TENANT_ID } from '../../../bench/services/startServices.ts';
import { segmentOf, vatNumberOf } from '../../../bench/support/customerEvent.ts';
import { InvalidEventError } from '../../../lib/events/errors.ts';
import { parseEventBody } from '../../../lib/events/parseEventBody.ts';
import { mapCustomer } from '../../../lib/mapping/mapCustomer.ts';
import type { DlqMessage } from '../../../lib/replay/types.ts';
import { croCustomer } from '../../../lib/local/simulators/croCustomer.ts';
import {
  type CroSimulator,
  type IcSimulator,
  startCroSimulator,
  startIcSimulator,
} from '../../../lib/local/simulators/index.ts';

const record = (messageId: string, body: string, receiveCount = 1): SQSRecord =>
  ({
    messageId,
    body,
    attributes: { ApproximateReceiveCount: String(receiveCount) },
  }) as unknown as SQSRecord;

const dlqRow = (row: Partial<DlqMessage> & { messageId: string; reason: string }): DlqMessage => ({
  ageMs: 0,
  receiveCount: 1,
  replayCount: 0,
  ...row,
});

describe('the soak ledger', () => {
  it('says where each message ended up: handled, dead-lettered, redriven or lost', () => {
    const ledger = new Ledger();
    for (const id of ['m-handled', 'm-dlq', 'm-redriven', 'm-lost']) {
      ledger.recordSent({ messageId: id, kind: 'change', eventId: `e-${id}` });
    }
    ledger.onBatch({
      event: { Records: [record('m-handled', '{"id":"e-m-handled"}'), record('m-dlq', '{"id":"e-m-dlq"}')] },
      deleted: ['m-handled', 'm-dlq'],
      failed: [],
    });
    const dlq = [
      dlqRow({ messageId: 'x1', reason: 'crm-not-found', sourceMessageId: 'm-dlq' }),
      dlqRow({ messageId: 'm-redriven', reason: 'redriven' }),
    ];

    const dispositions = ledger.dispositions(dlq);

    expect(Object.fromEntries(dispositions)).toEqual({
      'm-handled': 'handled',
      'm-dlq': 'dead-lettered',
      'm-redriven': 'redriven',
      'm-lost': 'lost',
    });
  });

  it('does not count a message the function dead-lettered as an applied event', () => {
    const ledger = new Ledger();
    ledger.onBatch({
      event: { Records: [record('m1', '{"id":"e1"}'), record('m2', '{"id":"e2"}')] },
      deleted: ['m1', 'm2'],
      failed: [],
    });

    ledger.noteDlq([dlqRow({ messageId: 'x', reason: 'vat-conflict', sourceMessageId: 'm2' })]);

    expect([...ledger.handledEventIds()]).toEqual(['e1']);
  });

  it('records every receive count of a message and the retried records', () => {
    const ledger = new Ledger();
    ledger.onBatch({ event: { Records: [record('m1', 'not json', 1)] }, deleted: [], failed: ['m1'] });
    ledger.onBatch({ event: { Records: [record('m1', 'not json', 2)] }, deleted: ['m1'], failed: [] });

    expect(ledger.receives.get('m1')).toEqual([1, 2]);
    expect(ledger.retriedRecords).toBe(1);
    expect(ledger.batches).toBe(2);
  });
});

describe('the soak final-state check', () => {
  let ic: IcSimulator;
  let cro: CroSimulator;
  beforeAll(async () => {
    [ic, cro] = await Promise.all([startIcSimulator(), startCroSimulator({ tenantId: TENANT_ID })]);
  });
  afterAll(async () => {
    await Promise.all([ic.stop(), cro.stop()]);
  });

  const mappedNow = (customerId: number) =>
    mapCustomer({
      tenantId: TENANT_ID,
      customerId,
      customer: cro.getCustomer(customerId)!,
      vatNumber: vatNumberOf(customerId),
      locale: 'pt-PT',
      attributes: { segment: segmentOf(customerId) },
    });

  it('tells up-to-date, stale, missing and doubly registered customers apart', () => {
    for (const id of [1, 2, 3, 4]) cro.upsertCustomer(croCustomer({ id, name: `Customer ${id}` }));
    const [current, before, doubled] = [1, 2, 4].map(mappedNow);
    ic.seed([
      { ...current!.document, attributes: current!.attributes },
      { ...before!.document, attributes: before!.attributes },
      { ...doubled!.document, attributes: doubled!.attributes },
      { ...doubled!.document, vatNumber: 'PT599999999', attributes: doubled!.attributes },
    ]);
    cro.touch(2, { name: 'Customer 2, renamed' }); // IC still has the old name: stale

    const check = checkFinalState(ic, cro, [1, 2, 3, 4]);

    expect(check).toMatchObject({
      customers: 4,
      upToDate: 2,
      stale: 1,
      missing: 1,
      duplicateRegistrations: 1,
    });
    expect(check.examples.sort()).toEqual([2, 3]);
  });
});

describe('the soak invalid events', () => {
  it('are rejected by the event schema, or name another tenant', () => {
    const bodies = invalidBodies(4);

    for (const body of bodies.filter((b) => b.reason === 'invalid-event')) {
      expect(() => parseEventBody(body.body)).toThrow(InvalidEventError);
    }
    const wrongTenant = bodies.find((b) => b.reason === 'wrong-tenant')!;
    expect(parseEventBody(wrongTenant.body).data.tenantId).not.toBe(TENANT_ID);
  });
});

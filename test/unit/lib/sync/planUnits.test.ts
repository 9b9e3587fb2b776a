import { describe, expect, it } from '@jest/globals';
import { parseRecord } from '../../../../lib/sync/parseRecord.ts';
import { planUnits } from '../../../../lib/sync/planUnits.ts';
import { TENANT, customerEvent, entry, sqsRecord } from './records.ts';

describe('parseRecord', () => {
  it('returns the event and the customer key of a valid record', () => {
    const event = customerEvent(7);
    const parsed = parseRecord(sqsRecord(event), 3, TENANT);
    expect(parsed).toMatchObject({
      index: 3,
      event: { id: event.id },
      key: { tenantId: TENANT, customerId: 7 },
    });
  });

  it('rejects an event of another tenant as a permanent wrong-tenant failure', () => {
    const parsed = parseRecord(sqsRecord(customerEvent(7, { data: { tenantId: 43 } })), 0, TENANT);
    expect('error' in parsed && parsed.error).toMatchObject({ reason: 'wrong-tenant', transient: false });
  });

  it('rejects a body that is not a customer event as invalid-event', () => {
    const parsed = parseRecord(sqsRecord('not json'), 0, TENANT);
    expect('error' in parsed && parsed.error).toMatchObject({ reason: 'invalid-event', transient: false });
  });
});

describe('planUnits', () => {
  it('groups the records of one customer into one step, keeping batch order, on a standard queue', () => {
    const a1 = entry(customerEvent(1), 0);
    const b1 = entry(customerEvent(2), 1);
    const a2 = entry(customerEvent(1), 2);
    const units = planUnits([a1, b1, a2]);
    expect(units).toEqual([
      { steps: [{ kind: 'customer', entries: [a1, a2] }] },
      { steps: [{ kind: 'customer', entries: [b1] }] },
    ]);
  });

  it('makes each rejected record its own unit on a standard queue', () => {
    const bad = parseRecord(sqsRecord('{}'), 0, TENANT);
    const good = entry(customerEvent(1), 1);
    const units = planUnits([bad, good]);
    expect(units.map((u) => u.steps.map((s) => s.kind))).toEqual([['rejected'], ['customer']]);
  });

  it('keeps a FIFO message group in order, merging only consecutive records of one customer', () => {
    const g = { MessageGroupId: 'tenant-42' };
    const a1 = entry(customerEvent(1), 0, g);
    const a2 = entry(customerEvent(1), 1, g);
    const b1 = entry(customerEvent(2), 2, g);
    const a3 = entry(customerEvent(1), 3, g);
    const other = entry(customerEvent(3), 4, { MessageGroupId: 'other' });
    const units = planUnits([a1, a2, b1, a3, other]);
    expect(units).toEqual([
      {
        messageGroupId: 'tenant-42',
        steps: [
          { kind: 'customer', entries: [a1, a2] },
          { kind: 'customer', entries: [b1] },
          { kind: 'customer', entries: [a3] },
        ],
      },
      { messageGroupId: 'other', steps: [{ kind: 'customer', entries: [other] }] },
    ]);
  });
});

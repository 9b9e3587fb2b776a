import { describe, expect, it } from '@jest/globals';
import { coalesceGroup } from '../../../../lib/sync/coalesceGroup.ts';
import { croCustomer } from '../../../../lib/local/simulators/croCustomer.ts';
import { customerEvent, entry, snapshot } from './records.ts';

const at = (lastUpdatedOn: string) => snapshot(croCustomer({ id: 1, last_updated_on: lastUpdatedOn }));

describe('coalesceGroup', () => {
  it('skips events already applied and repeats within the batch as duplicates', () => {
    const applied = entry(customerEvent(1, { id: 'seen' }), 0);
    const fresh = entry(customerEvent(1, { id: 'new' }), 1);
    const repeat = entry(customerEvent(1, { id: 'new' }), 2);
    const group = coalesceGroup([applied, fresh, repeat], { eventIds: ['seen'] });
    expect(group.duplicates).toEqual([applied, repeat]);
    expect(group.fresh).toEqual([fresh]);
  });

  it('uses the newest snapshot without a CRO read when every event carries one not older than the watermark', () => {
    const older = entry(customerEvent(1, { data: { customer: at('2026-01-01T00:00:00.000000') } }), 0);
    const newer = entry(customerEvent(1, { data: { customer: at('2026-01-02T00:00:00.000000') } }), 1);
    const group = coalesceGroup([newer, older], { eventIds: [], watermark: '2026-01-01T12:00:00.000000Z' });
    expect(group.source).toEqual({
      kind: 'snapshot',
      customer: expect.objectContaining({ last_updated_on: '2026-01-02T00:00:00.000000' }),
    });
  });

  it('reads CRO when one event has no snapshot, since its change may be newer than any snapshot', () => {
    const withSnapshot = entry(customerEvent(1, { data: { customer: at('2026-01-02T00:00:00.000000') } }), 0);
    const without = entry(customerEvent(1), 1);
    expect(coalesceGroup([withSnapshot, without], { eventIds: [] }).source).toEqual({ kind: 'read' });
  });

  it('reads CRO when a snapshot has no last_updated_on or belongs to another customer', () => {
    const undated = entry(
      customerEvent(1, { data: { customer: snapshot(croCustomer({ id: 1, last_updated_on: null })) } }),
    );
    const foreign = entry(customerEvent(1, { data: { customer: snapshot(croCustomer({ id: 2 })) } }));
    expect(coalesceGroup([undated], { eventIds: [] }).source).toEqual({ kind: 'read' });
    expect(coalesceGroup([foreign], { eventIds: [] }).source).toEqual({ kind: 'read' });
  });

  it('declares snapshots older than the watermark stale', () => {
    const old = entry(customerEvent(1, { data: { customer: at('2026-01-01T00:00:00.000000') } }));
    const group = coalesceGroup([old], { eventIds: [], watermark: '2026-01-05T00:00:00.000000Z' });
    expect(group.source).toEqual({ kind: 'stale' });
  });

  it('merges the extras in event-time order, later events winning', () => {
    const first = entry(
      customerEvent(1, {
        time: '2026-01-01T00:00:00Z',
        data: { vatNumber: 'PT1', locale: 'en', attributes: { a: '1', b: '1' } },
      }),
      1,
    );
    const second = entry(
      customerEvent(1, { time: '2026-01-02T00:00:00Z', data: { vatNumber: 'PT2', attributes: { b: '2' } } }),
      0,
    );
    const group = coalesceGroup([second, first], { eventIds: [] });
    expect(group.extras).toEqual({ vatNumber: 'PT2', locale: 'en', attributes: { a: '1', b: '2' } });
    expect(group.fresh.at(-1)).toBe(second);
  });

  it('flags a group with a created event so an unknown customer is registered first', () => {
    const group = coalesceGroup([entry(customerEvent(1, { type: 'crm.customer.created' }))], {
      eventIds: [],
    });
    expect(group.created).toBe(true);
  });
});

import { describe, expect, it } from '@jest/globals';
import { coalesceGroup } from '../../../../lib/sync/coalesceGroup.ts';
import { attributeKey, emptyState, eventKey } from '../../../../lib/sync/state/keys.ts';
import type { SyncState } from '../../../../lib/sync/state/types.ts';
import { croCustomer } from '../../../../lib/local/simulators/croCustomer.ts';
import { customerEvent, entry, snapshot } from './records.ts';

const at = (lastUpdatedOn: string) => snapshot(croCustomer({ id: 1, last_updated_on: lastUpdatedOn }));
const state = (overrides: Partial<SyncState> = {}): SyncState => ({ ...emptyState(), ...overrides });
const plain = { repair: false, mustRead: false };
const ms = (iso: string) => Date.parse(iso);

describe('coalesceGroup', () => {
  it('skips events already applied and repeats within the batch as duplicates', () => {
    const applied = entry(customerEvent(1, { id: 'seen' }), 0);
    const fresh = entry(customerEvent(1, { id: 'new' }), 1);
    const repeat = entry(customerEvent(1, { id: 'new' }), 2);
    const group = coalesceGroup([applied, fresh, repeat], state({ eventKeys: [eventKey('seen')] }), plain);
    expect(group.duplicates).toEqual([applied, repeat]);
    expect(group.fresh).toEqual([fresh]);
  });

  it('uses the newest snapshot without a CRO read when every event carries one not older than the watermark', () => {
    const older = entry(customerEvent(1, { data: { customer: at('2026-01-01T00:00:00.000000') } }), 0);
    const newer = entry(customerEvent(1, { data: { customer: at('2026-01-02T00:00:00.000000') } }), 1);
    const group = coalesceGroup([newer, older], state({ watermark: '2026-01-01T12:00:00.000000Z' }), plain);
    expect(group.source).toEqual({
      kind: 'snapshot',
      customer: expect.objectContaining({ last_updated_on: '2026-01-02T00:00:00.000000' }),
    });
  });

  it('reads CRO when one event has no snapshot, since its change may be newer than any snapshot', () => {
    const withSnapshot = entry(customerEvent(1, { data: { customer: at('2026-01-02T00:00:00.000000') } }), 0);
    const without = entry(customerEvent(1), 1);
    expect(coalesceGroup([withSnapshot, without], state(), plain).source).toEqual({ kind: 'read' });
  });

  it('reads CRO when a snapshot has no last_updated_on or belongs to another customer', () => {
    const undated = entry(
      customerEvent(1, { data: { customer: snapshot(croCustomer({ id: 1, last_updated_on: null })) } }),
    );
    const foreign = entry(customerEvent(1, { data: { customer: snapshot(croCustomer({ id: 2 })) } }));
    expect(coalesceGroup([undated], state(), plain).source).toEqual({ kind: 'read' });
    expect(coalesceGroup([foreign], state(), plain).source).toEqual({ kind: 'read' });
  });

  it('declares snapshots older than the watermark stale when they carry nothing newer', () => {
    const old = entry(customerEvent(1, { data: { customer: at('2026-01-01T00:00:00.000000') } }));
    const group = coalesceGroup([old], state({ watermark: '2026-01-05T00:00:00.000000Z' }), plain);
    expect(group.source).toEqual({ kind: 'stale' });
  });

  it('reads CRO instead when such an old snapshot comes with a value newer than the field’s last one', () => {
    const old = entry(
      customerEvent(1, {
        time: '2026-01-06T00:00:00Z',
        data: { customer: at('2026-01-01T00:00:00.000000'), attributes: { segment: 'smb' } },
      }),
    );
    const group = coalesceGroup([old], state({ watermark: '2026-01-05T00:00:00.000000Z' }), plain);
    expect(group.source).toEqual({ kind: 'read' });
    expect(group.extras.attributes).toEqual({ segment: 'smb' });
  });

  it('does not trust a snapshot older than a change already seen, nor any after a takeover', () => {
    const created = entry(customerEvent(1, { data: { customer: at('2026-01-01T00:00:00.000000') } }));
    expect(coalesceGroup([created], state({ seenMs: ms('2026-01-02T00:00:00Z') }), plain).source).toEqual({
      kind: 'read',
    });
    expect(coalesceGroup([created], state(), { repair: true, mustRead: true }).source).toEqual({
      kind: 'read',
    });
  });

  it('in a repair, trusts a snapshot as new as what was seen, and reads CRO rather than skip an old one', () => {
    const seen = state({ seenMs: ms('2026-01-02T00:00:00Z'), watermark: '2026-01-01T00:00:00.000000Z' });
    const current = entry(customerEvent(1, { data: { customer: at('2026-01-02T00:00:00.000000') } }));
    const old = entry(customerEvent(1, { data: { customer: at('2025-12-01T00:00:00.000000') } }));
    const repair = { repair: true, mustRead: false };

    expect(coalesceGroup([current], seen, repair).source).toMatchObject({ kind: 'snapshot' });
    expect(coalesceGroup([old], seen, repair).source).toEqual({ kind: 'read' });
    expect(coalesceGroup([old], seen, plain).source).toEqual({ kind: 'stale' });
  });

  it('takes the extras in event-time order, later events winning', () => {
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
    const group = coalesceGroup([second, first], state(), plain);
    expect(group.extras).toEqual({ vatNumber: 'PT2', locale: 'en', attributes: { a: '1', b: '2' } });
    expect(group.fieldTimes).toEqual({
      vatNumber: ms('2026-01-02T00:00:00Z'),
      locale: ms('2026-01-01T00:00:00Z'),
      attributes: {
        [attributeKey('a')]: ms('2026-01-01T00:00:00Z'),
        [attributeKey('b')]: ms('2026-01-02T00:00:00Z'),
      },
    });
    expect(group.fresh.at(-1)).toBe(second);
  });

  it('never takes a value from an event older than the one that set the field, per field and attribute key', () => {
    const taken = state({
      locale: 'es',
      fieldTimes: {
        vatNumber: ms('2026-01-05T00:00:00Z'),
        locale: ms('2026-01-05T00:00:00Z'),
        attributes: { [attributeKey('segment')]: ms('2026-01-05T00:00:00Z') },
      },
    });
    const older = entry(
      customerEvent(1, {
        time: '2026-01-04T00:00:00Z',
        data: { vatNumber: 'PT9', locale: 'en', attributes: { segment: 'smb', region: 'north' } },
      }),
    );

    const group = coalesceGroup([older], taken, plain);

    expect(group.extras).toEqual({ locale: 'es', attributes: { region: 'north' } });
    expect(group.carriesNewer).toBe(true);
  });

  it('keeps the locale taken before when newer events carry none or an unsupported one', () => {
    const none = entry(customerEvent(1, { time: '2026-01-06T00:00:00Z' }));
    const unsupported = entry(customerEvent(1, { time: '2026-01-07T00:00:00Z', data: { locale: 'it' } }));
    const group = coalesceGroup([none, unsupported], state({ locale: 'es' }), plain);
    expect(group.extras.locale).toBe('es');
  });

  it('lets an event without time set only what no timed event has set', () => {
    const untimed = entry(
      customerEvent(1, { time: undefined, data: { locale: 'en', attributes: { a: '1' } } }),
    );
    const taken = state({ fieldTimes: { locale: 5, attributes: {} } });
    expect(coalesceGroup([untimed], taken, plain).extras).toEqual({ attributes: { a: '1' } });
  });

  it('flags a group with a created event so an unknown customer is registered first', () => {
    const group = coalesceGroup([entry(customerEvent(1, { type: 'crm.customer.created' }))], state(), plain);
    expect(group.created).toBe(true);
  });
});

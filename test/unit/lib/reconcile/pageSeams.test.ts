import { describe, expect, it } from '@jest/globals';
import { fc, test } from '@fast-check/jest';
import {
  checkSeam,
  croTimestamp,
  inUpdateOrder,
  newestOf,
  shiftTimestamp,
  versionKey,
} from '../../../../lib/reconcile/pageSeams.ts';

const at = (id: number, second: number) => ({
  id,
  created_on: null,
  last_updated_on: `2026-01-01T00:00:${String(second).padStart(2, '0')}.000000`,
});

describe('versionKey', () => {
  it('names the id and the canonical last_updated_on, whatever form CRO used', () => {
    expect(versionKey({ id: 7, last_updated_on: '2020-04-22T17:23:17.363000' })).toBe(
      '7@2020-04-22T17:23:17.363000Z',
    );
    expect(versionKey({ id: 7, last_updated_on: '2020-04-22T18:23:17.363+01:00' })).toBe(
      '7@2020-04-22T17:23:17.363000Z',
    );
  });
});

describe('checkSeam', () => {
  const firstRead = [1, 2, 3, 4].map((id) => versionKey(at(id, id)));

  it('finds the records that slid into the page after it was read', () => {
    const seam = checkSeam(firstRead, [at(2, 2), at(3, 3), at(4, 4), at(5, 5)]);

    expect(seam).toEqual({ disturbed: false, newcomers: [at(5, 5)] });
  });

  it('counts a changed version as a newcomer', () => {
    expect(checkSeam(firstRead, [at(1, 1), at(2, 9)]).newcomers).toEqual([at(2, 9)]);
  });

  it('reports a page that shares no record version with its first read as disturbed', () => {
    expect(checkSeam(firstRead, [at(5, 5), at(6, 6)]).disturbed).toBe(true);
    expect(checkSeam(firstRead, [at(1, 30)]).disturbed).toBe(true);
    expect(checkSeam(firstRead, []).disturbed).toBe(true);
  });
});

describe('inUpdateOrder', () => {
  it('accepts a page in last_updated_on order that starts after the previous page', () => {
    expect(inUpdateOrder(versionKey(at(9, 1)), [at(1, 1), at(2, 2), at(3, 2)])).toBe(true);
    expect(inUpdateOrder(undefined, [])).toBe(true);
  });

  it('refuses a page out of order, starting before the previous page, or without a timestamp', () => {
    expect(inUpdateOrder(undefined, [at(1, 2), at(2, 1)])).toBe(false);
    expect(inUpdateOrder(versionKey(at(9, 5)), [at(1, 4)])).toBe(false);
    expect(inUpdateOrder(undefined, [{ id: 1, created_on: null, last_updated_on: null }])).toBe(false);
  });
});

describe('newestOf', () => {
  it('keeps the newest canonical timestamp', () => {
    expect(newestOf(undefined, [at(1, 3), at(2, 1)])).toBe('2026-01-01T00:00:03.000000Z');
    expect(newestOf('2027-01-01T00:00:00.000000Z', [at(1, 3)])).toBe('2027-01-01T00:00:00.000000Z');
  });
});

describe('shiftTimestamp', () => {
  it('moves by microseconds across second and day boundaries', () => {
    expect(shiftTimestamp('2020-04-22T17:23:17.363000Z', -1)).toBe('2020-04-22T17:23:17.362999Z');
    expect(shiftTimestamp('2020-01-01T00:00:00.000000Z', -1)).toBe('2019-12-31T23:59:59.999999Z');
    expect(shiftTimestamp('2020-01-01T00:00:00.000000Z', -300_000_000)).toBe('2019-12-31T23:55:00.000000Z');
  });

  test.prop([
    fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
    fc.integer({ min: -1e12, max: 1e12 }),
  ])('shifting there and back returns the same timestamp', (date, micros) => {
    const start = `${date.toISOString().slice(0, 23)}000Z`;
    expect(shiftTimestamp(shiftTimestamp(start, micros), -micros)).toBe(start);
  });
});

describe('croTimestamp', () => {
  it('drops the zone designator, as CRO writes its timestamps', () => {
    expect(croTimestamp('2020-04-22T17:23:17.363000Z')).toBe('2020-04-22T17:23:17.363000');
  });
});

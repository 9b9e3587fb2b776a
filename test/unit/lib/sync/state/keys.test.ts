import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  attributeKey,
  boundFieldTimes,
  eventKey,
  MAX_EVENT_IDS,
  mergeEventKeys,
  statePk,
} from '../../../../../lib/sync/state/index.ts';

describe('statePk', () => {
  it('is customer#<tenantId>#<customerId>', () => {
    expect(statePk({ tenantId: 42, customerId: 1 }));
    expect(statePk({ tenantId: 42, customerId: 1 })).toBe('customer#42#1');
  });
});

describe('eventKey and attributeKey', () => {
  it('are short, stable base64url hashes whatever the length of what they name', () => {
    const long = 'x'.repeat(256);

    expect(eventKey(long)).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(eventKey(long)).toBe(eventKey(long));
    expect(eventKey('e-1')).not.toBe(eventKey('e-2'));
    expect(attributeKey('segment')).toMatch(/^[A-Za-z0-9_-]{6}$/);
  });
});

describe('mergeEventKeys', () => {
  it('appends new keys after the previous ones, each key once at its latest position', () => {
    expect(mergeEventKeys(['a', 'b', 'c'], ['b', 'd'])).toEqual(['a', 'c', 'b', 'd']);
  });

  it('keeps at most the newest keys, every new key among them (property)', () => {
    const keys = fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 80 });
    fc.assert(
      fc.property(
        keys,
        fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: MAX_EVENT_IDS }),
        (previous, added) => {
          const merged = mergeEventKeys(previous, added);

          expect(merged.length).toBeLessThanOrEqual(MAX_EVENT_IDS);
          expect(new Set(merged).size).toBe(merged.length);
          for (const key of added) expect(merged).toContain(key);
        },
      ),
    );
  });
});

describe('boundFieldTimes', () => {
  it('folds the oldest attribute times into a floor, which only ever rises', () => {
    const times = { locale: 9, attributes: { a: 5, b: 1, c: 3, d: 4 }, attributesFloor: 2 };

    expect(boundFieldTimes(times, 2)).toEqual({ locale: 9, attributes: { a: 5, d: 4 }, attributesFloor: 3 });
    expect(boundFieldTimes(times, 4)).toEqual(times);
  });
});

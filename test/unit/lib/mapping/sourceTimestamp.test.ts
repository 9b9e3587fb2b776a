import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compareSourceTimestamps, normaliseSourceTimestamp } from '../../../../lib/mapping/index.ts';

describe('normaliseSourceTimestamp', () => {
  it.each([
    ['2020-04-22T17:23:17.363000', '2020-04-22T17:23:17.363000Z'],
    ['2020-04-22T17:23:17Z', '2020-04-22T17:23:17.000000Z'],
    ['2020-04-22T19:23:17.3+02:00', '2020-04-22T17:23:17.300000Z'],
    ['2020-04-22T00:30:00-0100', '2020-04-22T01:30:00.000000Z'],
    ['2020-04-22 17:23', '2020-04-22T17:23:00.000000Z'],
    ['2020-04-22T17:23:17.123456789Z', '2020-04-22T17:23:17.123456Z'],
  ])('turns %j into %j', (input, expected) => {
    expect(normaliseSourceTimestamp(input)).toBe(expected);
  });

  it.each([
    ['yesterday'],
    ['2020-02-30T00:00:00'],
    ['2020-13-01T00:00:00'],
    ['2020-04-22T24:00:00'],
    [''],
    [null],
  ])('rejects %j', (input) => {
    expect(normaliseSourceTimestamp(input)).toBeUndefined();
  });

  it('orders canonical timestamps as strings exactly as the instants they denote', () => {
    const instant = fc.date({
      min: new Date('1990-01-01'),
      max: new Date('2090-01-01'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const sign = Math.sign(compareSourceTimestamps(a.toISOString(), b.toISOString()));
        expect(sign).toBe(Math.sign(a.getTime() - b.getTime()));
      }),
    );
  });

  it('treats an unreadable timestamp as the oldest', () => {
    expect(compareSourceTimestamps(null, '2020-01-01T00:00:00')).toBeLessThan(0);
  });
});

import { describe, expect, it } from '@jest/globals';
import { fc, test } from '@fast-check/jest';
import {
  CRM_SYNC_ATTRIBUTE_NAMES,
  MAX_MESSAGE_ATTRIBUTES,
  type MessageAttributes,
  withAttributes,
} from '../../../../lib/queue/messageAttributes.ts';

const value = (text: string) => ({ DataType: 'String', StringValue: text });
const named = (names: readonly string[]): MessageAttributes =>
  Object.fromEntries(names.map((name) => [name, value(name)]));

describe('withAttributes', () => {
  it('keeps every carried attribute when there is room, the set ones replacing theirs', () => {
    const { attributes, dropped } = withAttributes(named(['origin', 'replay-count']), {
      'replay-count': value('3'),
    });

    expect(attributes).toEqual({ origin: value('origin'), 'replay-count': value('3') });
    expect(dropped).toEqual([]);
  });

  it("keeps crm-sync's own carried attributes before the producer's, then the producer's by name", () => {
    const carried = named(['z', 'y', 'x', 'w', 'v', 'u', 't', 's', 'replay-count']);

    const { attributes, dropped } = withAttributes(carried, named(['failure-reason', 'failure-detail']));

    expect(Object.keys(attributes).sort()).toEqual(
      ['failure-detail', 'failure-reason', 'replay-count', 's', 't', 'u', 'v', 'w', 'x', 'y'].sort(),
    );
    expect(dropped).toEqual(['z']);
  });

  it('gives a set attribute the place of its carried value, so a message with 10 loses none', () => {
    const carried = named(['replay-count', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9']);

    const { attributes, dropped } = withAttributes(carried, { 'replay-count': value('2') });

    expect(dropped).toEqual([]);
    expect(Object.keys(attributes)).toHaveLength(10);
    expect(attributes['replay-count']).toEqual(value('2'));
  });

  it('refuses to set more attributes than SQS accepts', () => {
    const eleven = named(Array.from({ length: 11 }, (_, i) => `a${i}`));

    expect(() => withAttributes({}, eleven)).toThrow(RangeError);
  });

  test.prop([
    fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 20 }),
    fc.subarray([...CRM_SYNC_ATTRIBUTE_NAMES]),
  ])('sets every given attribute and never exceeds 10', (carriedNames, setNames) => {
    const { attributes, dropped } = withAttributes(named(carriedNames), named(setNames));

    expect(Object.keys(attributes).length).toBeLessThanOrEqual(MAX_MESSAGE_ATTRIBUTES);
    for (const name of setNames) expect(attributes[name]).toEqual(value(name));
    for (const name of carriedNames) expect(name in attributes || dropped.includes(name)).toBe(true);
  });
});

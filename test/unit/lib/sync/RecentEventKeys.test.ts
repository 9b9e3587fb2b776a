import { describe, expect, it } from '@jest/globals';
import { RecentEventKeys } from '../../../../lib/sync/RecentEventKeys.ts';

describe('RecentEventKeys', () => {
  it('knows the keys added, all of them or not', () => {
    const recent = new RecentEventKeys(10);
    recent.add(['a', 'b']);
    expect(recent.hasAll(['a', 'b'])).toBe(true);
    expect(recent.hasAll(['a', 'c'])).toBe(false);
    expect(recent.hasAll([])).toBe(false);
  });

  it('keeps the newest keys only, a key added again counting as new', () => {
    const recent = new RecentEventKeys(3);
    recent.add(['a', 'b', 'c']);
    recent.add(['a']);
    recent.add(['d']);
    expect(recent.hasAll(['b'])).toBe(false);
    expect(recent.hasAll(['a', 'c', 'd'])).toBe(true);
  });
});

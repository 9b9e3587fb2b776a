import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MAX_EVENT_IDS, mergeEventIds, statePk } from '../../../../../lib/sync/state/index.ts';

describe('statePk', () => {
  it('is customer#<tenantId>#<customerId>', () => {
    expect(statePk({ tenantId: 42, customerId: 1 })).toBe('customer#42#1');
  });
});

describe('mergeEventIds', () => {
  it('appends new ids after the previous ones, each id once at its latest position', () => {
    expect(mergeEventIds(['a', 'b', 'c'], ['b', 'd'])).toEqual(['a', 'c', 'b', 'd']);
  });

  it('keeps at most the newest ids, every new id among them (property)', () => {
    const ids = fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 80 });
    fc.assert(
      fc.property(
        ids,
        fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: MAX_EVENT_IDS }),
        (previous, added) => {
          const merged = mergeEventIds(previous, added);

          expect(merged.length).toBeLessThanOrEqual(MAX_EVENT_IDS);
          expect(new Set(merged).size).toBe(merged.length);
          for (const id of added) expect(merged).toContain(id);
        },
      ),
    );
  });
});

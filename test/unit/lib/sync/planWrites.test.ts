import { describe, expect, it } from '@jest/globals';
import { planWrites } from '../../../../lib/sync/planWrites.ts';

const known = { gid: 'g1', docHash: 'd1', attrHash: 'a1', eventIds: [] };

describe('planWrites', () => {
  it('plans no call when the document and the attributes hash like the last write', () => {
    expect(planWrites({ state: known, docHash: 'd1', attrHash: 'a1', created: false })).toEqual({
      kind: 'none',
    });
  });

  it('plans only the changed part for a known gid', () => {
    expect(planWrites({ state: known, docHash: 'd1', attrHash: 'a2', created: false })).toEqual({
      kind: 'update',
      gid: 'g1',
      document: false,
      attributes: true,
    });
    expect(planWrites({ state: known, docHash: 'd2', attrHash: 'a1', created: false })).toEqual({
      kind: 'update',
      gid: 'g1',
      document: true,
      attributes: false,
    });
  });

  it('updates by externalId when the gid is unknown and the event is an update', () => {
    expect(planWrites({ state: { eventIds: [] }, docHash: 'd', attrHash: 'a', created: false })).toEqual({
      kind: 'update-by-external-id',
    });
  });

  it('registers first when the gid is unknown and the event is a creation', () => {
    expect(planWrites({ state: { eventIds: [] }, docHash: 'd', attrHash: 'a', created: true })).toEqual({
      kind: 'register',
    });
  });
});

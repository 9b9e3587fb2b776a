import { describe, expect, it } from '@jest/globals';
import { planWrites } from '../../../../lib/sync/planWrites.ts';
import { emptyState } from '../../../../lib/sync/state/keys.ts';

const known = { ...emptyState(), gid: 'g1' };
const plan = (input: Partial<Parameters<typeof planWrites>[0]>) =>
  planWrites({ state: known, document: false, attributes: false, created: false, repair: false, ...input });

describe('planWrites', () => {
  it('plans no call when neither the document nor the attributes changed', () => {
    expect(plan({})).toEqual({ kind: 'none' });
  });

  it('plans only the changed part for a known gid', () => {
    expect(plan({ attributes: true })).toEqual({
      kind: 'update',
      gid: 'g1',
      document: false,
      attributes: true,
    });
    expect(plan({ document: true })).toEqual({
      kind: 'update',
      gid: 'g1',
      document: true,
      attributes: false,
    });
  });

  it('updates by externalId when the gid is unknown and the event is an update', () => {
    expect(plan({ state: emptyState() })).toEqual({ kind: 'update-by-external-id' });
  });

  it('registers first when the gid is unknown, the event is a creation and no repair is due', () => {
    expect(plan({ state: emptyState(), created: true })).toEqual({ kind: 'register' });
  });

  it('rewrites everything in a repair, whatever changed', () => {
    expect(plan({ repair: true })).toEqual({ kind: 'update', gid: 'g1', document: true, attributes: true });
  });

  it('looks an unknown customer up by externalId before registering it in a repair, even for a creation', () => {
    expect(plan({ state: emptyState(), created: true, repair: true })).toEqual({
      kind: 'update-by-external-id',
    });
  });
});

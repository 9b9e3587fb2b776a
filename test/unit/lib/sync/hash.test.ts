import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { canonicalJson, splitHash, stableHash } from '../../../../lib/sync/hash.ts';

describe('stableHash', () => {
  it('is the same whatever the key order, at any depth', () => {
    expect(stableHash({ b: 1, a: { y: [1, { d: 2, c: 3 }], x: 'x' } })).toBe(
      stableHash({ a: { x: 'x', y: [1, { c: 3, d: 2 }] }, b: 1 }),
    );
  });

  it('differs when a value changes', () => {
    expect(stableHash({ name: 'Ana' })).not.toBe(stableHash({ name: 'Ana ' }));
  });

  it('ignores undefined members, as JSON does', () => {
    expect(stableHash({ a: 1, b: undefined })).toBe(stableHash({ a: 1 }));
  });

  it('is a short base64url string', () => {
    expect(stableHash({ a: 1 })).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('hashes equal documents alike and canonical JSON round-trips them (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (document) => {
        const shuffled = Object.fromEntries(Object.entries(document).reverse());
        expect(stableHash(shuffled)).toBe(stableHash(document));
        expect(JSON.parse(canonicalJson(document))).toEqual(JSON.parse(JSON.stringify(document)));
      }),
    );
  });
});

describe('splitHash', () => {
  const first = splitHash({ name: 'Acme' }, { segment: 'smb' }, undefined);

  it('reports a change against nothing stored, and none against the same halves', () => {
    expect(first.changed).toBe(true);
    expect(splitHash({ name: 'Acme' }, { segment: 'smb' }, first.hash)).toEqual({
      hash: first.hash,
      changed: false,
    });
  });

  it('compares only the first half when nothing is carried, keeping the stored second half', () => {
    expect(splitHash({ name: 'Acme' }, undefined, first.hash)).toEqual({ hash: first.hash, changed: false });
    const renamed = splitHash({ name: 'Acme Lda' }, undefined, first.hash);
    expect(renamed.changed).toBe(true);
    expect(renamed.hash.slice(11)).toBe(first.hash.slice(11));
  });

  it('reports a change of what is carried', () => {
    expect(splitHash({ name: 'Acme' }, { segment: 'enterprise' }, first.hash).changed).toBe(true);
  });
});

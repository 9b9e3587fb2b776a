import { describe, expect, it } from '@jest/globals';

describe('the toolchain', () => {
  it('runs the suite on Node 22 or newer, as Lambda nodejs24.x does', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(22);
  });
});

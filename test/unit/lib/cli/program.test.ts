import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError } from 'commander';
import { positiveInteger, positiveRate } from '../../../../lib/cli/program.ts';

describe('positiveInteger', () => {
  it('accepts a positive integer', () => {
    expect(positiveInteger('25')).toBe(25);
  });

  it.each(['0', '-1', '1.5', 'ten', '', '1e3'])('refuses %p', (value) => {
    expect(() => positiveInteger(value)).toThrow(InvalidArgumentError);
  });
});

describe('positiveRate', () => {
  it('accepts fractions of a message per second', () => {
    expect(positiveRate('0.5')).toBe(0.5);
  });

  it.each(['0', '-2', 'fast', '', 'Infinity'])('refuses %p', (value) => {
    expect(() => positiveRate(value)).toThrow(InvalidArgumentError);
  });
});

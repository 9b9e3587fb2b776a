import { InvalidArgumentError } from 'commander';

/** Commander parser for `--max`: a positive integer. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('must be a positive integer');
  }
  return n;
}

/** Commander parser for `--rate`: a positive number of messages per second (fractions allowed). */
export function positiveRate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('must be a positive number of messages per second');
  }
  return n;
}

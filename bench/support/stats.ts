/**
 * The `p`-th percentile (0–100) of `values` by the nearest-rank method; `NaN` for no values.
 *
 * @example
 * percentile([5, 1, 3], 50); // 3
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The median (50th percentile, nearest rank). */
export const median = (values: readonly number[]): number => percentile(values, 50);

/** Rounds for display and JSON: `digits` decimals. */
export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

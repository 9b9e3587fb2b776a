/**
 * mulberry32: a tiny seeded PRNG, so injected faults are reproducible run to run.
 * Hand-written (a dozen lines) rather than a dependency; quality is ample for fault injection.
 *
 * @example
 * const random = seededRandom(42); random(); // → 0.6011037519201636, the same every run
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

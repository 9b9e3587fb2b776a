/**
 * The event keys (`eventKey`) this container applied or found applied lately, the
 * newest `capacity` of them. A hint only, never a decision: the state table stays the judge of duplicates;
 * this only keeps a duplicate delivered to the same container from starting a CRO read it would not need
 * (see `earlyRead` in syncCustomer.ts).
 *
 * @example
 * const recent = new RecentEventKeys(2_000);
 * recent.add([eventKey(event.id)]);
 * recent.hasAll([eventKey(event.id)]); // true
 */
export class RecentEventKeys {
  readonly #capacity: number;
  // A Set iterates in insertion order: the first key is the oldest, dropped first.
  readonly #keys = new Set<string>();

  constructor(capacity = 2_000) {
    this.#capacity = capacity;
  }

  add(keys: readonly string[]): void {
    for (const key of keys) {
      this.#keys.delete(key);
      this.#keys.add(key);
    }
    for (const oldest of this.#keys) {
      if (this.#keys.size <= this.#capacity) break;
      this.#keys.delete(oldest);
    }
  }

  /** True when every key is among the recent ones (false for none). */
  hasAll(keys: readonly string[]): boolean {
    return keys.length > 0 && keys.every((key) => this.#keys.has(key));
  }
}

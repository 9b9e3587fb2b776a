/** What the budget needs from a Lambda `Context`. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/** Longest lease on a customer: Lambda's maximum timeout (a crashed holder's lease expires by then). */
export const MAX_LEASE_MS = 15 * 60_000;

/**
 * The invocation's time budget: how long until Lambda would kill it, minus a safety margin kept for
 * dead-letter sends, visibility changes and the response.
 *
 * - {@link canStart} is false inside the margin: no new customer starts;
 * - {@link deadline} is the absolute epoch-ms deadline handed to the API clients (`now + remaining − margin`);
 * - {@link leaseMs} is how long a customer lease lasts: until the invocation's end, so a crash simply lets
 *   the lease expire.
 *
 * @example
 * const budget = new TimeBudget(context, 3_000);
 * if (budget.canStart()) await cro.getCustomer(7, { deadline: budget.deadline() });
 */
export class TimeBudget {
  private readonly context: RemainingTime;
  private readonly marginMs: number;
  private readonly now: () => number;

  constructor(context: RemainingTime, marginMs: number, now: () => number = Date.now) {
    this.context = context;
    this.marginMs = marginMs;
    this.now = now;
  }

  /** Milliseconds left before the margin. */
  usableMs(): number {
    return Math.max(0, this.context.getRemainingTimeInMillis() - this.marginMs);
  }

  /** True while a new unit of work can still be started. */
  canStart(): boolean {
    return this.usableMs() > 0;
  }

  /** Epoch-ms deadline for API calls (they stop retrying and time out by then). */
  deadline(): number {
    return this.now() + this.usableMs();
  }

  /** Lease duration for a customer: the rest of the invocation, capped at {@link MAX_LEASE_MS}. */
  leaseMs(): number {
    return Math.min(MAX_LEASE_MS, Math.max(1_000, this.context.getRemainingTimeInMillis()));
  }
}

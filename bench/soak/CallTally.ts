import type { RecordedCall, SimulatorControls } from '../../lib/local/simulators/index.ts';

/** Calls to one API by outcome. */
export interface ApiTally {
  calls: number;
  ok: number;
  /** Injected 5xx. */
  serverErrors: number;
  rateLimited: number;
  unauthorized: number;
  /** 404s: mostly `PUT /customers/{externalId}` for a customer IC does not know yet (then registered). */
  notFound: number;
  /** 409s: a register racing an earlier one for the same customer (resolved idempotently). */
  conflicts: number;
  /** Requests the client abandoned (timeouts) — the simulator never answered. */
  abandoned: number;
  otherErrors: number;
}

/**
 * Folds the simulators' call logs into counters and empties them, so a 10,000-event soak does not keep
 * every request in memory. Call `fold()` now and then and at the end.
 *
 * @example
 * const tally = new CallTally({ ic, cro });
 * setInterval(() => tally.fold(), 2_000);
 */
export class CallTally {
  private readonly apis: Record<string, SimulatorControls>;
  readonly totals: Record<string, ApiTally> = {};

  constructor(apis: Record<string, SimulatorControls>) {
    this.apis = apis;
    for (const name of Object.keys(apis)) this.totals[name] = emptyTally();
  }

  /**
   * Counts the answered calls and drops them from the logs. A call still unanswered (status 0) is kept for
   * the next fold, unless it is older than `settleMs` or this is the `final` fold: then the client gave up.
   */
  fold(options: { final?: boolean; settleMs?: number } = {}): void {
    const settleMs = options.settleMs ?? 10_000;
    const now = Date.now();
    for (const [name, sim] of Object.entries(this.apis)) {
      const pending: RecordedCall[] = [];
      for (const call of sim.calls) {
        if (call.status === 0 && !options.final && now - call.at < settleMs) pending.push(call);
        else add(this.totals[name]!, call);
      }
      sim.clearCalls();
      // The simulator still holds these objects and sets their status when it answers.
      sim.calls.push(...pending);
    }
  }
}

function emptyTally(): ApiTally {
  return {
    calls: 0,
    ok: 0,
    serverErrors: 0,
    rateLimited: 0,
    unauthorized: 0,
    notFound: 0,
    conflicts: 0,
    abandoned: 0,
    otherErrors: 0,
  };
}

function add(tally: ApiTally, call: RecordedCall): void {
  tally.calls += 1;
  if (call.status === 0) tally.abandoned += 1;
  else if (call.status < 400) tally.ok += 1;
  else if (call.status >= 500) tally.serverErrors += 1;
  else if (call.status === 429) tally.rateLimited += 1;
  else if (call.status === 401) tally.unauthorized += 1;
  else if (call.status === 404) tally.notFound += 1;
  else if (call.status === 409) tally.conflicts += 1;
  else tally.otherErrors += 1;
}

/** `after` − `before`, per API and counter (e.g. the calls made since a token rotation). */
export function tallySince(
  before: Record<string, ApiTally>,
  after: Record<string, ApiTally>,
): Record<string, ApiTally> {
  const out: Record<string, ApiTally> = {};
  for (const [api, totals] of Object.entries(after)) {
    const base = before[api] ?? emptyTally();
    out[api] = Object.fromEntries(
      Object.entries(totals).map(([key, value]) => [key, value - base[key as keyof ApiTally]]),
    ) as unknown as ApiTally;
  }
  return out;
}

import { type Activity, formatActivity } from '../activity.ts';

/** One line of the local stack's event log: what a function did, or what an operator changed. */
export interface LogEntry {
  /** Increasing from 1: the SSE event id. */
  seq: number;
  /** ISO time it was logged. */
  at: string;
  /** The activity's kind, or `control` for a change made through the console or `crm-sync local`. */
  kind: Activity['kind'] | 'control';
  /** The line as `npm start` prints it. */
  text: string;
  /** The activity, for clients that want its fields (event id, customer). */
  activity?: Activity;
}

/**
 * The local stack's event log: the functions' activities and the control actions, in order, the last
 * `limit` kept for clients that connect later (the console's server-sent events replay them first).
 *
 * @example
 * const log = new EventLog();
 * const unsubscribe = log.subscribe((entry) => console.log(entry.text));
 * log.activity({ kind: 'applied', eventId: 'e-1', customerId: 1 });
 */
export class EventLog {
  readonly #entries: LogEntry[] = [];
  readonly #listeners = new Set<(entry: LogEntry) => void>();
  readonly #limit: number;
  #seq = 0;

  constructor(limit = 500) {
    this.#limit = limit;
  }

  /** Logs what a function did (a line of its structured log). */
  activity(activity: Activity): LogEntry {
    return this.#add({ kind: activity.kind, text: formatActivity(activity), activity });
  }

  /** Logs a change made through the control API (a fault, a CRO edit, a replay). */
  control(text: string): LogEntry {
    return this.#add({ kind: 'control', text });
  }

  /** The kept entries, oldest first. */
  recent(): LogEntry[] {
    return [...this.#entries];
  }

  /** Calls `listener` for every new entry; returns the unsubscribe function. */
  subscribe(listener: (entry: LogEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #add(fields: Omit<LogEntry, 'seq' | 'at'>): LogEntry {
    this.#seq += 1;
    const entry: LogEntry = { seq: this.#seq, at: new Date().toISOString(), ...fields };
    this.#entries.push(entry);
    if (this.#entries.length > this.#limit) this.#entries.shift();
    for (const listener of this.#listeners) listener(entry);
    return entry;
  }
}

import type { EventLog, LogEntry } from '../../../lib/local/console/eventLog.ts';

/**
 * The first entry of `log` matching `matches`, among those logged from `since` (a seq) on: entries already
 * kept are looked at first, then new ones as they arrive. Rejects after `timeoutMs` with what was logged.
 */
export function waitForLog(
  log: EventLog,
  matches: (entry: LogEntry) => boolean,
  options: { since?: number; timeoutMs?: number } = {},
): Promise<LogEntry> {
  const since = options.since ?? 0;
  const relevant = (entry: LogEntry) => entry.seq > since && matches(entry);
  const kept = log.recent().find(relevant);
  if (kept) return Promise.resolve(kept);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      const seen = log
        .recent()
        .filter((e) => e.seq > since)
        .map((e) => e.text);
      reject(
        new Error(
          `no matching log entry after ${options.timeoutMs ?? 20_000} ms; logged:\n${seen.join('\n')}`,
        ),
      );
    }, options.timeoutMs ?? 20_000);
    const unsubscribe = log.subscribe((entry) => {
      if (!relevant(entry)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(entry);
    });
  });
}

/** The last seq logged so far: pass it as `since` to wait only for what happens next. */
export function lastSeq(log: EventLog): number {
  return log.recent().at(-1)?.seq ?? 0;
}

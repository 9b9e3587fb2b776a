import { describe, expect, it } from '@jest/globals';
import { EventLog, type LogEntry } from '../../../../../lib/local/console/eventLog.ts';

describe('EventLog', () => {
  it('numbers entries, formats activities as npm start prints them, and tells subscribers', () => {
    const log = new EventLog();
    const seen: LogEntry[] = [];
    const unsubscribe = log.subscribe((entry) => seen.push(entry));

    log.activity({ kind: 'applied', eventId: 'e-1', customerId: 1 });
    log.control('CRO faults: 503 0%, 429 0%, latency 5 ms, token ok');
    unsubscribe();
    log.control('after unsubscribing');

    expect(seen.map((e) => [e.seq, e.kind, e.text])).toEqual([
      [1, 'applied', 'applied        customer 1  event e-1'],
      [2, 'control', 'CRO faults: 503 0%, 429 0%, latency 5 ms, token ok'],
    ]);
    expect(log.recent()).toHaveLength(3);
  });

  it('keeps only the last entries, for clients that connect later', () => {
    const log = new EventLog(2);

    for (const text of ['a', 'b', 'c']) log.control(text);

    expect(log.recent().map((e) => [e.seq, e.text])).toEqual([
      [2, 'b'],
      [3, 'c'],
    ]);
  });
});

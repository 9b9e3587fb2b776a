import { describe, expect, it } from '@jest/globals';
import {
  createBackfillProgress,
  createProgress,
  formatAge,
  renderBackfillSummary,
  renderMessages,
  renderReplaySummary,
  renderTable,
  renderWindowCounts,
} from '../../../../lib/cli/output.ts';
import type { DlqMessage, ReplaySummary } from '../../../../lib/replay/index.ts';
import { PassThrough } from 'node:stream';

const summary = (overrides: Partial<ReplaySummary> = {}): ReplaySummary => ({
  from: 'dlq',
  to: 'q',
  dryRun: false,
  copy: false,
  scanned: 5,
  matched: 3,
  replayed: 3,
  skippedByFilter: 2,
  skippedFailedAgain: 0,
  failed: 0,
  failures: [],
  stoppedBy: 'drained',
  ...overrides,
});

describe('formatAge', () => {
  it.each([
    [0, '0s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [90 * 60_000, '1h 30m'],
    [(2 * 24 + 4) * 3_600_000, '2d 4h'],
  ])('shows %d ms as %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});

describe('renderTable', () => {
  it('pads every column to its widest cell under a header rule', () => {
    expect(renderTable(['id', 'reason'], [['m-1', 'vat-conflict']])).toBe(
      'id   reason\n---  ------------\nm-1  vat-conflict',
    );
  });
});

describe('renderReplaySummary', () => {
  it('says how many were replayed, skipped by filter and failed', () => {
    expect(renderReplaySummary(summary())).toBe(
      'replayed 3, skipped by filter 2, failed 0 (scanned 5; no more matching messages)',
    );
  });

  it('lists each failed message with what it means for the operator', () => {
    const text = renderReplaySummary(
      summary({
        replayed: 1,
        failed: 2,
        stoppedBy: 'failures',
        failures: [
          { messageId: 'm-1', stage: 'send', error: 'QueueDoesNotExist' },
          { messageId: 'm-2', stage: 'delete', error: 'ReceiptHandleIsInvalid' },
        ],
      }),
    );
    expect(text).toContain('stopped after repeated send failures');
    expect(text).toContain('not sent, still in the DLQ: m-1 (QueueDoesNotExist)');
    expect(text).toContain('sent but not deleted from the DLQ');
  });

  it('words a dry run and a copy differently', () => {
    expect(renderReplaySummary(summary({ dryRun: true, replayed: 0 }))).toMatch(/^would replay 3,/);
    expect(renderReplaySummary(summary({ copy: true }))).toMatch(/^copied 3,/);
  });
});

const message: DlqMessage = { messageId: 'm', reason: 'r', ageMs: 0, receiveCount: 1, replayCount: 0 };

function stream(isTTY: boolean) {
  const out = Object.assign(new PassThrough(), {
    isTTY,
    columns: 100,
    cursorTo: () => true,
    clearLine: () => true,
  });
  let written = '';
  out.on('data', (chunk: Buffer) => (written += chunk.toString()));
  return { out, written: () => written };
}

describe('createProgress', () => {
  it('draws a bar with the counts on a terminal', () => {
    const { out, written } = stream(true);
    const progress = createProgress(out, 2);
    progress.tick({ outcome: 'replayed', message });
    progress.tick({ outcome: 'failed', message });
    progress.stop();
    expect(written()).toContain('2/2 messages | replayed 1, skipped by filter 0, failed 1');
  });

  it("counts each outcome where the summary counts it, in the summary's words", () => {
    const { out, written } = stream(true);
    const progress = createProgress(out, 4, { dryRun: true, copy: false });
    progress.tick({ outcome: 'matched', message });
    progress.tick({ outcome: 'matched', message });
    progress.tick({ outcome: 'skipped', message });
    progress.tick({ outcome: 'failed-again', message });
    progress.stop();
    const counts = summary({ dryRun: true, matched: 2, skippedByFilter: 1, skippedFailedAgain: 1 });
    expect(written()).toContain(`4/4 messages | ${renderReplaySummary(counts).replace(/ \(scanned.*$/, '')}`);
  });

  it('writes nothing when the output is not a terminal', () => {
    const { out, written } = stream(false);
    const progress = createProgress(out, 2);
    progress.tick({ outcome: 'replayed', message });
    progress.stop();
    expect(written()).toBe('');
  });
});

describe('createBackfillProgress', () => {
  it('draws events enqueued against the customers counted, with percentage and ETA, on a terminal', () => {
    const { out, written } = stream(true);
    const progress = createBackfillProgress(out, 200);
    progress.update(50);
    progress.stop();
    expect(written()).toMatch(/50\/200 events \| 25% \| ETA \S+/);
  });

  it('grows the total when more events than counted are sent (the overlap, shared customers)', () => {
    const { out, written } = stream(true);
    const progress = createBackfillProgress(out, 10);
    progress.update(12);
    progress.stop();
    expect(written()).toContain('12/12 events');
  });

  it('writes nothing when the output is not a terminal', () => {
    const { out, written } = stream(false);
    createBackfillProgress(out, 10).update(5);
    expect(written()).toBe('');
  });
});

describe('renderWindowCounts and renderBackfillSummary', () => {
  it('show a capped count as a lower bound and a resumed listing', () => {
    const text = renderWindowCounts([
      { locationId: 1, customers: 100_000, atCap: true, inProgress: false },
      { locationId: 2, since: '2026-11-01T00:00:00.000000Z', customers: 3, atCap: false, inProgress: true },
    ]);
    expect(text).toMatch(/1\s+the beginning\s+≥ 100000/);
    expect(text).toMatch(/2\s+2026-11-01T00:00:00.000000Z\s+3\s+resumes a listing in progress/);
    expect(text).toContain('100003 customer(s) in 2 location(s)');
  });

  it("list each location's status and the errors of failed ones", () => {
    const text = renderBackfillSummary([
      {
        locationId: 1,
        status: 'complete',
        listed: 3,
        enqueued: 3,
        checkpoint: '2026-11-29T10:00:00.000000Z',
      },
      { locationId: 2, status: 'failed', listed: 0, enqueued: 0, error: { message: 'CRO answered 503' } },
    ]);
    expect(text).toMatch(/1\s+complete\s+3\s+3\s+2026-11-29T10:00:00.000000Z/);
    expect(text).toContain('  location 2: CRO answered 503');
    expect(text).toContain('3 event(s) enqueued.');
  });
});

describe('renderMessages', () => {
  it('shows the event id, or the message id when the body has none, and one redacted line of detail', () => {
    const rows: DlqMessage[] = [
      {
        ...message,
        eventId: 'e-1',
        customerId: '7',
        reason: 'vat-conflict',
        ageMs: 7_200_000,
        detail: 'vat PT501234567\nclash',
      },
      { ...message, messageId: 'm-2', reason: 'invalid-event', detail: 'x'.repeat(200) },
    ];

    const [, , first, second] = renderMessages(rows).split('\n');

    expect(first).toMatch(/^e-1\s+7\s+vat-conflict\s+2h 0m\s+vat \[vat\] clash$/);
    expect(second).toMatch(/^\(message m-2\)\s+-\s+invalid-event\s+0s\s+x{79}…$/);
  });
});

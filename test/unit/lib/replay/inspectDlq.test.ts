import { describe, expect, it } from '@jest/globals';
import { type DlqMessage, summariseDlq } from '../../../../lib/replay/index.ts';

const row = (overrides: Partial<DlqMessage>): DlqMessage => ({
  messageId: 'm',
  reason: 'vat-conflict',
  ageMs: 1000,
  receiveCount: 1,
  replayCount: 0,
  eventType: 'crm.customer.updated',
  ...overrides,
});

describe('summariseDlq', () => {
  it('counts messages by reason and by type, largest first, and finds the oldest', () => {
    const summary = summariseDlq([
      row({ reason: 'redriven', ageMs: 5000 }),
      row({ reason: 'vat-conflict' }),
      row({ reason: 'vat-conflict', eventType: 'crm.customer.created' }),
      row({ reason: 'invalid-event', eventType: undefined }),
    ]);
    expect(summary).toEqual({
      total: 4,
      byReason: { 'vat-conflict': 2, 'invalid-event': 1, redriven: 1 },
      byType: { 'crm.customer.updated': 2, '(unknown)': 1, 'crm.customer.created': 1 },
      oldestAgeMs: 5000,
    });
    expect(Object.keys(summary.byReason)).toEqual(['vat-conflict', 'invalid-event', 'redriven']);
  });

  it('reports an empty DLQ as zero everywhere', () => {
    expect(summariseDlq([])).toEqual({ total: 0, byReason: {}, byType: {}, oldestAgeMs: 0 });
  });
});

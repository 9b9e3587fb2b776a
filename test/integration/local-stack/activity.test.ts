import { describe, expect, it } from '@jest/globals';
import { activityOf, formatActivity } from '../../../lib/local/activity.ts';

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: 'INFO', service: 'customer-sync', ...fields });

describe('activity lines of the local stack', () => {
  it('reads the sync outcome of each event from its log line', () => {
    const keys = { messageId: 'm-1', eventId: 'e-1', customerId: 7 };

    expect(activityOf(line({ message: 'applied', ...keys }))).toEqual({
      kind: 'applied',
      eventId: 'e-1',
      customerId: 7,
    });
    expect(activityOf(line({ message: 'skipped', why: 'duplicate', ...keys }))).toMatchObject({
      kind: 'skipped',
      detail: 'duplicate',
    });
    expect(
      activityOf(
        line({
          level: 'WARN',
          message: 'dead-lettered',
          reason: 'crm-not-found',
          detail: 'CRO 404',
          ...keys,
        }),
      ),
    ).toMatchObject({
      kind: 'dead-lettered',
      detail: 'crm-not-found: CRO 404',
    });
    expect(
      activityOf(line({ level: 'WARN', message: 'will be retried', reason: 'rate-limited', ...keys })),
    ).toMatchObject({
      kind: 'retrying',
    });
  });

  it('reads the webhook answers, keeps warnings, and ignores other output', () => {
    expect(
      activityOf(line({ service: 'webhook', message: 'accepted', eventIds: ['a', 'b'], webhookId: 'msg_1' })),
    ).toEqual({
      kind: 'accepted',
      eventIds: ['a', 'b'],
      webhookId: 'msg_1',
    });
    expect(
      activityOf(line({ level: 'WARN', message: 'rejected', status: 401, reason: 'bad-signature' })),
    ).toMatchObject({
      kind: 'rejected',
      status: 401,
    });
    expect(activityOf(line({ level: 'ERROR', message: 'lease release failed' }))).toMatchObject({
      kind: 'problem',
    });
    expect(activityOf(line({ message: 'customer synced' }))).toBeUndefined();
    expect(activityOf(JSON.stringify({ _aws: { CloudWatchMetrics: [] } }))).toBeUndefined();
    expect(activityOf('not json')).toBeUndefined();
  });

  it('prints one aligned line per event', () => {
    expect(
      formatActivity({ kind: 'dead-lettered', customerId: 3, eventId: 'e-9', detail: 'crm-not-found' }),
    ).toBe('dead-lettered  customer 3  event e-9  (crm-not-found)');
  });
});

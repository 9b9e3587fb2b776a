import { describe, expect, it } from '@jest/globals';
import type { Message } from '@aws-sdk/client-sqs';
import {
  describeMessage,
  matchesFilter,
  replayDeduplicationId,
  replayEntry,
} from '../../../../lib/replay/index.ts';
import { fc, test } from '@fast-check/jest';

const NOW = Date.parse('2026-11-23T12:00:00Z');

function dlqMessage(overrides: Partial<Message> = {}): Message {
  return {
    MessageId: 'm-1',
    ReceiptHandle: 'rh-1',
    Body: JSON.stringify({
      specversion: '1.0',
      id: 'evt-1',
      type: 'crm.customer.updated',
      data: { tenantId: 42, customerId: 7, vatNumber: 'PT543219876' },
    }),
    Attributes: { SentTimestamp: String(NOW - 90 * 60_000), ApproximateReceiveCount: '3' },
    MessageAttributes: {
      'failure-reason': { DataType: 'String', StringValue: 'vat-conflict' },
      'failure-detail': { DataType: 'String', StringValue: 'VAT number already registered' },
      'source-message-id': { DataType: 'String', StringValue: 'q-1' },
    },
    ...overrides,
  };
}

describe('describeMessage', () => {
  it('reads type, event id, customer, reason, age and receive count of a dead-lettered event', () => {
    expect(describeMessage(dlqMessage(), NOW)).toEqual({
      messageId: 'm-1',
      eventType: 'crm.customer.updated',
      eventId: 'evt-1',
      customerId: '7',
      reason: 'vat-conflict',
      detail: 'VAT number already registered',
      ageMs: 90 * 60_000,
      receiveCount: 3,
      replayCount: 0,
      sourceMessageId: 'q-1',
    });
  });

  it('never exposes the body itself (no VAT number, no personal data)', () => {
    expect(JSON.stringify(describeMessage(dlqMessage(), NOW))).not.toContain('PT543219876');
  });

  it('calls a message without failure-reason redriven (retries exhausted)', () => {
    expect(describeMessage(dlqMessage({ MessageAttributes: {} }), NOW).reason).toBe('redriven');
  });

  it('finds the event inside an SNS envelope', () => {
    const inner = JSON.stringify({ id: 'e', type: 'crm.customer.created', data: { customerId: 3 } });
    const body = JSON.stringify({ Type: 'Notification', Message: inner });
    expect(describeMessage(dlqMessage({ Body: body }), NOW)).toMatchObject({
      eventType: 'crm.customer.created',
      customerId: '3',
    });
  });

  it('still describes a body that is not JSON, taking the customer from the FIFO group', () => {
    const row = describeMessage(
      dlqMessage({ Body: 'not json', Attributes: { MessageGroupId: '42-9', SentTimestamp: String(NOW) } }),
      NOW,
    );
    expect(row).toMatchObject({ customerId: '9', groupId: '42-9', reason: 'vat-conflict', ageMs: 0 });
    expect(row.eventType).toBeUndefined();
  });

  it('reads the replay-count of a message replayed before', () => {
    const message = dlqMessage({
      MessageAttributes: { 'replay-count': { DataType: 'Number', StringValue: '2' } },
    });
    expect(describeMessage(message, NOW).replayCount).toBe(2);
  });
});

describe('matchesFilter', () => {
  const row = describeMessage(dlqMessage(), NOW);

  it('matches everything with an empty filter', () => {
    expect(matchesFilter(row, {})).toBe(true);
  });

  it('needs every given criterion to match', () => {
    expect(matchesFilter(row, { customer: '7', type: 'crm.customer.updated', reason: 'vat-conflict' })).toBe(
      true,
    );
    expect(matchesFilter(row, { customer: '7', reason: 'ic-validation' })).toBe(false);
    expect(matchesFilter(row, { customer: '8' })).toBe(false);
    expect(matchesFilter(row, { type: 'crm.customer.created' })).toBe(false);
  });
});

const message: Message = {
  MessageId: 'm-1',
  Body: '{"id":"evt-1"}',
  Attributes: { MessageGroupId: '42-7', MessageDeduplicationId: 'q-1-dlq' },
  MessageAttributes: {
    origin: { DataType: 'String', StringValue: 'webhook' },
    blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) },
    'failure-reason': { DataType: 'String', StringValue: 'vat-conflict' },
    'failure-detail': { DataType: 'String', StringValue: 'x' },
    'failed-at': { DataType: 'String', StringValue: '2026-11-23T10:00:00Z' },
    'source-message-id': { DataType: 'String', StringValue: 'q-1' },
    'replay-count': { DataType: 'Number', StringValue: '1' },
  },
};

describe('replayEntry', () => {
  it('keeps the body and the original attributes, drops the failure ones and increments replay-count', () => {
    const entry = replayEntry(message, '3', false);
    expect(entry).toEqual({
      Id: '3',
      MessageBody: '{"id":"evt-1"}',
      MessageAttributes: {
        origin: { DataType: 'String', StringValue: 'webhook' },
        blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) },
        'replay-count': { DataType: 'Number', StringValue: '2' },
      },
    });
  });

  it("stays within SQS's 10 attributes for a message that already carries 10, so it can be replayed", () => {
    const full: Message = {
      MessageId: 'm-3',
      Body: '{}',
      MessageAttributes: Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [`attr-${i}`, { DataType: 'String', StringValue: `v${i}` }]),
      ),
    };

    const attributes = replayEntry(full, '0', false).MessageAttributes!;

    expect(Object.keys(attributes)).toHaveLength(10);
    expect(attributes['replay-count']).toEqual({ DataType: 'Number', StringValue: '1' });
    expect(attributes['attr-0']).toEqual({ DataType: 'String', StringValue: 'v0' });
    expect(attributes['attr-9']).toBeUndefined();
  });

  test.prop([fc.uniqueArray(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 10 })])(
    'never sends more than 10 attributes, and always replay-count',
    (names) => {
      const message: Message = {
        MessageId: 'm-4',
        Body: '{}',
        MessageAttributes: Object.fromEntries(
          names.map((name) => [name, { DataType: 'String', StringValue: 'v' }]),
        ),
      };

      const attributes = replayEntry(message, '0', false).MessageAttributes!;

      expect(Object.keys(attributes).length).toBeLessThanOrEqual(10);
      expect(attributes['replay-count']!.DataType).toBe('Number');
    },
  );

  it('for a FIFO queue keeps the message group and derives a new deduplication id', () => {
    expect(replayEntry(message, '0', true)).toMatchObject({
      MessageGroupId: '42-7',
      MessageDeduplicationId: 'q-1-dlq-r2',
    });
  });

  it('starts replay-count at 1 and falls back to a fixed group for a message without one', () => {
    const entry = replayEntry({ MessageId: 'm-2', Body: '{}' }, '0', true);
    expect(entry.MessageAttributes!['replay-count']!.StringValue).toBe('1');
    expect(entry).toMatchObject({ MessageGroupId: 'crm-sync', MessageDeduplicationId: 'm-2-r1' });
  });
});

describe('replayDeduplicationId', () => {
  test.prop([fc.string({ maxLength: 300 }), fc.integer({ min: 1, max: 1_000_000 })])(
    'is always a valid SQS deduplication id ending in -r<count>',
    (original, count) => {
      const id = replayDeduplicationId(original, count);
      expect(id).toMatch(/^[!-~]{1,128}$/);
      expect(id.endsWith(`-r${count}`)).toBe(true);
    },
  );

  test.prop([fc.string({ minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 99 })])(
    'differs between replays of the same message',
    (original, count) => {
      expect(replayDeduplicationId(original, count)).not.toBe(replayDeduplicationId(original, count + 1));
    },
  );
});

import { describe, expect, it } from '@jest/globals';
import { deadLetterMessage } from '../../../../lib/queue/deadLetter.ts';
import { sqsRecord } from '../sync/records.ts';

const failedAt = new Date('2026-11-22T10:00:00Z');

describe('deadLetterMessage', () => {
  it('keeps the original body and adds the four documented failure attributes', () => {
    const record = sqsRecord('{"id":"e-1"}');
    const input = deadLetterMessage('https://sqs.eu-west-1.amazonaws.com/1/dlq', record, {
      reason: 'vat-conflict',
      detail: 'belongs to customer g-1',
      failedAt,
    });
    expect(input.MessageBody).toBe('{"id":"e-1"}');
    expect(input.MessageAttributes).toEqual({
      'failure-reason': { DataType: 'String', StringValue: 'vat-conflict' },
      'failure-detail': { DataType: 'String', StringValue: 'belongs to customer g-1' },
      'failed-at': { DataType: 'String', StringValue: '2026-11-22T10:00:00.000Z' },
      'source-message-id': { DataType: 'String', StringValue: record.messageId },
    });
    expect(input.MessageGroupId).toBeUndefined();
  });

  it('copies original attributes but replaces earlier failure attributes and stays within the SQS limit of 10', () => {
    const record = sqsRecord('{}');
    for (let i = 0; i < 9; i += 1)
      record.messageAttributes[`attr-${i}`] = {
        dataType: 'String',
        stringValue: `v${i}`,
        stringListValues: [],
        binaryListValues: [],
      };
    record.messageAttributes['failure-reason'] = {
      dataType: 'String',
      stringValue: 'old',
      stringListValues: [],
      binaryListValues: [],
    };
    const input = deadLetterMessage('https://q/dlq', record, {
      reason: 'crm-not-found',
      detail: 'x',
      failedAt,
    });
    const names = Object.keys(input.MessageAttributes!);
    expect(names).toHaveLength(10);
    expect(input.MessageAttributes!['failure-reason']!.StringValue).toBe('crm-not-found');
    expect(input.MessageAttributes!['attr-0']!.StringValue).toBe('v0');
  });

  it('keeps replay-count ahead of the producer attributes, and names the ones left out in failure-detail', () => {
    const record = sqsRecord('{}');
    const attribute = (value: string) => ({
      dataType: 'String',
      stringValue: value,
      stringListValues: [],
      binaryListValues: [],
    });
    for (const name of ['a-1', 'a-2', 'a-3', 'a-4', 'a-5', 'a-6', 'a-7', 'a-8', 'a-9'])
      record.messageAttributes[name] = attribute(name);
    record.messageAttributes['replay-count'] = { ...attribute('2'), dataType: 'Number' };

    const input = deadLetterMessage('https://q/dlq', record, { reason: 'ic-validation', detail: 'refused' });

    expect(Object.keys(input.MessageAttributes!).sort()).toEqual(
      [
        'a-1',
        'a-2',
        'a-3',
        'a-4',
        'a-5',
        'failure-detail',
        'failure-reason',
        'failed-at',
        'replay-count',
        'source-message-id',
      ].sort(),
    );
    expect(input.MessageAttributes!['replay-count']).toEqual({ DataType: 'Number', StringValue: '2' });
    expect(input.MessageAttributes!['failure-detail']!.StringValue).toBe(
      'message attributes not kept (SQS allows 10): a-6, a-7, a-8, a-9. refused',
    );
  });

  it('carries a binary attribute as its bytes (Lambda delivers it base64-encoded)', () => {
    const record = sqsRecord('{}');
    record.messageAttributes.trace = {
      dataType: 'Binary',
      binaryValue: Buffer.from([0xde, 0xad, 0xbe, 0xef]).toString('base64'),
      stringListValues: [],
      binaryListValues: [],
    };

    const input = deadLetterMessage('https://q/dlq', record, { reason: 'invalid-event', detail: 'x' });

    expect(input.MessageAttributes!.trace).toEqual({
      DataType: 'Binary',
      BinaryValue: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    });
  });

  it('masks personal data and cuts a long detail', () => {
    const input = deadLetterMessage('https://q/dlq', sqsRecord('{}'), {
      reason: 'ic-validation',
      detail: `email a.person@example.com is invalid ${'x'.repeat(2_000)}`,
    });
    const detail = input.MessageAttributes!['failure-detail']!.StringValue!;
    expect(detail).not.toContain('a.person@example.com');
    expect(detail.length).toBeLessThanOrEqual(1_000);
  });

  it('keeps the message group on a FIFO DLQ and deduplicates by source message id', () => {
    const record = sqsRecord('{}', { MessageGroupId: 'customer-42-7' });
    const input = deadLetterMessage('https://q/dlq.fifo', record, { reason: 'invalid-event', detail: 'd' });
    expect(input.MessageGroupId).toBe('customer-42-7');
    expect(input.MessageDeduplicationId).toBe(`${record.messageId}-dlq`);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { SQSRecord } from 'aws-lambda';
import { requeueCountOf } from '../../../../lib/queue/messageAttributes.ts';
import { requeueEntry } from '../../../../lib/queue/requeue.ts';

const record = (messageAttributes: SQSRecord['messageAttributes'] = {}): SQSRecord =>
  ({
    messageId: 'm-1',
    receiptHandle: 'rh-1',
    body: '{"id":"e-1"}',
    attributes: { ApproximateReceiveCount: '3' },
    messageAttributes,
  }) as unknown as SQSRecord;
const text = (stringValue: string) => ({ dataType: 'String', stringValue }) as const;

describe('requeueEntry', () => {
  it('sends the same body and attributes, counting the deferral and naming the message it continues', () => {
    const entry = requeueEntry(
      record({ producer: text('crm'), 'requeue-count': { dataType: 'Number', stringValue: '2' } }),
      '0',
      8,
    );

    expect(entry).toEqual({
      Id: '0',
      MessageBody: '{"id":"e-1"}',
      DelaySeconds: 8,
      MessageAttributes: {
        producer: { DataType: 'String', StringValue: 'crm' },
        'requeue-count': { DataType: 'Number', StringValue: '3' },
        'requeued-from': { DataType: 'String', StringValue: 'm-1' },
      },
    });
  });

  it('keeps the delay within what SQS allows (0–900 s, whole seconds)', () => {
    expect(requeueEntry(record(), '0', 1_200)!.DelaySeconds).toBe(900);
    expect(requeueEntry(record(), '0', -3)!.DelaySeconds).toBe(0);
    expect(requeueEntry(record(), '0', 2.4)!.DelaySeconds).toBe(2);
  });

  it('gives up (the record is retried the ordinary way) when the attributes would exceed 10', () => {
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, n) => [`a${n}`, text('x')]));

    expect(requeueEntry(record(nine), '0', 1)).toBeUndefined();
    expect(requeueEntry(record(Object.fromEntries(Object.entries(nine).slice(1))), '0', 1)).toBeDefined();
  });
});

describe('requeueCountOf', () => {
  it('is 0 for a message never deferred or with an unreadable count', () => {
    expect(requeueCountOf(record())).toBe(0);
    expect(requeueCountOf(record({ 'requeue-count': text('many') }))).toBe(0);
    expect(requeueCountOf(record({ 'requeue-count': text('4') }))).toBe(4);
  });
});

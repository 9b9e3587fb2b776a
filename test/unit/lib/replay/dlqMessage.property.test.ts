import { expect } from '@jest/globals';
import { fc, test } from '@fast-check/jest';
import type { Message } from '@aws-sdk/client-sqs';
import { describeMessage, replayEntry } from '../../../../lib/replay/index.ts';

const VAT = 'PT543219876';
const EMAIL = 'someone@example.com';

// Anything a DLQ may hold: JSON or not, events with arbitrary data, envelopes, odd attributes.
const body = fc.oneof(
  fc.string(),
  fc.json(),
  fc
    .record({ id: fc.anything(), type: fc.anything(), data: fc.anything() })
    .map((event) => JSON.stringify({ ...event, vatNumber: VAT, email: EMAIL })),
  fc
    .record({ customerId: fc.anything() })
    .map((data) =>
      JSON.stringify({ Type: 'Notification', Message: JSON.stringify({ data, vatNumber: VAT }) }),
    ),
);
const message = fc.record(
  {
    MessageId: fc.string({ minLength: 1 }),
    Body: body,
    Attributes: fc.dictionary(
      fc.constantFrom('SentTimestamp', 'ApproximateReceiveCount', 'MessageGroupId', 'MessageDeduplicationId'),
      fc.string(),
    ),
    MessageAttributes: fc.dictionary(
      fc.string({ minLength: 1 }),
      fc.record({ DataType: fc.constantFrom('String', 'Number'), StringValue: fc.string() }),
    ),
  },
  { requiredKeys: ['MessageId'] },
) as fc.Arbitrary<Message>;

test.prop([message])('describes any DLQ message without throwing and without copying its body', (m) => {
  const row = describeMessage(m, 0);
  expect(typeof row.reason).toBe('string');
  expect(Number.isFinite(row.ageMs) && row.ageMs >= 0).toBe(true);
  expect(JSON.stringify(row)).not.toContain(VAT);
  expect(JSON.stringify(row)).not.toContain(EMAIL);
});

test.prop([message, fc.boolean()])('builds a replay entry for any DLQ message, body unchanged', (m, fifo) => {
  const entry = replayEntry(m, '0', fifo);
  expect(entry.MessageBody).toBe(m.Body ?? '');
  expect(Object.keys(entry.MessageAttributes!).some((k) => k.startsWith('failure-'))).toBe(false);
  if (fifo) expect(entry.MessageDeduplicationId).toMatch(/^[!-~]{1,128}$/);
});

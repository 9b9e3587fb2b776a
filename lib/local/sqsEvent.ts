import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

/** Region and ARN of the queue the records come from, as the Lambda event source mapping reports them. */
export interface QueueSource {
  queueArn: string;
  region?: string;
}

function toLambdaAttributes(message: Message): SQSRecordAttributes {
  const a = message.Attributes ?? {};
  return {
    ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
    SentTimestamp: a.SentTimestamp ?? String(Date.now()),
    SenderId: a.SenderId ?? 'local',
    ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    ...(a.SequenceNumber ? { SequenceNumber: a.SequenceNumber } : {}),
    ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
    ...(a.MessageDeduplicationId ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
    ...(a.AWSTraceHeader ? { AWSTraceHeader: a.AWSTraceHeader } : {}),
  };
}

function toLambdaMessageAttributes(
  attributes: Record<string, MessageAttributeValue> = {},
): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      dataType: value.DataType ?? 'String',
      stringValue: value.StringValue,
      binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return out;
}

/**
 * Builds the Lambda SQS event AWS's event source mapping would deliver for messages received with
 * `AttributeNames: ['All']` and `MessageAttributeNames: ['All']`.
 *
 * @example
 * const event = toSqsEvent(received.Messages ?? [], { queueArn: 'arn:aws:sqs:us-east-1:000000000000:q' });
 */
export function toSqsEvent(messages: Message[], source: QueueSource): SQSEvent {
  const region = source.region ?? source.queueArn.split(':')[3] ?? 'us-east-1';
  const Records: SQSRecord[] = messages.map((m) => ({
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    attributes: toLambdaAttributes(m),
    messageAttributes: toLambdaMessageAttributes(m.MessageAttributes),
    md5OfBody: m.MD5OfBody ?? '',
    ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: source.queueArn,
    awsRegion: region,
  }));
  return { Records };
}

import { CustomerEventSchema, type CustomerEvent } from './schemas.ts';
import { InvalidEventError } from './errors.ts';

/** How the CloudEvent reached the queue; reported in error messages so an operator knows where to look. */
export type EventEnvelope = 'raw' | 'sns' | 'eventbridge';

/** SNS → SQS (without raw message delivery) and EventBridge → SQS can be nested once (EventBridge → SNS → SQS). */
const MAX_ENVELOPE_DEPTH = 3;

/**
 * Parses an SQS message body into a validated customer CloudEvent (docs/events.md#event).
 *
 * Accepts the CloudEvent itself (structured JSON), an SNS notification whose `Message` is the CloudEvent
 * (`Type: 'Notification'`), or an EventBridge event whose `detail` is the CloudEvent. Anything else throws
 * {@link InvalidEventError} (permanent, reason `invalid-event`) whose message names paths, never values.
 *
 * @example
 * const event = parseEventBody(record.body);
 * event.data.customerId; // 1
 */
export function parseEventBody(body: string): CustomerEvent {
  return parseEvent(parseJson(body, 'body'));
}

/**
 * Same as {@link parseEventBody} for an already JSON-parsed value (e.g. one element of a webhook's array).
 *
 * @example
 * const events = (JSON.parse(body) as unknown[]).map(parseEvent);
 */
export function parseEvent(value: unknown): CustomerEvent {
  const { event, envelope } = unwrap(value);
  const result = CustomerEventSchema.safeParse(event);
  if (!result.success) {
    const where =
      envelope === 'raw' ? '' : ` (inside an ${envelope === 'sns' ? 'SNS' : 'EventBridge'} envelope)`;
    throw InvalidEventError.fromZod(`invalid customer CloudEvent${where}`, result.error.issues, result.error);
  }
  return result.data;
}

/** Peels SNS / EventBridge envelopes off `value`, innermost envelope reported. */
export function unwrap(value: unknown): { event: unknown; envelope: EventEnvelope } {
  let current = value;
  let envelope: EventEnvelope = 'raw';
  for (let depth = 0; depth < MAX_ENVELOPE_DEPTH; depth += 1) {
    if (isSnsNotification(current)) {
      current = parseJson(current.Message, 'SNS Message');
      envelope = 'sns';
    } else if (isEventBridgeEvent(current)) {
      current = current.detail;
      envelope = 'eventbridge';
    } else {
      break;
    }
  }
  return { event: current, envelope };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSnsNotification(value: unknown): value is { Type: 'Notification'; Message: string } {
  return isObject(value) && value.Type === 'Notification' && typeof value.Message === 'string';
}

// A CloudEvent never has `detail-type`; EventBridge always has it (plus `detail`).
function isEventBridgeEvent(value: unknown): value is { 'detail-type': string; detail: unknown } {
  return isObject(value) && typeof value['detail-type'] === 'string' && 'detail' in value;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // JSON.parse's own message quotes part of the input (possibly personal data): neither kept nor chained.
    throw new InvalidEventError(`${what} is not valid JSON`, []);
  }
}

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { InvalidEventError } from '../../../../lib/events/errors.ts';
import { parseEvent, parseEventBody } from '../../../../lib/events/parseEventBody.ts';

const cloudEvent = {
  specversion: '1.0',
  id: '4f1c7a52-0d7e-4c2e-9a55-0b7f3e4d2a10',
  source: 'cro-software/tenants/42',
  type: 'crm.customer.updated',
  time: '2026-11-22T10:00:00Z',
  subject: 'customers/1',
  data: {
    tenantId: 42,
    customerId: 1,
    vatNumber: 'PT543219876',
    locale: 'pt',
    attributes: { segment: 'enterprise' },
  },
};

function snsNotification(message: unknown) {
  return {
    Type: 'Notification',
    MessageId: 'b1946ac9-2a2e-5c42-9c4a-1f1c3a3a1a1a',
    TopicArn: 'arn:aws:sns:eu-west-1:123456789012:crm-events',
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    Timestamp: '2026-11-22T10:00:01.000Z',
  };
}

function eventBridgeEvent(detail: unknown) {
  return {
    version: '0',
    id: 'c7f3a9d0-0000-4000-8000-000000000000',
    'detail-type': 'crm.customer.updated',
    source: 'cro-software',
    account: '123456789012',
    time: '2026-11-22T10:00:01Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

function invalidEvent(body: string): InvalidEventError {
  try {
    parseEventBody(body);
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('expected an InvalidEventError');
}

describe('parseEventBody', () => {
  it('parses a raw structured CloudEvent', () => {
    const event = parseEventBody(JSON.stringify(cloudEvent));

    expect(event).toEqual(cloudEvent);
  });

  it('unwraps an SNS notification whose Message is the CloudEvent', () => {
    const event = parseEventBody(JSON.stringify(snsNotification(cloudEvent)));

    expect(event).toEqual(cloudEvent);
  });

  it('unwraps an EventBridge event whose detail is the CloudEvent', () => {
    const event = parseEventBody(JSON.stringify(eventBridgeEvent(cloudEvent)));

    expect(event).toEqual(cloudEvent);
  });

  it('unwraps EventBridge delivered through SNS', () => {
    const event = parseEventBody(JSON.stringify(snsNotification(eventBridgeEvent(cloudEvent))));

    expect(event.id).toBe(cloudEvent.id);
  });

  it('ignores unknown extra fields', () => {
    const event = parseEventBody(
      JSON.stringify({ ...cloudEvent, extension: 'x', data: { ...cloudEvent.data, extra: true } }),
    );

    expect(event).not.toHaveProperty('extension');
    expect(event.data).not.toHaveProperty('extra');
  });

  it('rejects a body that is not JSON without quoting it', () => {
    const error = invalidEvent('{"email": "ana@example.pt"');

    expect(error.reason).toBe('invalid-event');
    expect(error.transient).toBe(false);
    expect(error.message).toBe('body is not valid JSON');
    expect(error.message).not.toContain('ana@example.pt');
  });

  it('rejects an SNS Message that is not JSON', () => {
    const error = invalidEvent(JSON.stringify(snsNotification('hello +351912345678')));

    expect(error.message).toBe('SNS Message is not valid JSON');
  });

  it('lists each problem as path: message, without the values', () => {
    const body = JSON.stringify({
      ...cloudEvent,
      type: 'crm.invoice.paid',
      data: { tenantId: 'PT543219876', vatNumber: 'PT543219876' },
    });

    const error = invalidEvent(body);

    expect(error.issues.map((issue) => issue.path)).toEqual(['type', 'data.tenantId', 'data.customerId']);
    expect(error.message).toMatch(
      /^invalid customer CloudEvent: type: .+; data\.tenantId: .+; data\.customerId: .+$/,
    );
    expect(error.message).not.toContain('PT543219876');
    expect(error.message).not.toContain('crm.invoice.paid');
  });

  it("words each problem with zod's English messages", () => {
    const body = JSON.stringify({
      ...cloudEvent,
      type: 'crm.invoice.paid',
      data: { tenantId: 0, vatNumber: '' },
    });

    const error = invalidEvent(body);

    expect(error.issues).toEqual([
      {
        path: 'type',
        message: 'Invalid option: expected one of "crm.customer.created"|"crm.customer.updated"',
      },
      { path: 'data.tenantId', message: 'Too small: expected number to be >0' },
      { path: 'data.customerId', message: 'Invalid input: expected number, received undefined' },
      { path: 'data.vatNumber', message: 'Too small: expected string to have >=1 characters' },
    ]);
  });

  it('says which envelope held the invalid event', () => {
    const error = invalidEvent(JSON.stringify(eventBridgeEvent({ ...cloudEvent, specversion: '0.3' })));

    expect(error.message).toMatch(
      /^invalid customer CloudEvent \(inside an EventBridge envelope\): specversion: /,
    );
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a number', '42'],
    ['an empty object', '{}'],
  ])('rejects %s as the body', (_name, body) => {
    const error = invalidEvent(body);

    expect(error.issues.length).toBeGreaterThan(0);
  });

  it('never throws anything but InvalidEventError, and never echoes a string from the input', () => {
    const secret = fc.constantFrom('ana@example.pt', '+351912345678', 'PT543219876');
    const mutated = fc.record({
      specversion: fc.oneof(fc.constant('1.0'), secret),
      id: fc.oneof(fc.string(), secret, fc.integer()),
      source: fc.oneof(fc.string(), secret),
      type: fc.oneof(fc.constantFrom('crm.customer.created', 'crm.customer.updated'), secret),
      data: fc.oneof(
        fc.record({ tenantId: fc.oneof(fc.integer(), secret), customerId: fc.oneof(fc.integer(), secret) }),
        fc.anything(),
      ),
    });
    const bodies = fc.oneof(
      fc.string(),
      fc.json(),
      mutated.map((event) => JSON.stringify(event)),
      mutated.map((event) => JSON.stringify(snsNotification(event))),
      mutated.map((event) => JSON.stringify(eventBridgeEvent(event))),
    );

    fc.assert(
      fc.property(bodies, (body) => {
        try {
          const event = parseEventBody(body);
          expect(event.specversion).toBe('1.0');
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidEventError);
          const message = (error as Error).message;
          for (const value of ['ana@example.pt', '+351912345678', 'PT543219876']) {
            expect(message).not.toContain(value);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseEvent', () => {
  it('validates an already parsed value', () => {
    expect(parseEvent(cloudEvent).data.customerId).toBe(1);
  });
});

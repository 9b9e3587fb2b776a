import { InvalidEventError, type EventIssue } from '../events/errors.ts';
import { parseEvent } from '../events/parseEventBody.ts';
import type { CustomerEvent } from '../events/schemas.ts';
import { WebhookPayloadError } from './errors.ts';

/** Events per request: one SendMessageBatch, and a bounded amount of work per delivery. */
export const MAX_EVENTS_PER_REQUEST = 10;

/** A validated event and the JSON that goes on the queue (the element as sent, unknown fields kept). */
export interface AcceptedEvent {
  event: CustomerEvent;
  body: string;
}

/**
 * Parses a webhook body — one CloudEvent or a JSON array of 1–10 — with the ONE event schema the sync uses
 * (`lib/events`), and checks every event is for `tenantId`. Every problem of every element is reported at
 * once (`[2].data.customerId: ...`); throws {@link WebhookPayloadError} (400) with the issues.
 *
 * @example
 * const accepted = parseWebhookEvents('[{"specversion":"1.0",...}]', 42);
 */
export function parseWebhookEvents(text: string, tenantId: number): AcceptedEvent[] {
  const value = parseJson(text);
  const elements = Array.isArray(value) ? value : [value];
  const prefix = (index: number) => (Array.isArray(value) ? `[${index}]` : '');
  if (elements.length === 0) throw new WebhookPayloadError('empty event array');
  if (elements.length > MAX_EVENTS_PER_REQUEST) {
    throw new WebhookPayloadError(`at most ${MAX_EVENTS_PER_REQUEST} events per request`, [
      { path: '(root)', message: `array of ${elements.length} events, at most ${MAX_EVENTS_PER_REQUEST}` },
    ]);
  }
  const issues: EventIssue[] = [];
  const accepted: AcceptedEvent[] = [];
  elements.forEach((element, index) => {
    try {
      const event = parseEvent(element);
      if (event.data.tenantId !== tenantId) {
        issues.push({
          path: join(prefix(index), 'data.tenantId'),
          message: 'is not the tenant this endpoint serves',
        });
      }
      accepted.push({ event, body: JSON.stringify(element) });
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      const own = error.issues.length > 0 ? error.issues : [{ path: '(root)', message: error.message }];
      issues.push(...own.map((issue) => ({ path: join(prefix(index), issue.path), message: issue.message })));
    }
  });
  if (issues.length > 0) throw new WebhookPayloadError('invalid customer CloudEvent(s)', issues);
  return accepted;
}

function join(prefix: string, path: string): string {
  if (prefix === '') return path;
  return path === '(root)' ? prefix : `${prefix}.${path}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // JSON.parse's message quotes the input: not kept.
    throw new WebhookPayloadError('body is not valid JSON', [{ path: '(root)', message: 'not valid JSON' }]);
  }
}

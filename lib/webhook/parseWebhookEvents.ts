import { InvalidEventError, type EventIssue } from '../events/errors.ts';
import { parseEvent } from '../events/parseEventBody.ts';
import type { CustomerEvent } from '../events/schemas.ts';
import { decodeCloudEvents } from './cloudEventsHttp.ts';
import { WebhookPayloadError } from './errors.ts';
import type { WebhookRequest } from './types.ts';

/** Events per request: one SendMessageBatch, and a bounded amount of work per delivery. */
export const MAX_EVENTS_PER_REQUEST = 10;

/** A validated event and the JSON that goes on the queue (the element as sent, unknown fields kept). */
export interface AcceptedEvent {
  event: CustomerEvent;
  body: string;
}

/**
 * Parses a webhook request — one CloudEvent or an array of 1–10, in any content mode of the CloudEvents HTTP
 * binding ({@link decodeCloudEvents}) — with the ONE event schema the sync uses (`lib/events`), and checks
 * every event is for `tenantId`. Every problem of every element is reported at once
 * (`[2].data.customerId: ...`); throws {@link WebhookPayloadError} (400) with the issues. The queue body is
 * the structured JSON event (as sent in structured and batched modes, unknown fields kept).
 *
 * @example
 * const accepted = parseWebhookEvents({ headers: { 'content-type': 'application/json' }, body }, 42);
 */
export function parseWebhookEvents(
  request: Pick<WebhookRequest, 'headers' | 'body'>,
  tenantId: number,
): AcceptedEvent[] {
  const { value } = decodeCloudEvents(request);
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

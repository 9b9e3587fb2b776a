import { WebhookPayloadError } from './errors.ts';
import type { WebhookRequest } from './types.ts';

/**
 * How a request carries its CloudEvent(s) (CloudEvents HTTP Protocol Binding 1.0.2, §3):
 * - `structured`: `application/cloudevents+json`, the body is one event;
 * - `batched`: `application/cloudevents-batch+json`, the body is a JSON array of events;
 * - `binary`: the attributes are `ce-*` headers, the body is `data` (`content-type` is `datacontenttype`);
 * - `json`: any other request without `ce-specversion` (plain `application/json`, or a sender that sets no
 *   useful content type): the body is one event or an array of them, as crm-sync always accepted.
 */
export type ContentMode = 'structured' | 'batched' | 'binary' | 'json';

/** The request decoded to the structured JSON form: one event object, or an array of them. */
export interface DecodedCloudEvents {
  mode: ContentMode;
  /** The parsed JSON: an event (structured, binary, json) or an array (batched, json). */
  value: unknown;
}

const STRUCTURED = 'application/cloudevents+json';
const BATCHED = 'application/cloudevents-batch+json';
// Context attributes of the spec that are not extensions: copied first, in this order.
const CORE_ATTRIBUTES = ['specversion', 'id', 'source', 'type', 'time', 'subject', 'dataschema'];

/**
 * Reads a webhook request in any content mode of the CloudEvents HTTP binding and returns the events in
 * structured JSON form — what goes on the queue whatever the sender chose. A binary-mode request becomes
 * `{specversion, id, source, type, ..., datacontenttype, data}` with its `ce-*` headers percent-decoded
 * (§3.1.3.2) and its JSON body as `data`; extension attributes (e.g. `ce-traceparent`) are kept.
 * Throws {@link WebhookPayloadError} (400) for a body that is not JSON, a structured body that is an array,
 * a batched body that is not one, or a binary body whose content type is not JSON (crm-sync's `data` is an object).
 *
 * Hand-written (about 60 lines) rather than the `cloudevents` SDK's `HTTP.toEvent`: the SDK brings ajv,
 * ajv-formats, json-bigint and browser polyfills (several times the webhook bundle's size) and validates with
 * its own schema, while crm-sync validates every event once, with its own zod schema, whatever the mode.
 * The tests use the SDK as the producer (`HTTP.binary`, `HTTP.structured`).
 *
 * @example
 * decodeCloudEvents({ headers: { 'ce-specversion': '1.0', 'ce-id': 'e-1', ..., 'content-type': 'application/json' }, body });
 * // { mode: 'binary', value: { specversion: '1.0', id: 'e-1', ..., datacontenttype: 'application/json', data: {...} } }
 */
export function decodeCloudEvents(request: Pick<WebhookRequest, 'headers' | 'body'>): DecodedCloudEvents {
  const contentType = request.headers['content-type'] ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType === STRUCTURED) {
    const value = parseJson(request.body);
    if (Array.isArray(value)) {
      throw new WebhookPayloadError(`${STRUCTURED} carries one event`, [
        { path: '(root)', message: `an array: send several events as ${BATCHED}` },
      ]);
    }
    return { mode: 'structured', value };
  }
  if (mediaType === BATCHED) {
    const value = parseJson(request.body);
    if (!Array.isArray(value)) {
      throw new WebhookPayloadError(`${BATCHED} carries a JSON array of events`, [
        { path: '(root)', message: 'not an array' },
      ]);
    }
    return { mode: 'batched', value };
  }
  if (request.headers['ce-specversion'] !== undefined) {
    return { mode: 'binary', value: binaryEvent(request.headers, mediaType, contentType, request.body) };
  }
  return { mode: 'json', value: parseJson(request.body) };
}

function binaryEvent(
  headers: WebhookRequest['headers'],
  mediaType: string,
  contentType: string,
  body: Buffer,
): Record<string, unknown> {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('ce-') && name.length > 3 && value !== undefined) {
      attributes[name.slice(3)] = percentDecode(value);
    }
  }
  if (!isJsonMediaType(mediaType)) {
    throw new WebhookPayloadError('binary-mode data must be JSON', [
      { path: 'datacontenttype', message: 'expected content-type application/json (or a +json type)' },
    ]);
  }
  const event: Record<string, unknown> = {};
  for (const name of CORE_ATTRIBUTES) if (name in attributes) event[name] = attributes[name];
  for (const [name, value] of Object.entries(attributes)) if (!(name in event)) event[name] = value;
  if (contentType !== '') event.datacontenttype = contentType;
  event.data = parseJson(body);
  return event;
}

// `application/json`, `text/json`, and any `+json` structured syntax suffix (RFC 6839).
function isJsonMediaType(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType === 'text/json' || mediaType.endsWith('+json');
}

// §3.1.3.2: header values are percent-encoded UTF-8. A `%` not followed by a valid sequence is kept as is:
// some SDKs (the JavaScript one among them) send values without encoding them.
function percentDecode(value: string): string {
  return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (encoded) => {
    try {
      return decodeURIComponent(encoded);
    } catch {
      return encoded;
    }
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    // JSON.parse's message quotes the input: not kept.
    throw new WebhookPayloadError('body is not valid JSON', [{ path: '(root)', message: 'not valid JSON' }]);
  }
}

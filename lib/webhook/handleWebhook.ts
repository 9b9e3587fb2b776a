import { EnqueueError, enqueueEvents } from '../queue/enqueueEvents.ts';
import { croDeliveryToEvent } from './croDelivery.ts';
import {
  WebhookError,
  WebhookMethodError,
  WebhookPayloadError,
  WebhookPayloadTooLargeError,
  WebhookUnavailableError,
} from './errors.ts';
import { parseWebhookEvents, type AcceptedEvent } from './parseWebhookEvents.ts';
import type { WebhookDeps, WebhookRequest, WebhookResponse } from './types.ts';
import { verifyRequest } from './verifyRequest.ts';

/** SQS's classic message size limit: a body that fits is an event that fits. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * The webhook's whole job, independent of what carried the request (docs/events.md#webhook):
 * `POST` only (405) → size ≤ 256 KiB (413) → signature (401) → one or an array of ≤ 10 valid CloudEvents
 * for this tenant in any content mode of the CloudEvents HTTP binding (structured, batched, binary), or a
 * CRO-native payload turned into one (400) → `SendMessageBatch` of the structured events (503 unless every
 * event is on the queue) → `202 {accepted: [ids]}`. Bad input never gets a 5xx; nothing unenqueued gets a 2xx.
 *
 * @example
 * const response = await handleWebhook({ method: 'POST', headers, body: Buffer.from(text) }, deps);
 */
export async function handleWebhook(request: WebhookRequest, deps: WebhookDeps): Promise<WebhookResponse> {
  // Keys go on each line (not appendKeys): the local stack serves concurrent requests with one logger.
  let keys: Record<string, string> = {};
  try {
    if (request.method !== 'POST') throw new WebhookMethodError(request.method);
    const limit = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (request.body.length > limit) throw new WebhookPayloadTooLargeError(request.body.length, limit);
    const verified = await verifyRequest(request, deps);
    keys =
      verified.scheme === 'cro'
        ? { scheme: verified.scheme, deliveryId: verified.deliveryId ?? '(none)' }
        : { scheme: verified.scheme, webhookId: verified.webhookId };
    const accepted: AcceptedEvent[] =
      verified.scheme === 'cro'
        ? [
            croDeliveryToEvent(
              request.body,
              { deliveryId: verified.deliveryId, requestId: request.requestId },
              deps.tenantId,
            ),
          ]
        : parseWebhookEvents(request, deps.tenantId);
    await enqueue(accepted, deps);
    const ids = accepted.map((a) => a.event.id);
    deps.metrics.accepted(ids.length);
    deps.logger.info('accepted', {
      ...keys,
      eventIds: ids,
      customerIds: accepted.map((a) => a.event.data.customerId),
    });
    return { status: 202, headers: JSON_HEADERS, body: { accepted: ids } };
  } catch (error) {
    return rejection(error, deps, Object.keys(keys).length > 0 ? keys : unverifiedKeys(request));
  }
}

async function enqueue(accepted: readonly AcceptedEvent[], deps: WebhookDeps): Promise<void> {
  try {
    await enqueueEvents(
      deps.sqs,
      deps.queueUrl,
      accepted.map(({ event, body }) => ({
        id: event.id,
        tenantId: event.data.tenantId,
        customerId: event.data.customerId,
        body,
      })),
    );
  } catch (error) {
    if (error instanceof EnqueueError) throw new WebhookUnavailableError(error.message, error);
    throw error;
  }
}

// Before verification the ids are only claims, logged as such (a short, printable prefix).
function unverifiedKeys(request: WebhookRequest): Record<string, string> {
  const claimed = request.headers['webhook-id'];
  return claimed === undefined
    ? {}
    : { claimedWebhookId: claimed.replace(/[^\x21-\x7e]/g, '?').slice(0, 100) };
}

function rejection(error: unknown, deps: WebhookDeps, keys: Record<string, string>): WebhookResponse {
  const { logger } = deps;
  if (!(error instanceof WebhookError)) {
    // A bug, not bad input: 500, and the sender retries. Logged by name only (the message could quote input).
    deps.metrics.rejected(500);
    logger.error('unexpected failure', {
      ...keys,
      errorName: error instanceof Error ? error.name : typeof error,
    });
    return { status: 500, headers: JSON_HEADERS, body: { error: 'internal error' } };
  }
  deps.metrics.rejected(error.status);
  const log = error.status >= 500 ? logger.error.bind(logger) : logger.warn.bind(logger);
  log('rejected', { ...keys, status: error.status, reason: error.reason, detail: error.message });
  const body: Record<string, unknown> = { error: error.publicMessage };
  if (error instanceof WebhookPayloadError && error.issues.length > 0) body.issues = error.issues;
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (error.status === 405) headers.allow = 'POST';
  if (error.status === 503) headers['retry-after'] = '5';
  return { status: error.status, headers, body };
}

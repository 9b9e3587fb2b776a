import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { WebhookRequest, WebhookResponse } from './types.ts';

/**
 * The request inside an API Gateway HTTP API (payload 2.0) or Function URL event: the method, lower-case
 * headers, the raw body bytes — base64-decoded when `isBase64Encoded`, which is what was signed — and the
 * request id (both carriers always set `requestContext.requestId`; a fresh UUID stands in otherwise).
 *
 * @example
 * const request = fromApiGatewayEvent(event); // { method: 'POST', headers: {...}, body: <Buffer> }
 */
export function fromApiGatewayEvent(event: APIGatewayProxyEventV2): WebhookRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const raw = event.body ?? '';
  return {
    method: (event.requestContext?.http?.method ?? 'GET').toUpperCase(),
    headers,
    body: Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8'),
    requestId: event.requestContext?.requestId || randomUUID(),
  };
}

/**
 * The API Gateway result for a webhook response (JSON body).
 *
 * @example
 * return toApiGatewayResult({ status: 202, headers: {}, body: { accepted: ['e-1'] } });
 */
export function toApiGatewayResult(response: WebhookResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.status,
    headers: response.headers,
    body: JSON.stringify(response.body),
    isBase64Encoded: false,
  };
}

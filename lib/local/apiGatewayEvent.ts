import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** An HTTP request to turn into an API Gateway event. */
export interface HttpRequestParts {
  method: string;
  /** Path with optional query string, e.g. `/webhook?x=1`. */
  path: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
  sourceIp?: string;
}

const TEXT_TYPES = /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|x-www-form-urlencoded)\b)/i;

/**
 * The API Gateway HTTP API (payload format 2.0) event for a request, as AWS builds it: lower-case headers
 * (repeated ones joined with commas), cookies split out, and the body as text for textual content types
 * that are valid UTF-8, else base64 with `isBase64Encoded: true`.
 *
 * @example
 * const event = apiGatewayV2Event({ method: 'POST', path: '/webhook', headers, body });
 */
export function apiGatewayV2Event(request: HttpRequestParts): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = headers.cookie?.split(/;\s*/).filter(Boolean);
  delete headers.cookie;
  const [rawPath = '/', rawQueryString = ''] = request.path.split(/\?(.*)/s);
  const queryStringParameters =
    rawQueryString === '' ? undefined : Object.fromEntries(new URLSearchParams(rawQueryString));
  const asText = TEXT_TYPES.test(headers['content-type'] ?? 'application/json') && isUtf8(request.body);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies !== undefined && { cookies }),
    headers,
    ...(queryStringParameters !== undefined && { queryStringParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: request.method.toUpperCase(),
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(request.body.length > 0 && { body: request.body.toString(asText ? 'utf8' : 'base64') }),
    isBase64Encoded: request.body.length > 0 && !asText,
  };
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

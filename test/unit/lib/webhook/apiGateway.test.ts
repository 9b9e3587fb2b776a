import { describe, expect, it } from '@jest/globals';
import { apiGatewayV2Event } from '../../../../lib/local/apiGatewayEvent.ts';
import { fromApiGatewayEvent, toApiGatewayResult } from '../../../../lib/webhook/apiGateway.ts';

describe('API Gateway v2 events', () => {
  it('carries a JSON body as text and gives the webhook the same bytes back', () => {
    const body = Buffer.from('{"name":"Ação"}');

    const event = apiGatewayV2Event({
      method: 'post',
      path: '/webhook?x=1',
      headers: { 'Content-Type': 'application/json', 'Webhook-Id': 'msg_1' },
      body,
    });

    expect(event).toMatchObject({ isBase64Encoded: false, rawPath: '/webhook', rawQueryString: 'x=1' });
    expect(fromApiGatewayEvent(event)).toEqual({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' },
      body,
      requestId: event.requestContext.requestId,
    });
  });

  it('base64-encodes binary content types and bytes that are not UTF-8, and decodes them back', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x7b, 0x7d]);

    const binary = apiGatewayV2Event({
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/json' },
      body: bytes,
    });
    const octets = apiGatewayV2Event({
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from('{}'),
    });

    expect([binary.isBase64Encoded, octets.isBase64Encoded]).toEqual([true, true]);
    expect(fromApiGatewayEvent(binary).body).toEqual(bytes);
    expect(fromApiGatewayEvent(octets).body.toString()).toBe('{}');
  });

  it('joins repeated headers with commas and takes cookies out, as API Gateway does', () => {
    const event = apiGatewayV2Event({
      method: 'POST',
      path: '/',
      headers: { 'x-many': ['a', 'b'], cookie: 'a=1; b=2' },
      body: Buffer.alloc(0),
    });

    expect(event.headers['x-many']).toBe('a,b');
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.body).toBeUndefined();
  });

  it('turns a webhook response into a JSON result', () => {
    expect(
      toApiGatewayResult({
        status: 202,
        headers: { 'content-type': 'application/json' },
        body: { accepted: ['e'] },
      }),
    ).toEqual({
      statusCode: 202,
      headers: { 'content-type': 'application/json' },
      body: '{"accepted":["e"]}',
      isBase64Encoded: false,
    });
  });
});

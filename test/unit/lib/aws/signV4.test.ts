import { describe, expect, it } from '@jest/globals';
import { signV4 } from '../../../../lib/aws/signV4.ts';
import { expectedAuthorization } from '../../../helpers/awsJsonServer.ts';

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const SCOPE = { region: 'us-east-1', service: 'dynamodb' };
const request = (body: string) => ({
  host: 'dynamodb.us-east-1.amazonaws.com',
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
  body,
});

/** What the AWS SDK's signer computes for the headers `signV4` produced. */
const sdkSignature = (headers: Record<string, string>, body: string, credentials = CREDENTIALS) =>
  expectedAuthorization({ target: '', headers, body, input: {} }, { ...SCOPE, credentials });

describe('signV4', () => {
  it('signs as the AWS SDK signer does, over each day and with or without a session token', async () => {
    const body = '{"TableName":"t","Key":{"pk":{"S":"customer#42#1"}}}';
    const withToken = { ...CREDENTIALS, sessionToken: 'FwoGZXIvYXdzE//token' };
    for (const [credentials, now] of [
      [CREDENTIALS, new Date('2015-08-30T12:36:00Z')],
      [CREDENTIALS, new Date('2026-11-30T23:59:59Z')],
      [withToken, new Date('2026-12-01T00:00:01Z')],
    ] as const) {
      const headers = signV4(request(body), SCOPE, credentials, now);
      expect(headers.authorization).toBe(await sdkSignature(headers, body, credentials));
    }
  });

  it('dates the request and names the signed headers in the credential scope', () => {
    const headers = signV4(request('{}'), SCOPE, CREDENTIALS, new Date('2015-08-30T12:36:00.123Z'));
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers.host).toBe('dynamodb.us-east-1.amazonaws.com');
    expect(headers['x-amz-security-token']).toBeUndefined();
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/us-east-1\/dynamodb\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
  });

  it('changes the signature with the body, the secret and the day', () => {
    const at = new Date('2026-11-30T10:00:00Z');
    const base = signV4(request('{"a":1}'), SCOPE, CREDENTIALS, at).authorization;
    expect(signV4(request('{"a":2}'), SCOPE, CREDENTIALS, at).authorization).not.toBe(base);
    expect(
      signV4(request('{"a":1}'), SCOPE, { ...CREDENTIALS, secretAccessKey: 'other' }, at).authorization,
    ).not.toBe(base);
    expect(
      signV4(request('{"a":1}'), SCOPE, CREDENTIALS, new Date('2026-12-01T10:00:00Z')).authorization?.slice(
        -64,
      ),
    ).not.toBe(base?.slice(-64));
  });
});

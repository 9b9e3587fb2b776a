import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { WebhookSignatureError } from '../../../../lib/webhook/errors.ts';
import { verifyCroSignature } from '../../../../lib/webhook/verifyCroSignature.ts';
import { croSign, newWebhookSecret } from '../../../helpers/signWebhook.ts';

const body = Buffer.from('{"id":7,"name":"Acme"}');
const secret = newWebhookSecret();

describe('verifyCroSignature', () => {
  it('accepts an HMAC-SHA256 of the raw body in base64 keyed with the decoded secret', () => {
    expect(() => verifyCroSignature(body, croSign(body, secret), [secret], 'base64')).not.toThrow();
  });

  it('accepts a hex digest when configured for hex, with or without a sha256= prefix', () => {
    const hex = croSign(body, secret, 'hex');

    expect(() => verifyCroSignature(body, hex, [secret], 'hex')).not.toThrow();
    expect(() => verifyCroSignature(body, `sha256=${hex}`, [secret], 'hex')).not.toThrow();
  });

  it('accepts a digest keyed with the base64 text of the secret (CRO does not document which)', () => {
    const text = secret.slice('whsec_'.length);
    const signature = createHmac('sha256', text).update(body).digest('base64');

    expect(() => verifyCroSignature(body, signature, [secret], 'base64')).not.toThrow();
  });

  it('accepts the previous secret during a rotation', () => {
    const previous = newWebhookSecret();

    expect(() =>
      verifyCroSignature(body, croSign(body, previous), [secret, previous], 'base64'),
    ).not.toThrow();
  });

  it('rejects a digest of another body, another secret, or garbage', () => {
    const cases = [
      croSign(Buffer.from('{"id":8}'), secret),
      croSign(body, newWebhookSecret()),
      'not base64!',
      '',
      croSign(body, secret, 'hex'),
    ];
    for (const signature of cases) {
      expect(() => verifyCroSignature(body, signature, [secret], 'base64')).toThrow(WebhookSignatureError);
    }
  });
});

import { describe, expect, it } from '@jest/globals';
import { WebhookSignatureError } from '../../../../lib/webhook/errors.ts';
import { verifyStandardSignature } from '../../../../lib/webhook/verifyStandardSignature.ts';
import { newWebhookSecret, signWebhook } from '../../../helpers/signWebhook.ts';

const body = JSON.stringify({ specversion: '1.0', id: 'e-1' });
const secret = newWebhookSecret();
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

function rejection(fn: () => unknown): WebhookSignatureError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookSignatureError) return error;
    throw error;
  }
  throw new Error('expected a WebhookSignatureError');
}

describe('verifyStandardSignature', () => {
  it('returns the webhook id of a correctly signed delivery', () => {
    const headers = signWebhook(body, secret, { id: 'msg_1' });

    expect(verifyStandardSignature(body, headers, [secret])).toBe('msg_1');
  });

  it('rejects a signature made with another secret', () => {
    const headers = signWebhook(body, newWebhookSecret());

    expect(rejection(() => verifyStandardSignature(body, headers, [secret])).status).toBe(401);
  });

  it('rejects a body changed after signing, even by one character', () => {
    const headers = signWebhook(body, secret);

    expect(() => verifyStandardSignature(body.replace('e-1', 'e-2'), headers, [secret])).toThrow(
      WebhookSignatureError,
    );
  });

  it('rejects a timestamp more than five minutes old', () => {
    const headers = signWebhook(body, secret, { timestamp: minutes(-6) });

    expect(rejection(() => verifyStandardSignature(body, headers, [secret])).message).toMatch(/too old/);
  });

  it('rejects a timestamp more than five minutes in the future', () => {
    const headers = signWebhook(body, secret, { timestamp: minutes(6) });

    expect(rejection(() => verifyStandardSignature(body, headers, [secret])).message).toMatch(/too new/);
  });

  it('accepts clock skew under five minutes either way', () => {
    for (const skew of [-4, 4]) {
      const headers = signWebhook(body, secret, { id: `msg_${skew}`, timestamp: minutes(skew) });
      expect(verifyStandardSignature(body, headers, [secret])).toBe(`msg_${skew}`);
    }
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const)(
    'rejects a delivery without the %s header, naming it',
    (name) => {
      const headers: Record<string, string | undefined> = { ...signWebhook(body, secret) };
      delete headers[name];

      expect(rejection(() => verifyStandardSignature(body, headers, [secret])).message).toContain(name);
    },
  );

  it('accepts a delivery signed with the previous secret while both are configured (rotation)', () => {
    const previous = newWebhookSecret();
    const headers = signWebhook(body, previous, { id: 'msg_old' });

    expect(verifyStandardSignature(body, headers, [secret, previous])).toBe('msg_old');
  });

  it('accepts a header carrying several signatures when one of them matches', () => {
    const good = signWebhook(body, secret, { id: 'msg_2' });
    const other = signWebhook(body, newWebhookSecret(), { id: 'msg_2' });
    const headers = {
      ...good,
      'webhook-signature': `${other['webhook-signature']} v2,ignored ${good['webhook-signature']}`,
    };

    expect(verifyStandardSignature(body, headers, [secret])).toBe('msg_2');
  });

  it('never puts a secret or a signature in the error', () => {
    const headers = signWebhook(body, newWebhookSecret());

    const error = rejection(() => verifyStandardSignature(body, headers, [secret]));

    expect(error.message).not.toContain(secret.slice(6));
    expect(error.message).not.toContain(headers['webhook-signature'].slice(3));
    expect(error.publicMessage).toBe('unauthorized');
  });
});

import { describe, expect, it } from '@jest/globals';
import { WebhookSignatureError } from '../../../../lib/webhook/errors.ts';
import type { WebhookDeps } from '../../../../lib/webhook/types.ts';
import { verifyRequest } from '../../../../lib/webhook/verifyRequest.ts';
import { croSign, newWebhookSecret, signWebhook } from '../../../helpers/signWebhook.ts';

const CRO = {
  signatureHeader: 'x-cro-signature',
  deliveryIdHeader: 'x-cro-delivery-id',
  encoding: 'base64',
} as const;

/** A secret cache that still holds `cached` until asked to refresh, as the Secrets Manager reader does. */
function rotatedSecrets(cached: string, current: string) {
  const reads: boolean[] = [];
  const secrets: WebhookDeps['secrets'] = async (options) => {
    reads.push(options?.forceRefresh ?? false);
    return [options?.forceRefresh ? current : cached];
  };
  return { secrets, reads };
}

const request = (body: string, headers: Record<string, string>) => ({
  method: 'POST',
  headers,
  body: Buffer.from(body),
  requestId: 'r-1',
});

describe('verifyRequest', () => {
  it('accepts a Standard Webhooks delivery signed with a secret rotated since it was cached, after one refresh', async () => {
    const [old, next] = [newWebhookSecret(), newWebhookSecret()];
    const { secrets, reads } = rotatedSecrets(old, next);
    const body = '{"id":"evt-1"}';

    const verified = await verifyRequest(request(body, signWebhook(body, next, { id: 'msg_1' })), {
      secrets,
      cro: CRO,
    });

    expect(verified).toEqual({ scheme: 'standard-webhooks', webhookId: 'msg_1' });
    expect(reads).toEqual([false, true]);
  });

  it('accepts a CRO-native delivery signed with the rotated secret, after one refresh', async () => {
    const [old, next] = [newWebhookSecret(), newWebhookSecret()];
    const { secrets, reads } = rotatedSecrets(old, next);
    const body = '{"customer_id":7}';

    const verified = await verifyRequest(
      request(body, { 'x-cro-signature': croSign(body, next), 'x-cro-delivery-id': 'd-1' }),
      { secrets, cro: CRO },
    );

    expect(verified).toEqual({ scheme: 'cro', deliveryId: 'd-1' });
    expect(reads).toEqual([false, true]);
  });

  it('refreshes once only, and rejects a signature matching no secret', async () => {
    const { secrets, reads } = rotatedSecrets(newWebhookSecret(), newWebhookSecret());
    const body = '{"id":"evt-1"}';

    const error = await verifyRequest(request(body, signWebhook(body, newWebhookSecret())), {
      secrets,
      cro: CRO,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect(reads).toEqual([false, true]);
  });

  it('does not refresh for a signature that cannot match any secret (expired timestamp)', async () => {
    const secret = newWebhookSecret();
    const { secrets, reads } = rotatedSecrets(secret, secret);
    const body = '{"id":"evt-1"}';
    const stale = signWebhook(body, secret, { timestamp: new Date(Date.now() - 10 * 60_000) });

    await expect(verifyRequest(request(body, stale), { secrets, cro: CRO })).rejects.toBeInstanceOf(
      WebhookSignatureError,
    );
    expect(reads).toEqual([false]);
  });
});

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { croDeliveryToEvent } from '../../../../lib/webhook/croDelivery.ts';
import { type WebhookError, WebhookSignatureError } from '../../../../lib/webhook/errors.ts';
import { verifyCroSignature } from '../../../../lib/webhook/verifyCroSignature.ts';
import { verifyStandardSignature } from '../../../../lib/webhook/verifyStandardSignature.ts';
import { croSign, signWebhook } from '../../../helpers/signWebhook.ts';

const secret = fc
  .uint8Array({ minLength: 16, maxLength: 64 })
  .map((b) => `whsec_${Buffer.from(b).toString('base64')}`);
const body = fc.oneof(fc.string(), fc.json());
const webhookId = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\n'));

function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('signature checks (fast-check)', () => {
  it('accept any body signed with any of the configured secrets', () => {
    fc.assert(
      fc.property(body, webhookId, secret, secret, (text, id, current, previous) => {
        const headers = signWebhook(text, previous, { id });

        expect(verifyStandardSignature(text, headers, [current, previous])).toBe(id);
      }),
    );
  });

  it('reject a body that differs from the signed one, or another secret', () => {
    fc.assert(
      fc.property(body, body, secret, secret, (signedText, sentText, signer, configured) => {
        fc.pre(signedText !== sentText && signer !== configured);
        const headers = signWebhook(signedText, signer);

        expect(thrown(() => verifyStandardSignature(sentText, headers, [signer]))).toBeInstanceOf(
          WebhookSignatureError,
        );
        expect(thrown(() => verifyStandardSignature(signedText, headers, [configured]))).toBeInstanceOf(
          WebhookSignatureError,
        );
      }),
    );
  });

  it('only ever answer a CRO delivery with acceptance or a 401, whatever the header holds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string(), secret, (bytes, header, configured) => {
        const raw = Buffer.from(bytes);
        const error = thrown(() => verifyCroSignature(raw, header, [configured], 'base64'));

        if (error !== undefined) expect(error).toBeInstanceOf(WebhookSignatureError);
        expect(
          thrown(() => verifyCroSignature(raw, croSign(raw, configured), [configured], 'base64')),
        ).toBeUndefined();
      }),
    );
  });

  it('turn any CRO payload into an event or a 400, never another error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), fc.option(fc.string()), (text, deliveryId) => {
        const error = thrown(() =>
          croDeliveryToEvent(
            Buffer.from(text),
            { deliveryId: deliveryId ?? undefined, requestId: 'r-1' },
            42,
          ),
        );

        if (error !== undefined) expect((error as WebhookError).status).toBe(400);
      }),
    );
  });
});

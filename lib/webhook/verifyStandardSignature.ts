import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { WebhookSignatureError } from './errors.ts';

/** Headers as the webhook receives them: lower-case names. */
export type Headers = Readonly<Record<string, string | undefined>>;

/** The Standard Webhooks headers that must all be present. */
export const STANDARD_WEBHOOK_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * Verifies a Standard Webhooks delivery (https://www.standardwebhooks.com): `webhook-signature` holds one or
 * more space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` values, checked against each secret
 * (several during a rotation) with the `standardwebhooks` library — constant-time compare, timestamp within
 * 5 minutes either way. Returns the `webhook-id`; throws {@link WebhookSignatureError} otherwise.
 *
 * @example
 * const webhookId = verifyStandardSignature(rawBody, headers, ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']);
 */
export function verifyStandardSignature(
  rawBody: string,
  headers: Headers,
  secrets: readonly string[],
): string {
  const missing = STANDARD_WEBHOOK_HEADERS.filter((name) => !headers[name]);
  if (missing.length > 0) throw new WebhookSignatureError(`missing header(s): ${missing.join(', ')}`);
  const signed = {
    'webhook-id': headers['webhook-id']!,
    'webhook-timestamp': headers['webhook-timestamp']!,
    'webhook-signature': headers['webhook-signature']!,
  };
  let lastProblem = 'no secret configured';
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(rawBody, signed, { jsonParse: false });
      return signed['webhook-id'];
    } catch (error) {
      // The library's messages name the failed check ("Message timestamp too old", "No matching signature
      // found") and never a secret or signature; anything else (a malformed secret) is reported by name only.
      lastProblem = error instanceof WebhookVerificationError ? error.message : 'secret unusable';
      if (/timestamp/i.test(lastProblem)) break; // the same for every secret
    }
  }
  throw new WebhookSignatureError(`Standard Webhooks signature rejected: ${lastProblem}`, {
    mismatch: /no matching/i.test(lastProblem),
  });
}

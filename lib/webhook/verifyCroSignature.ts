import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CroSignatureEncoding } from '../config/webhook.ts';
import { WebhookSignatureError } from './errors.ts';

/**
 * The HMAC keys a `whsec_<base64>` secret stands for. CRO signs with "the base64 secret given when the hook
 * was created" (POST /hooks) without saying whether the key is the decoded bytes or the base64 text, so
 * both are tried (either still needs the secret).
 */
export function croKeys(secret: string): Buffer[] {
  const text = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const decoded = Buffer.from(text, 'base64');
  return decoded.length > 0 ? [decoded, Buffer.from(text, 'utf8')] : [Buffer.from(text, 'utf8')];
}

/**
 * Verifies CRO Software's own webhook signature: HMAC-SHA256 of the raw body, `base64` (default) or `hex`,
 * in a configurable header (`CRO_SIGNATURE_HEADER`); a `sha256=` prefix is tolerated. Compared in constant
 * time against every secret (rotation). CRO sends no timestamp, so replays are absorbed by the deterministic
 * event id rather than a tolerance window. Throws {@link WebhookSignatureError} when nothing matches.
 *
 * @example
 * verifyCroSignature(rawBody, headers['x-cro-signature'], secrets, 'base64');
 */
export function verifyCroSignature(
  rawBody: Buffer,
  signature: string,
  secrets: readonly string[],
  encoding: CroSignatureEncoding,
): void {
  const given = decodeSignature(signature.trim().replace(/^sha256=/i, ''), encoding);
  if (given === undefined) throw new WebhookSignatureError('CRO signature is not valid ' + encoding);
  for (const secret of secrets) {
    for (const key of croKeys(secret)) {
      const expected = createHmac('sha256', key).update(rawBody).digest();
      if (expected.length === given.length && timingSafeEqual(expected, given)) return;
    }
  }
  throw new WebhookSignatureError('CRO signature does not match', { mismatch: true });
}

function decodeSignature(value: string, encoding: CroSignatureEncoding): Buffer | undefined {
  const valid = encoding === 'hex' ? /^(?:[0-9a-f]{2})+$/i : /^[A-Za-z0-9+/]+={0,2}$/;
  return valid.test(value) ? Buffer.from(value, encoding) : undefined;
}

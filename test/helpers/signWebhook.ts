import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';

/** A fresh Standard Webhooks secret, `whsec_<base64 of 24 random bytes>`. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export interface SignOptions {
  /** @default a random `msg_` id */
  id?: string;
  /** Signing time. @default now */
  timestamp?: Date;
}

/**
 * Standard Webhooks headers for `body` signed with `secret` (the `standardwebhooks` library's own signer).
 *
 * @example
 * const headers = signWebhook(JSON.stringify(event), secret, { id: 'msg_1' });
 */
export function signWebhook(
  body: string | Buffer,
  secret: string,
  options: SignOptions = {},
): WebhookHeaders {
  return headersSignedBy(new Webhook(secret), body, options);
}

/**
 * The same headers computed by someone else's Standard Webhooks code: svix 1.82 signs with its own HMAC
 * implementation (fast-sha256), so a test with it does not check our verifier against its own library.
 *
 * @example
 * const headers = svixSignWebhook(body, secret);
 */
export function svixSignWebhook(body: string, secret: string, options: SignOptions = {}): WebhookHeaders {
  return headersSignedBy(new SvixWebhook(secret), body, options);
}

type WebhookHeaders = Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;

/** The three headers, the signature computed by `signer` (either library's `Webhook`). */
function headersSignedBy<B>(
  signer: { sign(id: string, timestamp: Date, body: B): string },
  body: B,
  options: SignOptions,
): WebhookHeaders {
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestamp = options.timestamp ?? new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signer.sign(id, timestamp, body),
  };
}

/**
 * CRO Software's own signature of `body`: HMAC-SHA256 keyed with the secret's decoded bytes, base64 (or hex).
 *
 * @example
 * const headers = { 'x-cro-signature': croSign(body, secret) };
 */
export function croSign(
  body: string | Buffer,
  secret: string,
  encoding: 'base64' | 'hex' = 'base64',
): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return createHmac('sha256', key).update(body).digest(encoding);
}

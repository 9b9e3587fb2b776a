import { createSecretReader, type SecretReader } from './createSecretReader.ts';
import { SecretError } from './errors.ts';

/** Returns the accepted webhook secrets (several during a rotation). */
export type WebhookSecretsProvider = (options?: { forceRefresh?: boolean }) => Promise<string[]>;

/**
 * The Standard Webhooks secret(s) of `WEBHOOK_SECRET_ID`: one `whsec_<base64>` value, or several separated by
 * whitespace or commas, or a JSON array of them — so a secret can be rotated without rejecting deliveries
 * signed with the previous one.
 *
 * @example
 * const secrets = await webhookSecretProvider('crm-sync/webhook')(); // ['whsec_…', 'whsec_…']
 */
export function webhookSecretProvider(
  secretId: string,
  options: { reader?: SecretReader; ttlMs?: number } = {},
): WebhookSecretsProvider {
  const read = options.reader ?? createSecretReader({ ttlMs: options.ttlMs });
  return async (o) =>
    parseWebhookSecrets(secretId, await read(secretId, { forceRefresh: o?.forceRefresh ?? false }));
}

export function parseWebhookSecrets(secretId: string, text: string): string[] {
  const trimmed = text.trim();
  let values: unknown = trimmed.split(/[\s,]+/);
  if (trimmed.startsWith('[')) {
    try {
      values = JSON.parse(trimmed);
    } catch {
      throw new SecretError(secretId, 'looks like a JSON array but does not parse');
    }
  }
  const secrets = Array.isArray(values)
    ? values.filter((v): v is string => typeof v === 'string' && v !== '')
    : [];
  if (secrets.length === 0 || !secrets.every((s) => /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(s))) {
    throw new SecretError(secretId, 'must hold one or more Standard Webhooks secrets (whsec_<base64>)');
  }
  return secrets;
}

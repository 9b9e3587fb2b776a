import type { TokenProvider } from '../http/types.ts';
import * as z from '../zod.ts';
import { createSecretReader, type SecretReader } from './createSecretReader.ts';
import { SecretError } from './errors.ts';

/** `SecretString` of `CREDENTIALS_SECRET_ID` (docs/configuration.md#customer-sync). */
export const CredentialsSecretSchema = z.object({
  invisibleCollectorToken: z.string().check(z.minLength(1)),
  crmToken: z.string().check(z.minLength(1)),
});

export interface CredentialsProvider {
  invisibleCollectorToken: TokenProvider;
  crmToken: TokenProvider;
}

/**
 * Both API tokens from one JSON secret, cached by the reader (TTL, `file:` secrets included) and refetched
 * on demand.
 * A malformed secret fails at first use with the secret id and the missing keys, never the value.
 *
 * @example
 * const credentials = credentialsProvider(config.credentialsSecretId);
 * const ic = new InvisibleCollectorClient({ tokenProvider: credentials.invisibleCollectorToken });
 */
export function credentialsProvider(
  secretId: string,
  options: { reader?: SecretReader; ttlMs?: number } = {},
): CredentialsProvider {
  // `file:` credentials are cached like Secrets Manager values (a 401 forces a reread): reading the file on
  // every token request cost ~5 % of the customer-sync's CPU.
  const read = options.reader ?? createSecretReader({ ttlMs: options.ttlMs, cacheFiles: true });
  const load = async (forceRefresh: boolean) =>
    parseCredentials(secretId, await read(secretId, { forceRefresh }));
  return {
    invisibleCollectorToken: async (o) => (await load(o?.forceRefresh ?? false)).invisibleCollectorToken,
    crmToken: async (o) => (await load(o?.forceRefresh ?? false)).crmToken,
  };
}

function parseCredentials(secretId: string, text: string): z.infer<typeof CredentialsSecretSchema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SecretError(
      secretId,
      'is not JSON (expected {"invisibleCollectorToken": "...", "crmToken": "..."})',
    );
  }
  const parsed = CredentialsSecretSchema.safeParse(json);
  if (!parsed.success) {
    const keys = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new SecretError(secretId, `is missing or has empty keys: ${keys}`);
  }
  return parsed.data;
}

import type { TokenProvider } from '../http/types.ts';
import { SharedTokenProvider, type SharedTokenProviderOptions } from '../oauth/SharedTokenProvider.ts';
import { type CredentialStore, type OAuthCredentials, OAuthCredentialsSchema } from '../oauth/types.ts';
import * as z from '../zod.ts';
import { createSecretReader, type SecretReader } from './createSecretReader.ts';
import { createSecretWriter, type SecretWriter } from './createSecretWriter.ts';
import { SecretError } from './errors.ts';

const nonEmpty = z.string().check(z.minLength(1));

/**
 * `SecretString` of `CREDENTIALS_SECRET_ID` (docs/configuration.md#customer-sync, docs/cro-oauth.md): the Invisible Collector token, and for
 * CRO either a static `crmToken` or the OAuth 2.0 `crm` object (which wins when both are present).
 */
export const CredentialsSecretSchema = z
  .looseObject({
    invisibleCollectorToken: nonEmpty,
    crmToken: z.optional(nonEmpty),
    crm: z.optional(OAuthCredentialsSchema),
  })
  .check(
    z.refine((secret) => secret.crmToken !== undefined || secret.crm !== undefined, {
      path: ['crmToken'],
      error: 'crmToken or crm (OAuth credentials) is required',
    }),
  );

export interface CredentialsProvider {
  invisibleCollectorToken: TokenProvider;
  crmToken: TokenProvider;
}

/** How CRO's OAuth tokens are refreshed and shared: the shared token provider's options, minus the store. */
export interface CrmOAuthSettings extends Omit<SharedTokenProviderOptions, 'store'> {
  /** Writes the secret back after a refresh. @default createSecretWriter() */
  writer?: SecretWriter;
  /** Reads the secret uncached for the OAuth rounds. @default an uncached createSecretReader() */
  reader?: SecretReader;
}

export interface CredentialsProviderOptions {
  reader?: SecretReader;
  ttlMs?: number;
  /**
   * Settings for a secret holding the `crm` OAuth object, built on first use. Unset, such a secret fails
   * with a {@link SecretError} saying the token endpoint is not configured.
   */
  crmOAuth?: () => CrmOAuthSettings;
}

/**
 * Both API tokens from one JSON secret, cached by the reader (TTL, `file:` secrets included) and refetched
 * on demand. With the `crm` OAuth object, CRO's access token comes from a {@link SharedTokenProvider}
 * (refreshed before expiry and after a 401, rotated refresh tokens written back to the same secret).
 * A malformed secret fails at first use with the secret id and the missing keys, never the value.
 *
 * @example
 * const credentials = credentialsProvider(config.credentialsSecretId);
 * const ic = new InvisibleCollectorClient({ tokenProvider: credentials.invisibleCollectorToken });
 */
export function credentialsProvider(
  secretId: string,
  options: CredentialsProviderOptions = {},
): CredentialsProvider {
  // `file:` credentials are cached like Secrets Manager values (a 401 forces a reread): reading the file on
  // every token request cost ~5 % of the customer-sync's CPU.
  const read = options.reader ?? createSecretReader({ ttlMs: options.ttlMs, cacheFiles: true });
  const load = async (forceRefresh: boolean) =>
    parseCredentials(secretId, await read(secretId, { forceRefresh }));
  let oauth: SharedTokenProvider | undefined;
  const oauthProvider = (): SharedTokenProvider => {
    if (oauth !== undefined) return oauth;
    if (options.crmOAuth === undefined) {
      throw new SecretError(
        secretId,
        'holds OAuth credentials ("crm") but no token endpoint is configured (set CRM_TOKEN_URL)',
      );
    }
    const { writer, reader, ...settings } = options.crmOAuth();
    const store = secretCredentialStore(secretId, 'crm', {
      // Every OAuth read must see the latest version: a cached one may hold a rotated refresh token.
      reader: reader ?? createSecretReader({ ttlMs: 0, minRefreshIntervalMs: 0 }),
      writer: writer ?? createSecretWriter(),
    });
    oauth = new SharedTokenProvider({ ...settings, store });
    return oauth;
  };
  return {
    invisibleCollectorToken: async (o) => (await load(o?.forceRefresh ?? false)).invisibleCollectorToken,
    crmToken: async (o) => {
      let credentials = await load(false);
      // After a 401 a static token may have been replaced, or an OAuth grant written (`crm-sync auth`).
      if (credentials.crm === undefined && o?.forceRefresh === true) credentials = await load(true);
      if (credentials.crm !== undefined) return oauthProvider().getToken(o);
      return credentials.crmToken!;
    },
  };
}

/**
 * A {@link CredentialStore} on one key of a JSON secret: `read` parses `secret[key]` (read uncached, every
 * time), `write` replaces `secret[key]` and keeps the secret's other keys, unless `secret[key]` no longer
 * holds the expected refresh token (a new authorization was written meanwhile: `'superseded'`).
 *
 * @example
 * const store = secretCredentialStore('crm-sync/credentials', 'crm', { reader, writer });
 */
export function secretCredentialStore(
  secretId: string,
  key: string,
  io: { reader: SecretReader; writer: SecretWriter },
): CredentialStore {
  const readJson = async () => parseSecretJson(secretId, await io.reader(secretId, { forceRefresh: true }));
  const parse = (json: Record<string, unknown>): OAuthCredentials => {
    const parsed = OAuthCredentialsSchema.safeParse(json[key]);
    if (!parsed.success) {
      const keys = parsed.error.issues.map((issue) => [key, ...issue.path].join('.')).join(', ');
      throw new SecretError(secretId, `has missing or invalid OAuth keys: ${keys}`);
    }
    return parsed.data;
  };
  return {
    read: async () => parse(await readJson()),
    write: async (next, expectedRefreshToken) => {
      const json = await readJson();
      if (parse(json).refreshToken !== expectedRefreshToken) return 'superseded';
      await io.writer(secretId, JSON.stringify({ ...json, [key]: next }, null, 2));
      return 'written';
    },
  };
}

/**
 * A secret's value as a JSON object; otherwise a {@link SecretError} saying what is expected (never the value).
 *
 * @example
 * const json = parseSecretJson('crm-sync/credentials', await read('crm-sync/credentials'));
 */
export function parseSecretJson(secretId: string, text: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SecretError(
      secretId,
      'is not a JSON object (expected {"invisibleCollectorToken": "...", "crmToken": "..."} or with "crm": {...})',
    );
  }
  return json as Record<string, unknown>;
}

/**
 * The credentials secret's text, validated: JSON with `invisibleCollectorToken` and a `crmToken` or the `crm`
 * OAuth object; a {@link SecretError} naming the missing keys otherwise (never a value).
 *
 * @example
 * const { invisibleCollectorToken, crm } = parseCredentials('crm-sync/credentials', text);
 */
export function parseCredentials(secretId: string, text: string): z.infer<typeof CredentialsSecretSchema> {
  const parsed = CredentialsSecretSchema.safeParse(parseSecretJson(secretId, text));
  if (!parsed.success) {
    const keys = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new SecretError(secretId, `is missing or has empty keys: ${keys}`);
  }
  return parsed.data;
}

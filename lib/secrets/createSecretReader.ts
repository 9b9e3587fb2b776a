import { readFile } from 'node:fs/promises';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretError } from './errors.ts';

/** Reads a secret's string value; `forceRefresh` bypasses the cache (after a 401: the secret rotated). */
export type SecretReader = (secretId: string, options?: { forceRefresh?: boolean }) => Promise<string>;

export interface SecretReaderOptions {
  /** How long a fetched value is reused. @default 300_000 (5 minutes) */
  ttlMs?: number;
  /** A forced refresh within this window reuses the last fetch (many concurrent 401s → one fetch). @default 1_000 */
  minRefreshIntervalMs?: number;
  /** Secrets Manager client (endpoint from `AWS_ENDPOINT_URL_SECRETS_MANAGER` by default). */
  client?: SecretsManagerClient;
  /**
   * Cache `file:` secrets with `ttlMs` too (a forced refresh still reads the file). Off, every call reads the
   * file, so an edit takes effect at once (the webhook's local rotation relies on it). @default false
   */
  cacheFiles?: boolean;
}

/** Prefix of a secret id that names a local file instead of a Secrets Manager secret (`npm start`, tests). */
export const FILE_SCHEME = 'file:';

/**
 * A cached secret reader: Powertools Parameters' `SecretsProvider` (cache with max age) for Secrets Manager
 * ids and ARNs, or a plain file read for `file:<path>` ids — on every call, or with `cacheFiles` cached
 * the same way (`ttlMs`) so a local run costs what Lambda costs (a forced refresh after a 401 reads the file
 * again, so editing it still rotates). Concurrent forced refreshes are coalesced into one fetch.
 *
 * @example
 * const read = createSecretReader({ ttlMs: 60_000 });
 * const json = await read('crm-sync/credentials');
 */
export function createSecretReader(options: SecretReaderOptions = {}): SecretReader {
  const ttlMs = options.ttlMs ?? 300_000;
  const minRefreshIntervalMs = options.minRefreshIntervalMs ?? 1_000;
  let provider: SecretsProvider | undefined;
  const lastForced = new Map<string, { at: number; value: Promise<string> }>();
  const localCache = new Map<string, { at: number; value: Promise<string> }>();

  const fetchLocal = (secretId: string, forceFetch: boolean): Promise<string> => {
    const cached = localCache.get(secretId);
    const fresh = cached !== undefined && Date.now() - cached.at < ttlMs;
    if (!forceFetch && options.cacheFiles === true && fresh) return cached.value;
    const value = readLocal(secretId);
    localCache.set(secretId, { at: Date.now(), value });
    // A failed read is not cached: the next call tries the file again.
    value.catch(() => {
      if (localCache.get(secretId)?.value === value) localCache.delete(secretId);
    });
    return value;
  };

  const fetchFromAws = async (secretId: string, forceFetch: boolean): Promise<string> => {
    provider ??= new SecretsProvider(options.client === undefined ? {} : { awsSdkV3Client: options.client });
    let value: unknown;
    try {
      value = await provider.get(secretId, { maxAge: Math.max(1, Math.round(ttlMs / 1000)), forceFetch });
    } catch (error) {
      throw new SecretError(secretId, `cannot be read (${errorName(error)})`, error);
    }
    if (typeof value !== 'string' || value.length === 0)
      throw new SecretError(secretId, 'has no SecretString');
    return value;
  };

  const fetch = (secretId: string, forceFetch: boolean): Promise<string> =>
    secretId.startsWith(FILE_SCHEME) ? fetchLocal(secretId, forceFetch) : fetchFromAws(secretId, forceFetch);

  return async (secretId, { forceRefresh = false } = {}) => {
    if (!forceRefresh) return fetch(secretId, false);
    const recent = lastForced.get(secretId);
    if (recent !== undefined && Date.now() - recent.at < minRefreshIntervalMs) return recent.value;
    const value = fetch(secretId, true);
    lastForced.set(secretId, { at: Date.now(), value });
    value.catch(() => lastForced.delete(secretId));
    return value;
  };
}

async function readLocal(secretId: string): Promise<string> {
  const path = secretId.slice(FILE_SCHEME.length);
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new SecretError(secretId, `local file cannot be read (${errorName(error)})`, error);
  }
}

function errorName(error: unknown): string {
  if (error instanceof Error)
    return (error.cause instanceof Error ? error.cause.name : undefined) ?? error.name;
  return 'unknown error';
}

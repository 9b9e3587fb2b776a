import { readFile } from 'node:fs/promises';
import { toSecretsApi, type SecretsApi, type SecretsClientOption } from '../aws/secretsApi.ts';
import { SecretError } from './errors.ts';

/** Reads a secret's string value; `forceRefresh` bypasses the cache (after a 401: the secret rotated). */
export type SecretReader = (secretId: string, options?: { forceRefresh?: boolean }) => Promise<string>;

export interface SecretReaderOptions {
  /** How long a fetched value is reused. @default 300_000 (5 minutes) */
  ttlMs?: number;
  /** A forced refresh within this window reuses the last fetch (many concurrent 401s → one fetch). @default 1_000 */
  minRefreshIntervalMs?: number;
  /**
   * Secrets Manager: `createSecretsApi`'s (the lean client in Lambda), or an AWS SDK client.
   * @default an SDK client following the SDK's standard variables (`AWS_ENDPOINT_URL_SECRETS_MANAGER`, ...), built on first use
   */
  client?: SecretsClientOption;
  /**
   * Cache `file:` secrets with `ttlMs` too (a forced refresh still reads the file). Off, every call reads the
   * file, so an edit takes effect at once (the webhook's local rotation relies on it). @default false
   */
  cacheFiles?: boolean;
}

/** Prefix of a secret id that names a local file instead of a Secrets Manager secret (`npm start`, tests). */
export const FILE_SCHEME = 'file:';

/**
 * A cached secret reader: `GetSecretValue` for Secrets Manager ids and ARNs, cached for `ttlMs`, or a plain
 * file read for `file:<path>` ids — on every call, or with `cacheFiles` cached the same way so a local run
 * costs what Lambda costs (a forced refresh after a 401 reads the file again, so editing it still rotates).
 * Concurrent reads share one fetch, concurrent forced refreshes too; a failed fetch is not cached.
 *
 * The cache is this function's own rather than Powertools Parameters' `SecretsProvider` (which crm-sync used
 * before): that provider loads the AWS SDK's Secrets Manager client when imported, ~100 ms of every cold start,
 * where the lean client (`createSecretsApi`) loads nothing.
 *
 * @example
 * const read = createSecretReader({ ttlMs: 60_000 });
 * const json = await read('crm-sync/credentials');
 */
export function createSecretReader(options: SecretReaderOptions = {}): SecretReader {
  const ttlMs = options.ttlMs ?? 300_000;
  const minRefreshIntervalMs = options.minRefreshIntervalMs ?? 1_000;
  let secrets: SecretsApi | undefined;
  const lastForced = new Map<string, { at: number; value: Promise<string> }>();
  const cache = new Map<string, { at: number; value: Promise<string> }>();

  const cached = (secretId: string, forceFetch: boolean, cacheable: boolean, read: () => Promise<string>) => {
    const entry = cache.get(secretId);
    const fresh = entry !== undefined && Date.now() - entry.at < ttlMs;
    if (!forceFetch && cacheable && fresh) return entry.value;
    const value = read();
    cache.set(secretId, { at: Date.now(), value });
    // A failed read is not cached: the next call tries again — or, when a forced refresh failed, the value read
    // before is kept (the secret holds both APIs' tokens: one API's 401 must not cost the other its token
    // while Secrets Manager is unreachable).
    value.catch(() => {
      if (cache.get(secretId)?.value !== value) return;
      if (entry !== undefined) cache.set(secretId, entry);
      else cache.delete(secretId);
    });
    return value;
  };

  const readFromAws = async (secretId: string): Promise<string> => {
    secrets ??= toSecretsApi(options.client);
    let value: unknown;
    try {
      value = (await secrets.getSecretValue({ SecretId: secretId })).SecretString;
    } catch (error) {
      throw new SecretError(secretId, `cannot be read (${errorName(error)})`, error);
    }
    if (typeof value !== 'string' || value.length === 0)
      throw new SecretError(secretId, 'has no SecretString');
    return value;
  };

  const fetch = (secretId: string, forceFetch: boolean): Promise<string> =>
    secretId.startsWith(FILE_SCHEME)
      ? cached(secretId, forceFetch, options.cacheFiles === true, () => readLocal(secretId))
      : cached(secretId, forceFetch, ttlMs > 0, () => readFromAws(secretId));

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

import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { toSecretsApi, type SecretsApi, type SecretsClientOption } from '../aws/secretsApi.ts';
import { FILE_SCHEME } from './createSecretReader.ts';
import { SecretError } from './errors.ts';

/** Stores a new value of a secret (a new version in Secrets Manager, or the `file:` secret's new content). */
export type SecretWriter = (secretId: string, value: string) => Promise<void>;

/**
 * The counterpart of `createSecretReader`: `PutSecretValue` for Secrets Manager ids and ARNs (a new version,
 * labelled `AWSCURRENT`; with an idempotency `ClientRequestToken` per write, so its retries never add a
 * second version), or for `file:<path>` an atomic replace (a temporary file in the same folder,
 * mode 0600, renamed over the secret) so a concurrent reader sees the old content or the new, never half.
 * A failure becomes a {@link SecretError} naming the secret and the error, never the value.
 *
 * Secrets Manager advises against writing a secret more than once every 10 minutes for long (versions
 * younger than 24 hours are kept, at most ~100): fine for access tokens living an hour.
 *
 * @example
 * const write = createSecretWriter();
 * await write('crm-sync/credentials', JSON.stringify(next));
 */
export function createSecretWriter(options: { client?: SecretsClientOption } = {}): SecretWriter {
  let secrets: SecretsApi | undefined;
  return async (secretId, value) => {
    if (secretId.startsWith(FILE_SCHEME)) return writeLocal(secretId, value);
    secrets ??= toSecretsApi(options.client);
    try {
      await secrets.putSecretValue({ SecretId: secretId, SecretString: value });
    } catch (error) {
      throw new SecretError(
        secretId,
        `cannot be written (${error instanceof Error ? error.name : 'unknown error'})`,
        error,
      );
    }
  };
}

async function writeLocal(secretId: string, value: string): Promise<void> {
  const path = secretId.slice(FILE_SCHEME.length);
  const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, value.endsWith('\n') ? value : `${value}\n`, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    const name = (error as { code?: string }).code ?? (error instanceof Error ? error.name : 'unknown error');
    throw new SecretError(secretId, `local file cannot be written (${name})`, error);
  }
}

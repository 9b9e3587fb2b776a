import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FILE_SCHEME } from '../../lib/secrets/createSecretReader.ts';

export interface Credentials {
  invisibleCollectorToken: string;
  crmToken: string;
}

/** A local credentials secret (`CREDENTIALS_SECRET_ID=file:<path>`), rewritable to rotate the tokens. */
export interface CredentialsFile {
  /** `file:<path>`, the value for `CREDENTIALS_SECRET_ID`. */
  secretId: string;
  /** Rewrites the file synchronously (the handler caches `file:` secrets; a 401 makes it read the file again). */
  write(credentials: Credentials): void;
  remove(): void;
}

/**
 * Creates the credentials file in a fresh temporary directory.
 *
 * @example
 * const file = createCredentialsFile(INITIAL_TOKENS);
 * process.env.CREDENTIALS_SECRET_ID = file.secretId;
 */
export function createCredentialsFile(credentials: Credentials): CredentialsFile {
  const dir = mkdtempSync(join(tmpdir(), 'crm-sync-bench-'));
  const path = join(dir, 'credentials.json');
  const write = (next: Credentials) => writeFileSync(path, JSON.stringify(next));
  write(credentials);
  return {
    secretId: `${FILE_SCHEME}${path}`,
    write,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

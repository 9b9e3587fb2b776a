import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RefreshLeaseError } from './errors.ts';
import { applyUpdate, type LeaseRecord, type LeaseUpdate, type RefreshLease } from './refreshLease.ts';

/** Options of {@link FileRefreshLease}. */
export interface FileRefreshLeaseOptions {
  /** The lease file (JSON); `<path>.lock` guards its updates. */
  path: string;
  /** @default Date.now */
  now?: () => number;
  /** How long an update waits for another process's. @default 2000 */
  lockWaitMs?: number;
  /** A lock file older than this was left by a process that died while updating. @default 5000 */
  staleLockMs?: number;
}

interface LeaseFile extends LeaseRecord {
  owner?: string;
  until?: number;
}

/**
 * {@link RefreshLease} for processes of one machine sharing a `file:` credentials secret with no state table
 * (the local stack's customer-sync and reconcile workers, `crm-sync backfill --local`): the same rules as
 * the DynamoDB item, in a JSON file beside the secret. Each acquire or release is a read-modify-write of
 * that file inside a lock file created exclusively (`O_EXCL`), held for a few milliseconds; the file is
 * replaced atomically, so a reader sees the old record or the new one. Written here rather than taken from
 * a lock library: the lease keeps its own expiry and record, and only needs an exclusive section around
 * one small file. Failures become {@link RefreshLeaseError} (transient).
 *
 * @example
 * const lease = new FileRefreshLease({ path: '.local/credentials.json.lease' });
 */
export class FileRefreshLease implements RefreshLease {
  readonly #path: string;
  readonly #lock: string;
  readonly #now: () => number;
  readonly #lockWaitMs: number;
  readonly #staleLockMs: number;

  constructor(options: FileRefreshLeaseOptions) {
    this.#path = options.path;
    this.#lock = `${options.path}.lock`;
    this.#now = options.now ?? Date.now;
    this.#lockWaitMs = options.lockWaitMs ?? 2_000;
    this.#staleLockMs = options.staleLockMs ?? 5_000;
  }

  async acquire(owner: string, leaseMs: number): Promise<{ acquired: boolean; record: LeaseRecord }> {
    return this.#update('acquire', (state) => {
      const now = this.#now();
      const acquired = state.owner === undefined || (state.until ?? 0) < now || state.owner === owner;
      const next = acquired ? { ...state, owner, until: now + Math.max(1, leaseMs) } : undefined;
      return { next, result: { acquired, record: recordOf(state) } };
    });
  }

  async release(owner: string, update: LeaseUpdate = {}): Promise<void> {
    await this.#update('release', (state) => {
      // The record is stored even when the lease was lost meanwhile; the lock only when it is still ours.
      const next: LeaseFile = { ...applyUpdate(recordOf(state), update) };
      if (state.owner !== owner && state.owner !== undefined) {
        next.owner = state.owner;
        if (state.until !== undefined) next.until = state.until;
      }
      return { next, result: undefined };
    });
  }

  async #update<T>(
    operation: string,
    change: (state: LeaseFile) => { next: LeaseFile | undefined; result: T },
  ): Promise<T> {
    await this.#takeLock(operation);
    try {
      const { next, result } = change(await this.#read(operation));
      if (next !== undefined) await this.#write(operation, next);
      return result;
    } finally {
      await rm(this.#lock, { force: true }).catch(() => undefined);
    }
  }

  async #takeLock(operation: string): Promise<void> {
    const giveUpAt = Date.now() + this.#lockWaitMs;
    for (;;) {
      try {
        await (await open(this.#lock, 'wx', 0o600)).close();
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== 'EEXIST') throw new RefreshLeaseError(operation, error);
        // A process that died inside its few milliseconds left the lock behind: it is old.
        const held = await stat(this.#lock).catch(() => undefined);
        if (held !== undefined && Date.now() - held.mtimeMs > this.#staleLockMs) {
          await rm(this.#lock, { force: true }).catch(() => undefined);
          continue;
        }
        if (Date.now() > giveUpAt) throw new RefreshLeaseError(operation, error);
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
      }
    }
  }

  async #read(operation: string): Promise<LeaseFile> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return { retiredDigests: [] };
      throw new RefreshLeaseError(operation, error);
    }
    try {
      const parsed = JSON.parse(text) as Partial<LeaseFile>;
      return { ...parsed, retiredDigests: parsed.retiredDigests ?? [] };
    } catch (error) {
      throw new RefreshLeaseError(operation, error);
    }
  }

  async #write(operation: string, state: LeaseFile): Promise<void> {
    const temporary = join(dirname(this.#path), `.${randomBytes(6).toString('hex')}.lease.tmp`);
    try {
      await writeFile(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 });
      await rename(temporary, this.#path);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw new RefreshLeaseError(operation, error);
    }
  }
}

function recordOf(state: LeaseFile): LeaseRecord {
  const { owner: _owner, until: _until, ...record } = state;
  return { ...record, retiredDigests: [...state.retiredDigests] };
}

import { CrmSyncError } from '../errors.ts';

/**
 * A secret could not be read or does not have the expected shape. The message names the secret id and
 * what is wrong, never the value. Transient: an operator fixes the secret and the retried events flow
 * (dead-lettering every event for a deployment error would only move the problem).
 */
export class SecretError extends CrmSyncError {
  readonly secretId: string;

  constructor(secretId: string, problem: string, cause?: unknown) {
    super(`secret "${secretId}": ${problem}`, { transient: true, reason: 'secret-unavailable', cause });
    this.name = 'SecretError';
    this.secretId = secretId;
  }
}

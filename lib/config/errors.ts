import { CrmSyncError } from '../errors.ts';

/**
 * The deployment's environment is wrong: thrown once, at cold start, naming every bad variable and what is
 * wrong with it (never its value). Permanent: nothing in an event can fix it.
 *
 * @example
 * // ConfigError: invalid configuration: CRM_API_URL: is required; SYNC_CONCURRENCY: must be an integer ≥ 1
 */
export class ConfigError extends CrmSyncError {
  /** The offending variable names, in the order reported. */
  readonly variables: readonly string[];

  constructor(problems: ReadonlyArray<{ variable: string; message: string }>) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}`, {
      transient: false,
      reason: 'invalid-config',
    });
    this.name = 'ConfigError';
    this.variables = [...new Set(problems.map((p) => p.variable))];
  }
}

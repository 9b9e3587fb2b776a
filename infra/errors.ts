import { InfraConfigError } from '../lib/settings/errors.ts';

export { InfraConfigError };

/**
 * One or more CDK context values are missing or invalid; the message lists each key with its problem.
 *
 * @example
 * // InvalidContextError: invalid CDK context (cdk.json / -c): crmTenantId: is required; fifo: ...
 */
export class InvalidContextError extends InfraConfigError {
  /** Every key at fault. */
  readonly keys: readonly string[];

  /**
   * @param hint what to do, appended after the problems (e.g. where missing keys go)
   */
  constructor(problems: ReadonlyArray<{ key: string; message: string }>, hint?: string) {
    super(problems.map((p) => p.key).join(', '), 'invalid CDK context');
    this.name = 'InvalidContextError';
    this.keys = [...new Set(problems.map((p) => p.key))];
    const listed = problems.map((p) => `${p.key}: ${p.message}`).join('; ');
    this.message = `invalid CDK context (cdk.json / -c): ${listed}${hint === undefined ? '' : `. ${hint}`}`;
  }
}

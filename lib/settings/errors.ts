/**
 * A stack prop or `cdk.json` / `-c` context value is missing or out of range: thrown while the app is
 * constructed, so `cdk synth` / `cdk deploy` stop before anything is deployed. The message names the
 * setting (its context key) and the allowed range, never a secret.
 *
 * @example
 * throw new InfraConfigError('batchSize', 'must be ≤ 10 for a FIFO queue');
 * // InfraConfigError: batchSize: must be ≤ 10 for a FIFO queue
 */
export class InfraConfigError extends Error {
  /** The prop / context key at fault. */
  readonly setting: string;

  constructor(setting: string, problem: string, options?: { cause?: unknown }) {
    super(`${setting}: ${problem}`, options);
    this.name = 'InfraConfigError';
    this.setting = setting;
  }
}

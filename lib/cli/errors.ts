/**
 * A problem with how the CLI was called or where it points (no queue URLs, a stack without the outputs,
 * an unreadable `.local/stack.json`): printed as one line, exit code 2.
 *
 * @example
 * throw new CliUsageError('give --from and --to, --stack <name> or --local');
 */
export class CliUsageError extends Error {
  readonly exitCode = 2;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliUsageError';
  }
}

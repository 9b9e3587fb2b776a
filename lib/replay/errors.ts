/**
 * The root of the replay tool's own errors (bad options, unreadable stack outputs). Failures of single
 * messages are not thrown: they are reported in the run's summary, and the run goes on.
 *
 * @example
 * throw new ReplayOptionsError('rate must be a positive number');
 */
export class ReplayError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReplayError';
  }
}

/** Replay options that cannot work (e.g. `--rate 0`, an empty queue URL, a JSON invocation with unknown keys). */
export class ReplayOptionsError extends ReplayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReplayOptionsError';
  }
}

/**
 * The bench or the soak could not run (bad flag, a setup step that failed, an unexpected failure where no
 * fault was injected). A missed goal or a failed soak check is a result, not an error.
 */
export class BenchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchError';
  }
}

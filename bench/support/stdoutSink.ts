/** Swallows the handler's stdout and stderr (structured logs, EMF metrics, Powertools warnings) while muted. */
export interface StdoutSink {
  mute(): void;
  unmute(): void;
  /** Bytes swallowed so far. */
  bytes(): number;
  /** Of those, the bytes of EMF metric records (lines starting `{"_aws"`); the rest are log lines. */
  emfBytes(): number;
  /** Writes to the real stderr even while muted (progress lines of a run whose handlers run concurrently). */
  printError(text: string): void;
}

/**
 * Replaces `process.stdout.write` and `process.stderr.write` once: while muted, writes are counted and dropped. The handler still
 * formats every log line and metric (that CPU is part of its cost, as in Lambda); only the terminal
 * output is saved.
 *
 * @example
 * const sink = installStdoutSink();
 * sink.mute(); await handler(event, context); sink.unmute();
 */
export function installStdoutSink(): StdoutSink {
  let muted = false;
  let swallowed = 0;
  let emf = 0;
  const realStderr = process.stderr.write.bind(process.stderr);
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (!muted) return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      const size = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      swallowed += size;
      // Powertools writes each log line and each EMF record with one write.
      if (String(chunk).startsWith('{"_aws"')) emf += size;
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
  return {
    mute: () => {
      muted = true;
    },
    unmute: () => {
      muted = false;
    },
    bytes: () => swallowed,
    emfBytes: () => emf,
    printError: (text) => {
      realStderr(text);
    },
  };
}

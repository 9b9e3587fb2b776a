// What a bundled handler prints (Powertools logs and EMF go to stdout/stderr), captured around one call.
import { jest } from '@jest/globals';

export type JsonLine = Record<string, unknown>;

export interface CapturedOutput<T> {
  /** What `run` returned, unless it threw. */
  result?: T;
  /** What `run` threw. */
  error?: Error;
  /** Everything printed, as printed. */
  text: string;
  /** The printed lines that are JSON objects, parsed. */
  lines: JsonLine[];
}

/**
 * Runs `run` with stdout and stderr captured (not printed), and returns its outcome with what it printed.
 *
 * @example
 * const { result, lines } = await captureOutput(() => handler(event, context));
 * expect(lines.find((l) => l.message === 'applied')).toMatchObject({ customerId: 1 });
 */
export async function captureOutput<T>(run: () => Promise<T>): Promise<CapturedOutput<T>> {
  const output: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  let outcome: { result: T } | { error: Error };
  try {
    outcome = { result: await run() };
  } catch (error) {
    outcome = { error: error as Error };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const text = output.join('');
  const lines = text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as JsonLine);
  return { ...outcome, text, lines };
}

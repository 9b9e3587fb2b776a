import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { BUNDLE_PATH } from '../support/bundledHandler.ts';
import { median, round } from '../support/stats.ts';
import { BenchError } from '../errors.ts';

export interface ColdInit {
  runs: number;
  /** Median time of `await import(bundle)` in a fresh process, ms (module scope included: config, clients). */
  importMs: number;
  /** Median time from process start to the handler being ready (Node's own start-up included), ms. */
  processToReadyMs: number;
  /** Median resident memory of the fresh process once the handler is ready, MB. */
  rssReadyMb: number;
}

// Runs in the fresh process: times the import against the process's own clock origin.
const PROBE = `
const started = performance.now();
await import(process.env.BENCH_BUNDLE_URL);
const ready = performance.now();
process.stdout.write(JSON.stringify({ importMs: ready - started, processToReadyMs: ready, rssMb: process.memoryUsage().rss / 2 ** 20 }));
`;

/**
 * Cold init: spawns `node` `runs` times, each importing the bundle once with the handler's environment,
 * and takes the medians. `@aws-sdk/*` is external to the bundle, so its modules load from node_modules
 * here as they load from the Lambda runtime there; that load is part of the figure.
 *
 * @example
 * const cold = await measureColdInit({ runs: 10, env });
 */
export async function measureColdInit(options: {
  runs: number;
  env: Record<string, string>;
  /** @default the customer-sync bundle */
  bundlePath?: string;
}): Promise<ColdInit> {
  const samples: Sample[] = [];
  for (let run = 0; run < options.runs; run += 1)
    samples.push(await probe(options.env, options.bundlePath ?? BUNDLE_PATH));
  return {
    runs: options.runs,
    importMs: round(median(samples.map((s) => s.importMs)), 1),
    processToReadyMs: round(median(samples.map((s) => s.processToReadyMs)), 1),
    rssReadyMb: round(median(samples.map((s) => s.rssMb)), 0),
  };
}

export interface Sample {
  importMs: number;
  processToReadyMs: number;
  rssMb: number;
}

/** One fresh `node` importing `bundlePath` once. */
export function probe(env: Record<string, string>, bundlePath: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', PROBE], {
      env: { ...process.env, ...env, BENCH_BUNDLE_URL: pathToFileURL(bundlePath).href },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0)
        return reject(new BenchError(`cold init probe exited with ${code}: ${err.slice(0, 500)}`));
      try {
        resolve(JSON.parse(out.slice(out.lastIndexOf('{'))) as Sample);
      } catch (error) {
        reject(new BenchError(`cold init probe printed no timing: ${out.slice(0, 200)}`, { cause: error }));
      }
    });
  });
}

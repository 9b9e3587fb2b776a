import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { EXTERNAL_MODULES, esbuildOptions } from '../../lib/settings/bundling.ts';
import { BUNDLE_PATH } from '../support/bundledHandler.ts';
import { round } from '../support/stats.ts';

export interface BundleSize {
  /** Minified `index.mjs`, KB (1024 bytes). */
  minifiedKb: number;
  gzipKb: number;
  /** Packages left out of the bundle (the Lambda runtime provides them). */
  external: string[];
  /** The biggest contributors to the minified output, KB. */
  largest: Array<{ module: string; kb: number }>;
}

/**
 * Size of the built bundle and what it is made of (esbuild's metafile, grouped by package; the project's
 * own code is one line).
 *
 * @example
 * const size = await measureBundle();
 */
export async function measureBundle(top = 6): Promise<BundleSize> {
  const bytes = readFileSync(BUNDLE_PATH);
  const result = await build({ ...esbuildOptions('customer-sync'), write: false, logLevel: 'silent' });
  const output = Object.entries(result.metafile?.outputs ?? {}).find(([file]) => file.endsWith('.mjs'))?.[1];
  const byModule = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const module = packageOf(input);
    byModule.set(module, (byModule.get(module) ?? 0) + bytesInOutput);
  }
  const largest = [...byModule.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([module, size]) => ({ module, kb: round(size / 1024, 1) }));
  return {
    minifiedKb: round(bytes.length / 1024, 1),
    gzipKb: round(gzipSync(bytes).length / 1024, 1),
    external: [...EXTERNAL_MODULES],
    largest,
  };
}

function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match ? match[1]! : 'crm-sync (own code)';
}

// Builds the bundles the local stack runs, with the one recipe (lib/settings/bundling.ts) `npm run build` uses,
// into a directory of the calling suite's own: suites running in parallel never rebuild a bundle another
// one is importing.
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../../../lib/settings/bundling.ts';

/** Builds customer-sync, webhook and reconcile under `.local/<name>/functions`; returns that directory. */
export async function buildBundles(name: string): Promise<string> {
  const out = resolve('.local', name, 'functions');
  await Promise.all(
    (['customer-sync', 'webhook', 'reconcile'] as const).map((fn) =>
      build({ ...esbuildOptions(fn), outfile: `${out}/${fn}/index.mjs`, logLevel: 'silent' }),
    ),
  );
  return out;
}

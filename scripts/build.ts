// `npm run build`: bundles every function with the shared options of lib/settings/bundling.ts into
// dist/functions/<name>/index.mjs (the bundles that ship) and prints each bundle's size.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { BUNDLED_FUNCTIONS, bundleDir, esbuildOptions } from '../lib/settings/bundling.ts';

const only = process.argv.slice(2);
const names = BUNDLED_FUNCTIONS.filter((name) => only.length === 0 || only.includes(name));

await Promise.all(
  names.map(async (name) => {
    await rm(bundleDir(name), { recursive: true, force: true });
    const result = await build(esbuildOptions(name));
    const outputs = Object.entries(result.metafile?.outputs ?? {}).filter(([file]) => file.endsWith('.mjs'));
    const bytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
    console.log(`built ${bundleDir(name)}/index.mjs (${(bytes / 1024).toFixed(1)} KB)`);
  }),
);

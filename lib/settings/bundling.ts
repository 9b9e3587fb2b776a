import type { BuildOptions } from 'esbuild';

/**
 * The one bundling recipe: `npm run build` (scripts/build.ts) and the CDK stack both use these options,
 * so the bundle the tests and the local stack run is the bundle that ships.
 *
 * - ESM (`index.mjs`, exports `handler`) for Node 24 (`nodejs24.x`), minified, with a linked source map
 *   (`NODE_OPTIONS=--enable-source-maps` in the stack maps stack traces back to the TypeScript).
 * - `@aws-sdk/*` is left external: the Lambda runtime ships AWS SDK v3, which keeps the bundle small and
 *   cold starts fast. Locally (`npm start`, tests) the same imports resolve from `node_modules`.
 * - The `createRequire` banner lets CommonJS dependencies that call `require()` work inside an ESM bundle.
 *
 * @example
 * await esbuild.build(esbuildOptions('customer-sync'));
 */
export const BUNDLED_FUNCTIONS = ['customer-sync', 'webhook', 'replay', 'reconcile'] as const;
export type BundledFunction = (typeof BUNDLED_FUNCTIONS)[number];

/** Packages provided by the Lambda runtime and therefore not bundled. */
export const EXTERNAL_MODULES = ['@aws-sdk/*'];

/** Source of a function's handler, relative to the project root. */
export function handlerEntry(name: BundledFunction): string {
  return `functions/${name}/handler.ts`;
}

/** Where `npm run build` writes a function's bundle, relative to the project root. */
export function bundleDir(name: BundledFunction): string {
  return `dist/functions/${name}`;
}

export const ESM_REQUIRE_BANNER =
  "import { createRequire as __crmSyncCreateRequire } from 'node:module'; const require = __crmSyncCreateRequire(import.meta.url);";

/** The esbuild options for one function's bundle (paths relative to `root`). */
export function esbuildOptions(name: BundledFunction, root = '.'): BuildOptions {
  return {
    entryPoints: [`${root}/${handlerEntry(name)}`],
    outfile: `${root}/${bundleDir(name)}/index.mjs`,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    mainFields: ['module', 'main'],
    external: EXTERNAL_MODULES,
    banner: { js: ESM_REQUIRE_BANNER },
    metafile: true,
    logLevel: 'warning',
  };
}

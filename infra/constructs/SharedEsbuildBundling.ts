import { buildSync } from 'esbuild';
import { join } from 'node:path';
import type { BundlingOptions, ILocalBundling } from 'aws-cdk-lib';
import { esbuildOptions, type BundledFunction } from '../../lib/settings/bundling.ts';

/**
 * Bundles a function during synth with exactly the options `npm run build` uses (lib/settings/bundling.ts), only
 * the output directory differs: the CDK asset gets the same `index.mjs` (+ `.map`) that the tests and the
 * local stack run. Hand-written rather than `NodejsFunction` because `NodejsFunction` rebuilds esbuild's
 * command line from its own props (a second recipe that could drift); this calls esbuild's API with the
 * shared options object. Runs locally (no Docker), so `cdk synth` works offline on a clean checkout.
 *
 * @example
 * lambda.Code.fromAsset(root, { bundling: { image, local: new SharedEsbuildBundling('webhook', root) } });
 */
export class SharedEsbuildBundling implements ILocalBundling {
  /** The function bundled (also part of CDK's asset cache key, see {@link bundledCode}). */
  readonly functionName: BundledFunction;
  /** Absolute path of the project root (where `functions/` and `node_modules/` are). */
  readonly projectRoot: string;

  constructor(functionName: BundledFunction, projectRoot: string) {
    this.functionName = functionName;
    this.projectRoot = projectRoot;
  }

  tryBundle(outputDir: string, _options: BundlingOptions): boolean {
    buildSync({
      ...esbuildOptions(this.functionName, this.projectRoot),
      outfile: join(outputDir, 'index.mjs'),
      absWorkingDir: this.projectRoot,
      metafile: false,
      logLevel: 'error',
    });
    return true;
  }
}

import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SqsHandler } from '../../lib/local/SqsLambdaPoller.ts';
import { bundleDir, type BundledFunction } from '../../lib/settings/bundling.ts';

/** Where `npm run build` writes a function's bundle (the bundle that ships, docs/architecture.md#parts). */
export const bundlePath = (name: BundledFunction): string =>
  fileURLToPath(new URL(`../../${bundleDir(name)}/index.mjs`, import.meta.url));

/** The customer-sync bundle. */
export const BUNDLE_PATH = bundlePath('customer-sync');

/** The bundle is missing: the bench and the soak run what ships, so it must be built first. */
export class BundleMissingError extends Error {
  constructor(path: string) {
    super(`${path} not found: run \`npm run build\` first (npm run bench / npm run soak do)`);
    this.name = 'BundleMissingError';
  }
}

/**
 * Imports a bundled handler (customer-sync unless `bundle` says otherwise) in this process after setting
 * `env` (its module scope reads the configuration once, like a Lambda cold start). Each distinct `instance`
 * is a separate module instance — its own clients, state store client and caches — like a separate Lambda
 * container.
 *
 * @example
 * const handler = await importBundledHandler({ env: { ...services.env, CREDENTIALS_SECRET_ID } });
 * const containerB = await importBundledHandler({ env, instance: 'b' });
 * const reconcile = await importBundledHandler<ReconcileHandler>({ env, bundle: 'reconcile' });
 */
export async function importBundledHandler<H = SqsHandler>(options: {
  env: Record<string, string>;
  instance?: string;
  bundle?: BundledFunction;
  /** Another bundle with the same handler contract (the bench's peer, the bundle of an earlier commit). */
  bundlePath?: string;
}): Promise<H> {
  const path = options.bundlePath ?? bundlePath(options.bundle ?? 'customer-sync');
  if (!existsSync(path)) throw new BundleMissingError(path);
  Object.assign(process.env, options.env);
  const url = pathToFileURL(path);
  if (options.instance !== undefined) url.searchParams.set('container', options.instance);
  const module = (await import(url.href)) as { handler: H };
  return module.handler;
}

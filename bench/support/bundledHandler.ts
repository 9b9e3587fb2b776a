import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SqsHandler } from '../../lib/local/SqsLambdaPoller.ts';

/** The customer-sync bundle `npm run build` writes (the bundle that ships, docs/architecture.md#parts). */
export const BUNDLE_PATH = fileURLToPath(
  new URL('../../dist/functions/customer-sync/index.mjs', import.meta.url),
);

/** The bundle is missing: the bench and the soak run what ships, so it must be built first. */
export class BundleMissingError extends Error {
  constructor(path: string) {
    super(`${path} not found: run \`npm run build\` first (npm run bench / npm run soak do)`);
    this.name = 'BundleMissingError';
  }
}

/**
 * Imports the bundled customer-sync handler in this process after setting `env` (its module scope reads
 * the configuration once, like a Lambda cold start). Each distinct `instance` is a separate module
 * instance — its own clients, state store client and caches — like a separate Lambda container.
 *
 * @example
 * const handler = await importBundledHandler({ env: { ...services.env, CREDENTIALS_SECRET_ID } });
 * const containerB = await importBundledHandler({ env, instance: 'b' });
 */
export async function importBundledHandler(options: {
  env: Record<string, string>;
  instance?: string;
}): Promise<SqsHandler> {
  if (!existsSync(BUNDLE_PATH)) throw new BundleMissingError(BUNDLE_PATH);
  Object.assign(process.env, options.env);
  const url = pathToFileURL(BUNDLE_PATH);
  if (options.instance !== undefined) url.searchParams.set('container', options.instance);
  const module = (await import(url.href)) as { handler: SqsHandler };
  return module.handler;
}

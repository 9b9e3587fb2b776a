import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handlerEntry, type BundledFunction } from '../../lib/settings/bundling.ts';
import { SharedEsbuildBundling } from './SharedEsbuildBundling.ts';

/** The project root, from this file's location (infra/constructs/). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The Lambda code of one function: its `functions/<name>/handler.ts` bundled at synth time with the shared
 * esbuild options (handler `index.handler`). The asset hash is taken from the bundle, so an unchanged bundle
 * is not uploaded again; CDK caches the bundle per app, so several stacks of one app bundle each function once.
 *
 * @example
 * new lambda.Function(this, 'Fn', { code: bundledCode('customer-sync'), handler: 'index.handler', ... });
 */
export function bundledCode(name: BundledFunction, projectRoot: string = PROJECT_ROOT): lambda.Code {
  return lambda.Code.fromAsset(join(projectRoot, dirname(handlerEntry(name))), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws (CDK requires an image nonetheless).
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
      local: new SharedEsbuildBundling(name, projectRoot),
    },
  });
}

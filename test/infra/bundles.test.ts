import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { App } from 'aws-cdk-lib';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { build } from 'esbuild';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_FUNCTIONS, esbuildOptions, type BundledFunction } from '../../lib/settings/bundling.ts';
import { PROJECT_ROOT } from '../../infra/constructs/bundledCode.ts';
import type { CrmSyncStack } from '../../infra/CrmSyncStack.ts';
import { crmSyncStack, testApps } from './templateHelpers.ts';

const testApp = testApps();

const FUNCTION_IDS: Record<BundledFunction, string> = {
  'customer-sync': 'CustomerSync',
  webhook: 'Webhook',
  replay: 'Replay',
  reconcile: 'Reconcile',
};

describe('the deployed bundles', () => {
  let app: App;
  let stack: CrmSyncStack;
  let buildDir: string;

  beforeAll(async () => {
    app = testApp();
    stack = crmSyncStack(app, 'Bundles');
    buildDir = await mkdtemp(join(tmpdir(), 'crm-sync-build-'));
  });

  afterAll(async () => {
    await rm(buildDir, { recursive: true, force: true });
  });

  it.each(BUNDLED_FUNCTIONS)('%s is byte for byte what `npm run build` produces', async (name) => {
    const asset = stack.node.findChild(FUNCTION_IDS[name]).node.findChild('Code') as Asset;
    const outfile = join(buildDir, name, 'index.mjs');
    await build({ ...esbuildOptions(name, PROJECT_ROOT), outfile, logLevel: 'error' });

    const deployed = join(app.outdir, asset.assetPath);
    expect((await readdir(deployed)).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    expect(await readFile(join(deployed, 'index.mjs'), 'utf8')).toBe(await readFile(outfile, 'utf8'));
  });

  it.each(BUNDLED_FUNCTIONS)('%s holds zod/mini and its English messages, not classic zod', async (name) => {
    const { metafile } = await build({
      ...esbuildOptions(name, PROJECT_ROOT),
      write: false,
      logLevel: 'error',
    });

    // The files that put code in the bundle (tree-shaken modules are listed with 0 bytes).
    const [output] = Object.values(metafile?.outputs ?? {}).filter((o) => o.entryPoint !== undefined);
    const zodFiles = Object.entries(output?.inputs ?? {})
      .filter(([file, input]) => file.includes('node_modules/zod/') && input.bytesInOutput > 0)
      .map(([file]) => file);
    expect(zodFiles).toContain('node_modules/zod/v4/mini/schemas.js');
    expect(zodFiles).toContain('node_modules/zod/v4/locales/en.js');
    expect(zodFiles.filter((file) => /\/(classic|v3)\/|\/locales\/(?!en\.js|index\.js)/.test(file))).toEqual(
      [],
    );
  });
});

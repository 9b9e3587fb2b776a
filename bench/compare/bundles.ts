import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { esbuildOptions } from '../../lib/settings/bundling.ts';
import { BUNDLE_PATH } from '../support/bundledHandler.ts';
import { BenchError } from '../errors.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The commit whose bundle is "before" by default: the base of the performance work (issue 17). */
export const DEFAULT_BEFORE = '2bda16639fe7baca44ea1ea92e1e0d323f867ad5';

/** The three customer-sync bundles a comparison runs. */
export interface ComparedBundles {
  /** This checkout's bundle (`npm run build`). */
  after: string;
  /** The bundle of `before` (a commit), built from `git archive` in a temporary folder. */
  before: string;
  /** The Powertools BatchProcessor peer ({@link ../peer/handler.ts}). */
  peer: string;
  beforeCommit: string;
}

/**
 * Builds the "before" bundle (the customer-sync handler of commit `before`, with that commit's sources and
 * this checkout's `node_modules`) and the peer's bundle, both with the shipped esbuild options, into
 * `dist/bench/` (external `@aws-sdk/*` then resolve from this checkout's `node_modules`, as the shipped
 * bundle's do). The "after" bundle is `npm run build`'s.
 *
 * @example
 * const bundles = await buildComparedBundles({ before: DEFAULT_BEFORE });
 */
export async function buildComparedBundles(options: { before: string }): Promise<ComparedBundles> {
  if (!existsSync(BUNDLE_PATH)) throw new BenchError(`${BUNDLE_PATH} missing: run npm run build first`);
  const commit = git(['rev-parse', '--verify', `${options.before}^{commit}`]).trim();
  const out = join(ROOT, 'dist', 'bench');
  const before = join(out, 'before', 'index.mjs');
  const peer = join(out, 'peer', 'index.mjs');
  const source = join(tmpdir(), `crm-sync-before-${commit.slice(0, 12)}`);
  if (!existsSync(join(source, 'functions'))) {
    rmSync(source, { recursive: true, force: true });
    mkdirSync(source, { recursive: true });
    // Only what the handler's bundle reads; no worktree to clean up.
    execFileSync('sh', ['-c', `git archive ${commit} functions lib | tar -x -C "${source}"`], { cwd: ROOT });
    symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  }
  await Promise.all([
    build({ ...esbuildOptions('customer-sync', source), outfile: before }),
    build({
      ...esbuildOptions('customer-sync', ROOT),
      entryPoints: [join(ROOT, 'bench/peer/handler.ts')],
      outfile: peer,
    }),
  ]);
  return { after: BUNDLE_PATH, before, peer, beforeCommit: commit };
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  } catch (error) {
    throw new BenchError(`git ${args.join(' ')} failed: is the commit in this repository?`, { cause: error });
  }
}

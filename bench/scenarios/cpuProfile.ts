import { readFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { SourceMap } from 'node:module';
import { pathToFileURL } from 'node:url';
import { BUNDLE_PATH } from '../support/bundledHandler.ts';
import { round } from '../support/stats.ts';

/** Share of the handler's busy CPU time spent in one area (a package, a project domain, Node itself). */
export interface CpuShare {
  area: string;
  percent: number;
}

interface ProfileNode {
  id: number;
  callFrame: { url: string; lineNumber: number; columnNumber: number; functionName: string };
}

/**
 * Runs `work` under V8's sampling profiler (node:inspector) and attributes the self time to areas: inside
 * the bundle through its source map (zod, Powertools, the project's `lib/<domain>`), outside it by module
 * (the AWS SDK loaded from node_modules, undici, Node internals, native functions by name). Idle time and
 * the profiler's own frames are left out. Profiling slows
 * the code down, so this run is separate from the CPU figure.
 *
 * @example
 * const shares = await profileCpu(() => measureCpu(driver, { batches: 50, warmup: 0 }));
 */
export async function profileCpu(
  work: () => Promise<unknown>,
  top = 10,
  bundlePath = BUNDLE_PATH,
): Promise<CpuShare[]> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  let profile: Profiler.Profile;
  try {
    await work();
  } finally {
    ({ profile } = await session.post('Profiler.stop'));
    session.disconnect();
  }
  const map = new SourceMap(JSON.parse(readFileSync(`${bundlePath}.map`, 'utf8')));
  const bundleUrl = pathToFileURL(bundlePath).href;
  const nodes = new Map((profile.nodes as ProfileNode[]).map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples?.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)));
  const byArea = new Map<string, number>();
  for (const [id, micros] of self) {
    const area = areaOf(nodes.get(id)!.callFrame, bundleUrl, map);
    if (area !== undefined) byArea.set(area, (byArea.get(area) ?? 0) + micros);
  }
  const busy = [...byArea.values()].reduce((a, b) => a + b, 0);
  return [...byArea.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([area, micros]) => ({ area, percent: round((100 * micros) / busy, 1) }));
}

function areaOf(frame: ProfileNode['callFrame'], bundleUrl: string, map: SourceMap): string | undefined {
  const { url, functionName } = frame;
  if (functionName === '(idle)' || functionName === '(root)') return undefined;
  if (url === '') return functionName.startsWith('(') ? functionName.slice(1, -1) : `native ${functionName}`;
  if (url === 'node:inspector' || url.startsWith('node:internal/inspector')) return undefined; // the profiler itself
  if (url.startsWith(bundleUrl)) {
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber);
    const source = 'originalSource' in entry ? entry.originalSource : '';
    return `bundle: ${moduleOf(source) ?? 'unknown'}`;
  }
  if (url.includes('/bench/')) return 'bench driver';
  if (url.startsWith('node:internal/deps/undici')) return 'undici (fetch)';
  if (url.startsWith('node:'))
    return `node:${url
      .slice(5)
      .split('/')
      .at(url.startsWith('node:internal') ? 1 : 0)}`;
  return moduleOf(url) ?? url;
}

function moduleOf(path: string): string | undefined {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  if (pkg !== undefined) return pkg.startsWith('@smithy/') || pkg.startsWith('@aws-sdk/') ? 'AWS SDK' : pkg;
  const domain = /(?:^|\/)(lib\/[^/]+|functions\/[^/]+)/.exec(path)?.[1];
  return domain === undefined ? undefined : `crm-sync ${domain}`;
}

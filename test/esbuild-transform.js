// Jest transform that compiles TypeScript with esbuild, the same compiler that builds the Lambda
// bundles (scripts/build.ts). Written here instead of a ts-jest/swc dependency because ts-jest does
// not accept typescript 7 and the npm mirror lacks @swc/core's platform packages (npm ci fails).
import { transformSync } from 'esbuild';

export default {
  canInstrument: false,
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('.tsx') ? 'tsx' : 'ts',
      format: 'esm',
      target: 'node22',
      sourcemap: 'external',
      sourcefile: filename,
    });
    return { code, map };
  },
};

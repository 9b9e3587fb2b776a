import { availableParallelism } from 'node:os';

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js' },
  testTimeout: 30_000,
  // Jest's default is one worker per core minus one: a single worker on a 2-core machine. The longest suites
  // (the OAuth fleet, the soaks, the local stack) mostly wait on timers and sockets, so two workers halve the
  // suite there (463 s → 234 s on 2 cores) without starving either.
  maxWorkers: Math.max(2, availableParallelism() - 1),
};

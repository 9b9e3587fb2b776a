// Mutation testing (StrykerJS, jest runner) of the sync core and the layers it trusts: `npm run mutation`.
// Outside `.ci/run` on purpose: a full run takes tens of minutes on 2 cores. Results: reports/mutation/.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['lib/sync/**/*.ts', 'lib/mapping/**/*.ts', 'lib/webhook/**/*.ts', 'lib/queue/**/*.ts'],
  testRunner: 'jest',
  plugins: ['@stryker-mutator/jest-runner'],
  // Jest runs in ESM mode here (middy is ESM-only), as `npm test` does.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    enableFindRelatedTests: false,
    // The tests that exercise these folders: their unit tests and the integration tests on real parts.
    // The bundle test runs dist/ (not the mutated sources) and is left out.
    config: {
      testMatch: [
        '**/test/unit/lib/{sync,mapping,webhook,queue,events}/**/*.test.ts',
        '**/test/integration/{customer-sync,webhook,state}/**/*.test.ts',
      ],
      testPathIgnorePatterns: ['/node_modules/', '/test/integration/customer-sync/bundle.test.ts'],
    },
  },
  // Each mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  // Mutants in module-level constants would need the whole selection per mutant.
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 10_000,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};

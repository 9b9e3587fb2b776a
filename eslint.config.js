import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Schemas import zod through lib/zod.ts: zod/mini (tree-shakable; classic zod put ~440 KB in each
// Lambda bundle) with zod's English messages configured once.
const ZOD_PATTERN = {
  regex: '^zod(/.*)?$',
  message: "Import zod as `import * as z from '<path>/lib/zod.ts'` (zod/mini with English messages).",
};
// Dependencies point down and inward: product code never reaches into the tests, the bench or the CDK app.
const LAYER_PATTERN = {
  regex: '^(\\.\\./)+(test|bench|infra)/',
  message:
    'Product code (lib/, functions/) must not import test/, bench/ or infra/: move what is shared into lib/.',
};

/** One `no-restricted-imports` block (ESLint does not merge a rule's options across blocks). */
function restrictImports(files, patterns, ignores = []) {
  return [
    {
      files,
      ignores: ['lib/zod.ts', ...ignores],
      rules: { 'no-restricted-imports': ['error', { patterns }] },
    },
  ];
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', 'coverage/', 'reports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The local console's page script runs in the browser.
    files: ['lib/local/console/page/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'document',
          'fetch',
          'EventSource',
          'FormData',
          'Node',
          'setTimeout',
          'clearTimeout',
          'setInterval',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  ...restrictImports(['lib/**', 'functions/**'], [ZOD_PATTERN, LAYER_PATTERN]),
  ...restrictImports(['**/*'], [ZOD_PATTERN], ['lib/**', 'functions/**']),
);

// One lint config for the whole package. The architectural walls of ../shared/DESIGN.md are enforced
// here: the engine never imports Electron, and the renderer never imports Node or the engine.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const noElectron = {
  name: 'electron',
  message: 'The engine and server run in plain Node: reach Electron through the Host interface.',
};
const noTestSupport = {
  regex: '(^|/)engine/testing(/|$)|^(\\.\\./)+testing(/|$)|^\\./testing(/|$)',
  message: 'electron/engine/testing/ is test support: production code never imports it.',
};
// What counts as test code (free to use electron/engine/testing/).
const testFiles = ['**/*.test.ts', '**/test/**/*.ts', 'electron/engine/testing/**/*.ts'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'test-results/', 'e2e/screenshots/', 'bench/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  // Production files (everything under electron/ and server/ that is not a test) never import the
  // test-support tree; the engine and server never import Electron. Test files keep the Electron wall.
  {
    files: ['electron/engine/**/*.ts', 'server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [noTestSupport] }] },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noTestSupport] }] },
  },
  {
    files: testFiles,
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  // The compositing core runs in the engine, in worker threads and in the renderer's Web Worker: it
  // imports nothing outside its folder (no Node, no sharp, no engine modules), except erased types.
  {
    files: ['electron/engine/compose/core/**/*.ts'],
    ignores: testFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)',
              allowTypeImports: true,
              message: 'The compositing core is pure: import only from inside electron/engine/compose/core.',
            },
            {
              regex: '^\\./.*\\.\\.',
              allowTypeImports: true,
              message: 'The compositing core is pure: import only from inside electron/engine/compose/core.',
            },
          ],
        },
      ],
    },
  },
  // CommonJS on purpose: the stand-in for `electron` is loaded with `node --require` (main-smoke.test.ts).
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'child_process'],
              message: 'The renderer is a browser app: use the API client.',
            },
            {
              // The wall, drawn on purpose: the API contract, and the pure compositing core the live
              // preview shares with the engine (electron/engine/compose/core). Nothing else.
              regex: '^(\\.\\./)+electron/(?!engine/api/contract$|engine/compose/core(/[\\w.-]+)?$)',
              message:
                'The renderer reaches the engine only through the API contract and the compositing core (electron/engine/compose/core).',
            },
          ],
        },
      ],
    },
  },
);

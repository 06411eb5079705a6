import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The layer rules of ARCHITECTURE.md, enforced: who may import what.
const noElectronInCore = {
  paths: [{ name: 'electron', message: 'src/ is plain Node: Electron belongs in main/.' }],
  patterns: [
    {
      group: ['**/renderer/**', '**/main/**'],
      message: 'src/ must not import the faces (main/, renderer/).',
    },
  ],
};

// A domain's index.ts is its public face: code outside a domain imports only that (tests and the domain's own files
// are exempt), so a domain can rearrange its files without its users changing.
const DOMAINS = [
  'dialogs',
  'firstboot',
  'flash',
  'hosts',
  'image',
  'provision',
  'secrets',
  'store',
  'tasks',
  'terminal',
  'tools',
];
const throughFaces = (own) =>
  DOMAINS.filter((domain) => domain !== own).map((domain) => ({
    regex: `^(\\.\\.?/)+(src/)?${domain}/(?!index\\.js$)`,
    message: `Import src/${domain}/ through its face, ${domain}/index.js.`,
  }));
const coreRules = (own) => ({
  'no-restricted-imports': [
    'error',
    { ...noElectronInCore, patterns: [...noElectronInCore.patterns, ...throughFaces(own)] },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/contract/**'],
    rules: { 'no-restricted-imports': ['error', noElectronInCore] },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/contract/**', '**/*.test.ts', ...DOMAINS.map((domain) => `src/${domain}/**`)],
    rules: coreRules(null),
  },
  ...DOMAINS.map((domain) => ({
    files: [`src/${domain}/**/*.ts`],
    ignores: ['**/*.test.ts'],
    rules: coreRules(domain),
  })),
  {
    files: ['src/contract/**/*.ts'],
    ignores: ['src/contract/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$|\\./)',
              message: 'The contract is shared by every face: it may import only zod and its own files.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer is sandboxed: use window.companion.' }],
          patterns: [
            {
              regex: '(^|/)(src)/(?!contract/)',
              message: 'The renderer may import only src/contract/ (types and schemas) from the core.',
            },
            { group: ['**/main/**', 'node:*'], message: 'The renderer runs sandboxed: no Node, no main/.' },
          ],
        },
      ],
    },
  },
  {
    // Only main/ipc and the preload touch Electron IPC: every call goes through the checked router.
    files: ['main/**/*.ts'],
    ignores: ['main/ipc/**', 'main/preload.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain', 'ipcRenderer'],
              message: 'IPC goes through main/ipc/mount-router.ts only.',
            },
          ],
          patterns: throughFaces(null),
        },
      ],
    },
  },
  {
    files: ['main/ipc/**/*.ts', 'main/preload.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: throughFaces(null) }] },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['vite.config.ts', 'vitest.config.ts', 'eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);

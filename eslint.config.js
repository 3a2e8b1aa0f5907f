// ESLint: typescript-eslint and eslint-plugin-svelte (recommended sets), plus the rules that keep the
// core (src/lib) UI-free and its folders layered. Layering: a folder may import only the folders listed
// for it in LAYERS (see src/lib/README.md and the folder READMEs); the core never imports Svelte, state or UI, never touches
// DOM globals and never reads import.meta (build-time values come in through the Environment).
import js from '@eslint/js'
import ts from 'typescript-eslint'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import svelteConfig from './svelte.config.js'

/** Which core folders each core folder may import (besides itself). */
export const LAYERS = {
  model: [],
  platform: ['model'],
  diagnosis: ['model', 'platform'],
  teaching: ['model', 'platform'],
  protocol: ['model', 'platform', 'diagnosis'],
  mcp: ['model', 'platform', 'diagnosis', 'protocol'],
  checks: ['model', 'platform', 'diagnosis', 'protocol'],
  flow: ['model', 'platform', 'diagnosis', 'teaching', 'protocol', 'mcp', 'checks'],
}
const FOLDERS = Object.keys(LAYERS)
const UI_IMPORTS = ['svelte', 'svelte/*', '*.svelte', '**/state/*', '**/ui/*', '**/*.svelte.js', '**/*.svelte.ts']
const DOM_GLOBALS = [
  'window',
  'document',
  'location',
  'history',
  'navigator',
  'sessionStorage',
  'localStorage',
  'alert',
]

export default ts.config(
  { ignores: ['dist/', 'dist-*/', 'node_modules/', 'test-results/', 'playwright-report/', '.vite/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node, __APP_VERSION__: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrors: 'none',
        },
      ],
      // Server text is rendered as text, never as HTML.
      'svelte/no-at-html-tags': 'error',
      // {' → '} and {', '} keep spaces that the markup would otherwise trim: deliberate.
      'svelte/no-useless-mustaches': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig } },
  },
  {
    // The driver keeps plain-JSON snapshots in $state.raw and replaces them whole; the URLs and sets it
    // builds are local values, not state, so Svelte's reactive classes would add nothing.
    files: ['src/state/**/*.svelte.ts'],
    rules: { 'svelte/prefer-svelte-reactivity': 'off' },
  },
  // The core: no UI, no DOM globals, no import.meta; folders layered as LAYERS says.
  ...FOLDERS.map((folder) => ({
    files: [`src/lib/${folder}/**/*.ts`],
    ignores: ['src/lib/**/*.test.ts'],
    languageOptions: { globals: { ...globals.es2021 } },
    rules: {
      'no-restricted-globals': [
        'error',
        ...DOM_GLOBALS.map((name) => ({
          name,
          message: 'The core (src/lib) is DOM-free: take it from the Environment.',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MetaProperty[meta.name='import']",
          message: 'The core (src/lib) does not read import.meta: build-time values come in through the Environment.',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: UI_IMPORTS, message: 'The core (src/lib) never imports Svelte, state or UI.' },
            ...FOLDERS.filter((f) => f !== folder && !LAYERS[folder].includes(f)).map((f) => ({
              group: [`../${f}/*`, `../../${f}/*`, `../${f}`, `../../${f}`],
              message: `src/lib/${folder} may import only ${[folder, ...LAYERS[folder]].join(', ')} (src/lib/README.md and the folder READMEs).`,
            })),
          ],
        },
      ],
    },
  })),
)

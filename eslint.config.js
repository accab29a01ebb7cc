// ESLint: typescript-eslint's type-checked recommended set, kept small. Layout is Prettier's job (`prettier --check .`
// in `npm run lint`): no rule here is about formatting, so eslint-config-prettier is not needed.
import js from '@eslint/js'
import {defineConfig, globalIgnores} from 'eslint/config'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default defineConfig(
  globalIgnores(['dist/', 'oclif.manifest.json', 'examples/', 'tmp/']),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      // tsconfig.json includes src, test and vitest.config.ts; the JavaScript files are linted without types (below).
      parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname},
    },
    linterOptions: {reportUnusedDisableDirectives: 'error'},
    rules: {
      // `import type` for what is only a type; `typeof import('axios')` stays allowed for the lazily loaded modules.
      '@typescript-eslint/consistent-type-imports': ['error', {fixStyle: 'inline-type-imports', disallowTypeAnnotations: false}],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true},
      ],
      // An AbortSignal's reason (typed any) is what a cancelled wait must reject with, unchanged.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', {allowThrowingAny: true, allowThrowingUnknown: true}],
      // Off: async methods that implement a Promise-returning interface (auth headers, prompts, hooks) need no await.
      '@typescript-eslint/require-await': 'off',
      // Off: `Known | string` is written on purpose, to document the known values of an open string.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      // Off: every hit is a deliberate String(value) of untyped JSON in the sandbox's Java-like error texts.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // Off in tests only: they JSON.parse command output and poke at it; typing every such value adds nothing.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // bin, scripts, bench and this file are plain JavaScript outside tsconfig.json: no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {sourceType: 'commonjs'},
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
)

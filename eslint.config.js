// ESLint for the generator's own code: the recommended rules of ESLint and typescript-eslint
// (Prettier formats; no style rules here). Generated projects carry their own, in templates/base.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'templates/', 'test/golden/', 'test/fixtures/', 'test/keptn-spec/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_` names what is there to be left out: `const { CI: _, ...env } = process.env`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { varsIgnorePattern: '^_', argsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['test/**'],
    rules: {
      // Tests read parsed manifests, events and workflows whose shape is what they assert.
      '@typescript-eslint/no-explicit-any': 'off',
      // They match terminal output: ANSI escapes, and trees and YAML indented as they look.
      'no-control-regex': 'off',
      'no-regex-spaces': 'off',
    },
  },
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        AbortController: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        performance: 'readonly',
      },
    },
  },
);

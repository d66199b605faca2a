// `npm run lint`: the recommended rules of ESLint and typescript-eslint; Prettier checks the format
// (its settings are package.json's `prettier`), so no style rules here. Not linted: keptn/resources/,
// which Keptn hands to the tool (k6, Locust, …) rather than to Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'keptn/resources/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_` names what is there to be left out: `const { type: _, ...rest } = event`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { varsIgnorePattern: '^_', argsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The tests and the local distributor read events and webhook calls as parsed JSON, whose
    // shape is what the tests assert.
    files: ['test/**', 'src/dev/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The stand-ins for the tools in test/ are plain Node scripts.
    files: ['**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', fetch: 'readonly', setTimeout: 'readonly', URL: 'readonly' },
    },
  },
);

// Build step: bundles src/cli.ts into dist/ (esbuild, ES modules, split into chunks so that what
// only some runs need loads on first use). Two things esbuild's command line cannot do:
// - node:child_process, which commander requires as it loads, loads on first use instead
//   (lazy-child-process.mjs).
// - The `require` that bundled CommonJS code (commander) calls asks only for built-in modules, so
//   each chunk defines it as process.getBuiltinModule (Node >= 20.16) instead of creating a
//   CommonJS require function for its own URL.
import { build } from 'esbuild';
import { lazyChildProcess } from './lazy-child-process.mjs';

const root = new URL('../../', import.meta.url).pathname;

await build({
  absWorkingDir: root,
  entryPoints: ['src/cli.ts'],
  bundle: true,
  splitting: true,
  minify: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'dist',
  logLevel: 'warning',
  banner: { js: 'const require=(id)=>process.getBuiltinModule(id);' },
  plugins: [lazyChildProcess],
});

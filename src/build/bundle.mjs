// Build step: bundles src/cli.ts into dist/ (esbuild, ES modules, split into chunks so that what
// only some runs need loads on first use). Two things esbuild's command line cannot do:
// - commander requires node:child_process when it loads (2 ms and 1.5 MB: net, dgram, …) but uses
//   it only to run executable subcommands, which this CLI has none of: here it loads on first use.
// - The `require` that bundled CommonJS code (commander) calls asks only for built-in modules, so
//   each chunk defines it as process.getBuiltinModule (Node >= 20.16) instead of creating a
//   CommonJS require function for its own URL.
import { build } from 'esbuild';

const root = new URL('../../', import.meta.url).pathname;

/** @type {import('esbuild').Plugin} */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      loader: 'js',
      contents: "let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= process.getBuiltinModule('node:child_process'))[key] });",
    }));
  },
};

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

// How the CLI is bundled for Node (esbuild options), shared by src/build/bundle.mjs and the bench's
// floor (test/bench.mjs bundles test/bench-floor.mjs the same way). Two things esbuild's command
// line cannot do:
// - commander requires node:child_process when it loads (2 ms and 1.5 MB: net, dgram, …) but uses
//   it only to run executable subcommands, which neither has: here it loads on first use.
// - The `require` that bundled CommonJS code (commander) calls asks only for built-in modules, so
//   each output file defines it as process.getBuiltinModule (Node >= 20.16) instead of creating a
//   CommonJS require function for its own URL.

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

/** @type {import('esbuild').BuildOptions} */
export const NODE_BUNDLE = {
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  banner: { js: 'const require=(id)=>process.getBuiltinModule(id);' },
  plugins: [lazyChildProcess],
};

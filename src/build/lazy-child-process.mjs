// An esbuild plugin, used by src/build/bundle.mjs and by the bench's floor (test/bench-floor.mjs):
// commander requires node:child_process when it loads (2 ms and 1.5 MB: net, dgram, …) but uses it
// only to run executable subcommands, which neither has: here it loads on first use.
/** @type {import('esbuild').Plugin} */
export const lazyChildProcess = {
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

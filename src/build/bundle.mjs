// Build step: bundles src/cli.ts into dist/ (esbuild, ES modules, split into chunks so that what
// only some runs need loads on first use), with the options of node-bundle.mjs.
import { build } from 'esbuild';
import { NODE_BUNDLE } from './node-bundle.mjs';
import { writeNotices } from './notices.mjs';

const root = new URL('../../', import.meta.url).pathname;

const result = await build({
  ...NODE_BUNDLE,
  absWorkingDir: root,
  entryPoints: ['src/cli.ts'],
  splitting: true,
  outdir: 'dist',
  metafile: true,
});
// The templates compile (compile-templates.mjs) into functions of ejs's making: its notice goes too.
writeNotices(root, result.metafile, ['node_modules/ejs']);

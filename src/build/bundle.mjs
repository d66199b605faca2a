// Build step: bundles src/cli.ts into dist/ (esbuild, ES modules, split into chunks so that what
// only some runs need loads on first use), with the options of node-bundle.mjs.
import { build } from 'esbuild';
import { NODE_BUNDLE } from './node-bundle.mjs';

const root = new URL('../../', import.meta.url).pathname;

await build({ ...NODE_BUNDLE, absWorkingDir: root, entryPoints: ['src/cli.ts'], splitting: true, outdir: 'dist' });

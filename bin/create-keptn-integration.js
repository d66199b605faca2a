#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm install` via prepare).
import module from 'node:module';

// Node 22.1 and later keep the compiled code of the bundle between runs; Node 20 has no such cache.
module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');

process.exitCode = await main(process.argv);

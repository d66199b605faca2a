// Running our CLI and generated projects as real processes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Options } from 'execa';

export const BIN = fileURLToPath(new URL('../bin/create-keptn-integration.js', import.meta.url));

export function tempDir(prefix = 'cki-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The Node the generator runs on in these tests: this machine's (the oldest line it supports),
 * not the generated projects' line that the test run puts first on PATH (test/global-setup.ts).
 */
export const NODE_BIN = process.execPath;

/** Runs the CLI without a terminal; never throws, returns exit code and output. */
export function cli(args: string[], options: Options = {}) {
  return execa(NODE_BIN, [BIN, ...args], { reject: false, stdin: 'ignore', env: { CI: 'true', ...options.env }, ...options, all: true });
}

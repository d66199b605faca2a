// Node `major` from the npm registry, which ships it as a package (node-<platform>-<arch>):
// installed once into .cache/node-<major>. The test setup puts the generated projects' line first
// on PATH (test/global-setup.ts); the bench runs the generator on it as well (test/bench.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bin folder of Node `major`, installed when missing. */
export function nodeLine(major) {
  const prefix = fileURLToPath(new URL(`../.cache/node-${major}`, import.meta.url));
  const pkg = `node-${process.platform}-${process.arch}`;
  const bin = join(prefix, 'node_modules', pkg, 'bin');
  if (!existsSync(join(bin, 'node'))) {
    console.log(`Installing Node ${major} (npm package ${pkg}@${major}) into .cache/`);
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `${pkg}@${major}`], {
      stdio: 'inherit',
    });
  }
  return bin;
}

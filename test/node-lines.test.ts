// Two Node lines: the generator runs on this machine's Node (20.17 and later, what its users have)
// and on the line generated projects target (src/generated-versions.ts), which test/global-setup.ts
// put first on PATH for every process the tests start.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { NODE } from '../src/generated-versions.js';
import { BIN, NODE_BIN, tempDir } from './run.js';

const major = (version: string) => Number(version.replace(/^v/, '').split('.')[0]);

/** Every file below `dir` with its content, but the record's generation-specific parts. */
function files(dir: string): Record<string, string> {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Object.fromEntries(
    entries.map((e) => [relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name), 'utf8')]),
  );
}

describe('Node lines', () => {
  it(`puts Node ${NODE.major}, the generated projects' line, first on the PATH of the processes tests start`, async () => {
    const { stdout } = await execa('node', ['-p', 'process.version']);
    expect(major(stdout)).toBe(NODE.major);
    // npm, which builds and tests the generated projects, runs on it too.
    const npm = await execa('npm', ['exec', '--', 'node', '-p', 'process.version']);
    expect(major(npm.stdout)).toBe(NODE.major);
  });

  it("runs the generator on this machine's Node, 20.17 or later", () => {
    const [maj, min] = process.versions.node.split('.').map(Number);
    expect(maj > 20 || (maj === 20 && min >= 17)).toBe(true);
    expect(NODE_BIN).toBe(process.execPath);
  });

  it(`generates, helps and regenerates alike on both lines`, async () => {
    const lines = { machine: NODE_BIN, generated: 'node' };
    const out: Record<string, { help: string; files: Record<string, string>; check: number | undefined }> = {};
    for (const [line, node] of Object.entries(lines)) {
      const cwd = tempDir();
      const env = { CI: 'true', NO_COLOR: '1' };
      const help = await execa(node, [BIN, '--help'], { env });
      const gen = await execa(node, [BIN, 'p', '--kind', 'sli-provider', '--yes', '--no-install', '--no-git'], {
        cwd,
        env,
        reject: false,
        all: true,
      });
      expect(gen.exitCode, `${line}: ${gen.all}`).toBe(0);
      const check = await execa(node, [BIN, 'regenerate', '--check'], { cwd: join(cwd, 'p'), env, reject: false });
      out[line] = { help: help.stdout, files: files(join(cwd, 'p')), check: check.exitCode };
    }
    expect(out.generated.check).toBe(0);
    expect(out.generated).toEqual(out.machine);
  });
});

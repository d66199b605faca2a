// Colours follow the conventions: decided per stream, NO_COLOR and FORCE_COLOR as Node reads
// them, --color and --no-color above both.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { generate } from './helpers.js';
import { BIN, NODE_BIN, cli, tempDir } from './run.js';

const ESC = /\x1b\[/;

/** Runs the CLI with stderr on a pseudo-terminal and stdout into a file, as `cmd > report.txt` in a terminal. */
async function inTerminal(args: string[], env: Record<string, string> = {}) {
  const out = join(tempDir(), 'report.txt');
  const script = `
import os, pty, subprocess, sys
master, slave = pty.openpty()
with open(sys.argv[1], 'wb') as out:
    code = subprocess.call(sys.argv[2:], stdout=out, stderr=slave, stdin=subprocess.DEVNULL)
os.close(slave)
err = b''
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    err += chunk
    if len(chunk) < 65536:
        break
sys.stderr.buffer.write(err)
sys.exit(code)
`;
  const r = await execa('python3', ['-c', script, out, NODE_BIN, BIN, ...args], {
    reject: false,
    env: { TERM: 'xterm', ...env },
    extendEnv: false,
  });
  return { exitCode: r.exitCode, stdout: readFileSync(out, 'utf8'), stderr: r.stderr };
}

describe('colours', () => {
  it('are decided per stream: a report redirected to a file has none, the terminal keeps its own', async () => {
    const { dir } = await generate('generic', '1.0');
    const r = await inTerminal(['regenerate', dir, join(dir, 'nonexistent')], { PATH: process.env.PATH! });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('up to date');
    expect(r.stdout).not.toMatch(ESC);
    expect(r.stderr).toMatch(/\x1b\[31merror:/);
  });

  it.each([
    ['FORCE_COLOR=0', { FORCE_COLOR: '0' }, [], false],
    ['FORCE_COLOR=false', { FORCE_COLOR: 'false' }, [], false],
    ['FORCE_COLOR=1', { FORCE_COLOR: '1' }, [], true],
    ['FORCE_COLOR=true', { FORCE_COLOR: 'true' }, [], true],
    ['NO_COLOR=1 beside FORCE_COLOR=1', { NO_COLOR: '1', FORCE_COLOR: '1' }, [], false],
    ['--no-color beside FORCE_COLOR=1', { FORCE_COLOR: '1' }, ['--no-color'], false],
    ['--color beside NO_COLOR=1', { NO_COLOR: '1' }, ['--color'], true],
    ['--color with no terminal', {}, ['--color'], true],
  ])('%s', async (_, env, flags, coloured) => {
    const { dir } = await generate('generic', '1.0');
    const r = await cli(['regenerate', dir, ...flags], { env: { NO_COLOR: '', ...env } });
    expect(r.exitCode, r.all).toBe(0);
    expect(ESC.test(r.stdout)).toBe(coloured);
  });

  it('--no-color and --color are options of create too', async () => {
    const cwd = tempDir();
    const plain = await cli(['x', '--kind', 'generic', '--task', 't', '--yes', '--dry-run', '--no-color'], {
      cwd,
      env: { FORCE_COLOR: '1' },
    });
    expect(plain.exitCode, plain.all).toBe(0);
    expect(plain.all).not.toMatch(ESC);
    const help = await cli(['--help']);
    expect(help.stdout).toMatch(/--no-color\s+no colours/);
    expect(help.stdout).toMatch(/--color\s+colours even when/);
  });
});

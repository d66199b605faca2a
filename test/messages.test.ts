// What the CLI says fits what was typed: a missing directory is said to be missing, regenerate
// finds its project from a subdirectory, --help gives an example for every flag.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANSWERS } from '../src/answers.js';
import { generate } from './helpers.js';
import { cli, tempDir } from './run.js';

describe('messages', { timeout: 30_000 }, () => {
  it('regenerate of a directory that does not exist says so', async () => {
    const cwd = tempDir();
    const r = await cli(['regenerate', 'no-such-dir'], { cwd, env: { NO_COLOR: '1' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('error: no-such-dir does not exist: regenerate takes the directories of projects made by create-keptn-integration');
  });

  it('regenerate in a subdirectory of a project finds the project upward and names it', async () => {
    const { dir, blueprint } = await generate('generic', '1.0');
    const deep = join(dir, 'src', 'keptn');
    const r = await cli(['regenerate'], { cwd: deep, env: { NO_COLOR: '1' } });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toBe(`${blueprint.name}: up to date`);
    const here = await cli(['regenerate'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(here.stdout).toBe(`${blueprint.name}: up to date`);
    // Outside any project: the record is missing here.
    const outside = tempDir();
    mkdirSync(join(outside, 'x'));
    const none = await cli(['regenerate'], { cwd: join(outside, 'x'), env: { NO_COLOR: '1' } });
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(/\.keptn-integration\.json is missing/);
  });

  it('--help has an example for every flag, --set lists its keys, and -V prints the version', async () => {
    // Each option's entry: its first line and the wrapped lines under it.
    const entries = (help: string) => help.split(/\n(?=  -)/).filter((e) => e.startsWith('  -')).map((e) => e.split('\n\n')[0].replace(/\s+/g, ' '));
    const help = (await cli(['--help'])).stdout;
    const regenerate = (await cli(['help', 'regenerate'])).stdout;
    expect(entries(help).length).toBeGreaterThan(ANSWERS.length);
    for (const entry of [...entries(help), ...entries(regenerate)].filter((e) => !/^ -(V|v|h),/.test(e) && !e.startsWith(' -h'))) {
      expect(entry).toMatch(/e\.g\. /);
    }
    expect(regenerate.replace(/\s+/g, ' ')).toContain(`key one of ${ANSWERS.map((d) => d.key).join(', ')}`);
    const [v, V] = await Promise.all([cli(['-v']), cli(['-V'])]);
    expect(V.exitCode).toBe(0);
    expect(V.stdout).toBe(v.stdout);
    expect(V.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

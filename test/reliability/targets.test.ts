// Odd targets and faults for the writer (issue 21): existing directories written into in place,
// --force and the record all-or-nothing, odd paths refused in one line before the first file,
// nothing written outside the project through symbolic links, and the owner's file modes kept.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedTemplates, generate, read, regenerate, statuses } from '../helpers.js';
import { cli, tempDir } from '../run.js';
import { snapshot } from './tree.js';

const CREATE = ['--kind', 'notification', '--yes', '--no-install', '--no-git'];

const mounted: string[] = [];
afterAll(() => mounted.forEach((d) => spawnSync('umount', ['-l', d])));
const canMount = process.getuid?.() === 0;
function mount(options: string, dir = tempDir('disk-')): string {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  if (r.status !== 0) throw new Error(`mount -o ${options}: ${r.stderr}`);
  mounted.push(dir);
  return dir;
}

describe('an existing empty directory is written into, not replaced', () => {
  it('`create .` keeps the directory itself: inode, setgid mode, the shell inside it', async () => {
    const dir = join(tempDir(), 'x');
    mkdirSync(dir);
    chmodSync(dir, 0o2775);
    const before = statSync(dir);
    const r = await cli(['.', ...CREATE], { cwd: dir });
    expect(r.exitCode, r.all).toBe(0);
    const after = statSync(dir);
    expect(after.ino).toBe(before.ino);
    expect((after.mode & 0o7777).toString(8)).toBe('2775');
    // The shell that ran it is still in a directory that exists: npm test works there.
    expect(spawnSync('node', ['-e', 'process.cwd()'], { cwd: dir }).status).toBe(0);
    expect(readdirSync(dir)).toContain('.keptn-integration.json');
    expect(readdirSync(join(dir, '..'))).toEqual(['x']);
  });

  it.runIf(canMount)('an empty mount point (a container volume) is written into', async () => {
    const volume = mount('size=4m');
    const r = await cli(['.', ...CREATE, '--name', 'vol'], { cwd: volume });
    expect(r.exitCode, r.all).toBe(0);
    expect(readdirSync(volume)).toContain('package.json');
    expect(readdirSync(volume).filter((e) => e.endsWith('.tmp'))).toEqual([]);
  });

  it.runIf(canMount)('a directory the user may not write into is refused in one line, nothing written', async () => {
    const readOnly = mount('ro');
    const r = await cli(['.', ...CREATE, '--name', 'ro'], { cwd: readOnly });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe('error: cannot write .: the file system is read-only (EROFS)');
  });
});

describe('--force is all-or-nothing, and says what it replaces first', () => {
  it.runIf(canMount)('a full disk: one line, and the directory exactly as it was', async () => {
    const disk = mount('size=64k');
    const svc = join(disk, 'svc');
    mkdirSync(svc);
    writeFileSync(join(svc, 'README.md'), 'mine\n');
    writeFileSync(join(svc, 'NOTES.md'), 'mine too\n');
    const before = snapshot(disk);
    const r = await cli(['svc', ...CREATE, '--force'], { cwd: disk });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('error: cannot write svc: the disk is full (ENOSPC)');
    expect(snapshot(disk)).toEqual(before);
  });

  it('lists the files it replaces before writing, and points a generated project at regenerate', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'svc'));
    writeFileSync(join(cwd, 'svc', 'README.md'), 'mine');
    writeFileSync(join(cwd, 'svc', '.keptn-integration.json'), '{}');
    const r = await cli(['svc', ...CREATE, '--force'], { cwd, env: { NO_COLOR: '1' } });
    expect(r.exitCode, r.all).toBe(0);
    const lines = r.stderr.split('\n');
    const listed = lines.findIndex((l) => l === '--force replaces 2 existing files:');
    expect(listed, r.stderr).toBeGreaterThanOrEqual(0);
    expect(lines.slice(listed + 1, listed + 3)).toEqual(['  .keptn-integration.json', '  README.md']);
    expect(listed).toBeLessThan(lines.findIndex((l) => l.startsWith('✔ Wrote')));
    expect(r.stderr).toContain('create-keptn-integration regenerate svc');
  });
});

describe('odd targets: one line naming the path and the rule, exit 1, nothing written', () => {
  /** Runs create; the run must end promptly, in one line, leaving `dir` as it was. */
  async function refused(target: string, cwd: string, extra: string[] = []) {
    const before = snapshot(cwd);
    const r = await cli([target, ...CREATE, ...extra], { cwd, timeout: 20_000 });
    expect(r.timedOut, 'still running after 20 s').toBe(false);
    expect(r.exitCode, r.all).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).not.toMatch(/unexpected failure/);
    expect(snapshot(cwd)).toEqual(before);
    return lines[0];
  }

  it('a target under /proc ends at once instead of spinning', async () => {
    const cwd = tempDir();
    expect(await refused('/proc/cki-target', cwd)).toMatch(
      /^error: cannot write \/proc\/cki-target: \/proc is a kernel file system \(proc\), not a place for files$/,
    );
  });

  it('a name too long for the file system (ENAMETOOLONG)', async () => {
    const cwd = tempDir();
    const long = 'p'.repeat(300);
    expect(await refused(long, cwd, ['--name', 'p'])).toBe(
      `error: cannot write ${long}: a name in the path is longer than the file system allows (ENAMETOOLONG)`,
    );
  });

  it('a folder where a generated file goes (EISDIR), with --force: no file written before it', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'svc', 'README.md'), { recursive: true });
    writeFileSync(join(cwd, 'svc', 'mine.txt'), 'mine');
    expect(await refused('svc', cwd, ['--force'])).toBe('error: svc/README.md is a directory where a generated file goes (EISDIR)');
  });

  it('a file where a generated folder goes (ENOTDIR), with --force', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'svc'));
    writeFileSync(join(cwd, 'svc', 'src'), 'mine');
    expect(await refused('svc', cwd, ['--force'])).toBe('error: svc/src is a file where a generated folder goes (ENOTDIR)');
  });

  it('a dangling symbolic link in the way of a folder (EEXIST), with --force', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'svc'));
    symlinkSync('nowhere', join(cwd, 'svc', 'src'));
    expect(await refused('svc', cwd, ['--force'])).toBe('error: svc/src is a symbolic link to nowhere, which does not exist');
  });

  it('a dangling symbolic link as the target', async () => {
    const cwd = tempDir();
    symlinkSync('nowhere', join(cwd, 'p'));
    expect(await refused('p', cwd)).toBe('error: p is a symbolic link to nowhere, which does not exist');
  });
});

describe('nothing outside the project, through symbolic links either', () => {
  it('create --force: a folder linked to outside the project is refused, nothing written there', async () => {
    const cwd = tempDir();
    const outside = join(cwd, 'outside');
    mkdirSync(outside);
    mkdirSync(join(cwd, 'svc'));
    symlinkSync(outside, join(cwd, 'svc', 'src'));
    const r = await cli(['svc', ...CREATE, '--force'], { cwd });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(`error: svc/src is a symbolic link to ${outside}, outside the project: nothing is written through it`);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('regenerate: src/keptn linked to another folder gets no file written there', async () => {
    const { dir } = await generate('test-tool', '1.0', changedTemplates([['base/src/keptn/log.ts', /$/, '\n// changed\n']]));
    const outside = join(dir, '..', 'elsewhere');
    mkdirSync(outside);
    spawnSync('mv', [join(dir, 'src', 'keptn'), join(outside, 'keptn')]);
    symlinkSync(join(outside, 'keptn'), join(dir, 'src', 'keptn'));
    const before = snapshot(outside);
    const r = await regenerate(dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toMatch(
      /^error: .*\/src\/keptn is a symbolic link to .*elsewhere\/keptn, outside the project: nothing is written through it$/,
    );
    expect(snapshot(outside)).toEqual(before);
  });

  it('regenerate: a file no longer generated, under a folder linked outside, is not deleted there', async () => {
    const { dir } = await generate('generic', '1.0', changedTemplates([], { 'base/keptn/OLD.md': 'old\n' }));
    const outside = join(dir, '..', 'elsewhere');
    spawnSync('mv', [join(dir, 'keptn'), outside]);
    symlinkSync(outside, join(dir, 'keptn'));
    const r = await regenerate(dir);
    expect(r.exitCode).toBe(1);
    expect(existsSync(join(outside, 'OLD.md'))).toBe(true);
  });
});

describe('the record and a killed regenerate', () => {
  it.runIf(canMount)(
    'a full disk during regenerate: the whole regeneration, or one line with every file and the record as they were',
    async () => {
      // A project of templates without README.md: regenerate adds it, and the record grows with it.
      const older = changedTemplates([]);
      rmSync(join(older, 'base', 'README.md.ejs'));
      const { dir } = await generate('test-tool', '1.0', older);
      const outcomes: string[] = [];
      // Room for some of the files, or for all of them but not a grown record (0.1.0 truncated it).
      for (const kib of [4, 8, 12, 16, 20, 24]) {
        const disk = mount('size=1m');
        const project = join(disk, 'p');
        spawnSync('cp', ['-a', dir, project]);
        const free = Number(spawnSync('df', ['--output=avail', '-B1', disk]).stdout.toString().split('\n')[1]);
        writeFileSync(join(disk, 'filler'), Buffer.alloc(Math.max(0, free - kib * 1024)));
        const before = snapshot(project);
        const r = await regenerate(project);
        if (r.exitCode === 0) {
          expect(existsSync(join(project, 'README.md'))).toBe(true);
          expect(() => JSON.parse(read(project, '.keptn-integration.json'))).not.toThrow();
          outcomes.push(`${kib} KiB: regenerated`);
          continue;
        }
        expect(r.stderr.trim(), `${kib} KiB free`).toMatch(/^error: cannot write .*: the disk is full \(ENOSPC\)$/);
        expect(snapshot(project), `${kib} KiB free`).toEqual(before);
        outcomes.push(`${kib} KiB: refused, unchanged`);
      }
      expect(
        outcomes.some((o) => o.endsWith('unchanged')),
        outcomes.join(', '),
      ).toBe(true);
    },
  );

  it('temporary files a killed regenerate left beside the files are removed by the next run', async () => {
    const { dir } = await generate(
      'test-tool',
      '1.0',
      changedTemplates([['base/chart/values.yaml.ejs', '      cpu: 250m', '      cpu: 100m']]),
    );
    // What regenerate 0.1.0 left when killed between writing and renaming: <file>.<pid>-<time>.tmp.
    writeFileSync(join(dir, 'chart', 'values.yaml.999999-abc.tmp'), 'half');
    writeFileSync(join(dir, 'README.md.999999-abd.tmp'), '');
    const r = await regenerate(dir, '--json');
    expect(r.exitCode, r.all).toBe(0);
    expect(statuses(r.stdout)[0]).toEqual({ 'chart/values.yaml': 'updated' });
    expect(readdirSync(join(dir, 'chart')).filter((e) => e.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(dir).filter((e) => e.endsWith('.tmp'))).toEqual([]);
  });
});

describe("the owner's file modes", () => {
  it('a chmod -x on a generated script is kept when regenerate updates it', async () => {
    const { dir } = await generate('generic', '1.0', changedTemplates([['base/keptn/add-resources.sh.ejs', /$/, '\n# older\n']]));
    chmodSync(join(dir, 'keptn', 'add-resources.sh'), 0o644);
    const r = await regenerate(dir, '--json');
    expect(r.exitCode, r.all).toBe(0);
    expect(statuses(r.stdout)[0]).toEqual({ 'keptn/add-resources.sh': 'updated' });
    expect(read(dir, 'keptn/add-resources.sh')).not.toContain('# older');
    expect((statSync(join(dir, 'keptn', 'add-resources.sh')).mode & 0o777).toString(8)).toBe('644');
  });
});

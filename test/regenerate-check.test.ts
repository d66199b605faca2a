// regenerate --check is what CI relies on: it fails on anything a run would write (the record
// included), on conflict markers however they were edited, and keeps its verdict through a pipe.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { LAYOUT } from '../src/layouts.js';
import { changedTemplates, edit, generate, read, regenerate } from './helpers.js';
import { BIN, NODE_BIN } from './run.js';

const VALUES = 'base/chart/values.yaml.ejs';
const RECORD = '.keptn-integration.json';

/** A project whose chart/values.yaml regenerate leaves in conflict (the owner's 400m against the template's 250m). */
async function conflicted() {
  const { dir } = await generate('test-tool', '1.0', changedTemplates([[VALUES, '      cpu: 250m', '      cpu: 100m']]));
  edit(dir, 'chart/values.yaml', '      cpu: 100m', '      cpu: 400m');
  const r = await regenerate(dir);
  expect(r.exitCode, r.all).toBe(3);
  return dir;
}

describe('regenerate --check', () => {
  it.each([
    ['relabelled', (t: string) => t.replace('<<<<<<< your version', '<<<<<<< HEAD')],
    ['with CRLF line ends', (t: string) => t.replace(/\n/g, '\r\n')],
    ['with its first marker line removed', (t: string) => t.replace(/<<<<<<< your version\n/, '')],
    ['down to a lone closing marker', (t: string) => t.replace(/<<<<<<< your version\n[\s\S]*?=======\n/, '')],
  ])('fails on conflict markers %s in a file a conflict touched', async (_, change) => {
    const dir = await conflicted();
    writeFileSync(join(dir, 'chart/values.yaml'), change(read(dir, 'chart/values.yaml')));
    const check = await regenerate(dir, '--check');
    expect(check.exitCode, check.all).toBe(1);
    expect(check.stdout).toMatch(/conflict\s+chart\/values.yaml/);
    expect(check.stdout).toContain('Still holding conflict markers from an earlier run: chart/values.yaml');
  });

  it('passes again once the markers are gone, and the record forgets the conflict', async () => {
    const dir = await conflicted();
    expect(JSON.parse(read(dir, RECORD)).conflicts).toEqual(['chart/values.yaml']);
    writeFileSync(
      join(dir, 'chart/values.yaml'),
      read(dir, 'chart/values.yaml').replace(/<<<<<<< your version\n( {6}cpu: 400m\n)[\s\S]*?>>>>>>> [^\n]*\n/, '$1'),
    );
    // Resolved is up to date; the next run drops the file from the record.
    expect((await regenerate(dir, '--check')).exitCode).toBe(0);
    expect((await regenerate(dir)).exitCode).toBe(0);
    expect(JSON.parse(read(dir, RECORD)).conflicts).toBeUndefined();
    expect((await regenerate(dir, '--check')).exitCode).toBe(0);
  });

  it('says what a run would do instead of asking to resolve markers it did not write', async () => {
    const { dir } = await generate('test-tool', '1.0', changedTemplates([[VALUES, '      cpu: 250m', '      cpu: 100m']]));
    edit(dir, 'chart/values.yaml', '      cpu: 100m', '      cpu: 400m');
    const check = await regenerate(dir, '--check');
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toContain('would conflict');
    expect(check.stdout).toContain('A run without --check would write conflict markers');
    expect(check.stdout).not.toContain('Resolve the conflict markers');
    expect(read(dir, 'chart/values.yaml')).not.toContain('<<<<<<<');
  });

  it.each([
    ['a foreign base', (r: any) => (r.base = Buffer.from('not deflated').toString('base64')), /base .*must be the record/],
    ['a base of other files', (r: any, other: any) => (r.base = other.base), /would update\s+\.keptn-integration\.json: its base/],
    ['an extra key', (r: any) => (r.extra = 1), /would update\s+\.keptn-integration\.json: it holds keys .* \(extra\)/],
    ['an extra generator key', (r: any) => (r.generator.commit = 'abc'), /\(generator\.commit\)/],
    [
      'a version that is none',
      (r: any) => (r.generator.version = 'garbage'),
      /generator\.version "garbage" is invalid: must be a semantic version/,
    ],
  ])('fails on a record with %s, which a run would rewrite or refuse', async (_, change, message) => {
    const { dir } = await generate('generic', '1.0');
    const other = JSON.parse(read((await generate('notification', '1.0')).dir, RECORD));
    const record = JSON.parse(read(dir, RECORD));
    change(record, other);
    writeFileSync(join(dir, RECORD), JSON.stringify(record, null, 2));
    const check = await regenerate(dir, '--check');
    expect(check.exitCode, check.all).toBe(1);
    expect(check.all).toMatch(message);
  });

  it('passes when only the version stamp differs, as it always has', async () => {
    const { dir } = await generate('generic', '1.0');
    const record = JSON.parse(read(dir, RECORD));
    record.generator.version = '0.0.1';
    writeFileSync(join(dir, RECORD), JSON.stringify(record, null, 2));
    expect((await regenerate(dir, '--check')).exitCode).toBe(0);
  });

  it('passes for a record of an older layout when no file moves, and a run writes the layout', async () => {
    // A project of 0.1.0 in src/keptn/: its record states no layout (layout 1), yet nothing moves.
    const { dir } = await generate('generic', '1.0');
    const { layout: _, ...record } = JSON.parse(read(dir, RECORD));
    record.generator.version = '0.1.0';
    writeFileSync(join(dir, RECORD), JSON.stringify(record, null, 2));
    expect((await regenerate(dir, '--check')).exitCode).toBe(0);
    const r = await regenerate(dir, '--json');
    expect(r.exitCode, r.all).toBe(0);
    expect(JSON.parse(r.stdout).projects[0].result).toBe('unchanged');
    expect(JSON.parse(read(dir, RECORD)).layout).toBe(LAYOUT);
  });

  it('keeps its verdict when its output is cut short by a pipe', async () => {
    const { dir } = await generate('test-tool', '1.0');
    // Ten times the diffs of a move to Keptn 0.8: more than a pipe holds, so `head` closes it early.
    const dirs = Array.from({ length: 10 }, () => `"${dir}"`).join(' ');
    const piped = await execa(
      'bash',
      ['-c', `set -o pipefail; "${NODE_BIN}" "${BIN}" regenerate ${dirs} --check --diff --set keptn=0.8 | head -1`],
      { reject: false, env: { NO_COLOR: '1' } },
    );
    expect(piped.stdout).toMatch(/would change/);
    expect(piped.exitCode).toBe(1);
  });
});

describe('a record it cannot trust', () => {
  it('is refused in one line when a base file is not text', async () => {
    const { dir } = await generate('test-tool', '1.0', changedTemplates([[VALUES, '      cpu: 250m', '      cpu: 100m']]));
    const record = JSON.parse(read(dir, RECORD));
    const { deflateRawSync } = await import('node:zlib');
    record.base = deflateRawSync(JSON.stringify({ 'chart/values.yaml': 42 })).toString('base64');
    writeFileSync(join(dir, RECORD), JSON.stringify(record, null, 2));
    const r = await regenerate(dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: .*\.keptn-integration\.json: base is missing: must be the record of the generated files/);
    expect(r.stderr).not.toMatch(/unexpected failure/);
  });

  it.each([
    ['0.1.0-rc.1', 0],
    ['99.0.0', 1],
    ['0.0.9', 0],
    ['1.0.0-alpha', 1],
  ])('compares the recorded version %s as semver', async (version, exitCode) => {
    const { dir } = await generate('generic', '1.0');
    const record = JSON.parse(read(dir, RECORD));
    record.generator.version = version;
    writeFileSync(join(dir, RECORD), JSON.stringify(record, null, 2));
    const r = await regenerate(dir, '--check');
    expect(r.exitCode, r.all).toBe(exitCode);
    if (exitCode) expect(r.stderr).toMatch(/is newer than this create-keptn-integration/);
  });
});

describe("the owner's bytes", () => {
  // The older templates named a section otherwise: regenerate brings the new name in.
  const README: [string, string, string] = ['base/README.md.ejs', '## Run it locally', '## Run it on your machine'];

  it('merges a file its owner keeps in CRLF line by line, and keeps CRLF', async () => {
    const { dir } = await generate('generic', '1.0', changedTemplates([README]));
    const crlf = read(dir, 'README.md').replace(/\n/g, '\r\n').replace(/\r\n$/, '\r\nOur own closing line.\r\n');
    writeFileSync(join(dir, 'README.md'), crlf);
    const r = await regenerate(dir, '--json');
    expect(r.exitCode, r.all).toBe(0);
    expect(JSON.parse(r.stdout).projects[0].files.find((f: any) => f.path === 'README.md').status).toBe('merged');
    const merged = read(dir, 'README.md');
    expect(merged).toContain('Our own closing line.\r\n');
    expect(merged).toContain('\r\n## Run it locally\r\n');
    expect(merged).not.toMatch(/[^\r]\n/);
    expect(merged).not.toContain('<<<<<<<');
  });

  it('never rewrites bytes that are not UTF-8: the rendering goes beside the file, as a conflict', async () => {
    const { dir } = await generate('generic', '1.0', changedTemplates([README]));
    const latin1 = Buffer.concat([Buffer.from(read(dir, 'README.md')), Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a])]);
    writeFileSync(join(dir, 'README.md'), latin1);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    const check = await regenerate(dir, '--check');
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toContain(
      'README.md is not UTF-8 text, so it is kept as it is: the new rendering would go beside it in README.md.regenerated',
    );
    const r = await regenerate(dir, '--json');
    expect(r.exitCode, r.all).toBe(3);
    const files = JSON.parse(r.stdout).projects[0].files;
    expect(files.find((f: any) => f.path === 'README.md')).toEqual({
      path: 'README.md',
      status: 'conflict',
      beside: 'README.md.regenerated',
    });
    expect(readFileSync(join(dir, 'README.md'))).toEqual(latin1);
    expect(read(dir, 'README.md.regenerated')).toContain('## Run it locally');
    // A binary in place of a generated file that the templates did not change: left alone.
    writeFileSync(join(dir, 'chart/values.yaml'), png);
    const again = await regenerate(dir);
    expect(again.exitCode, again.all).toBe(3);
    expect(again.stdout).toContain('Still in conflict from an earlier run (not text): README.md beside README.md.regenerated');
    expect(readFileSync(join(dir, 'chart/values.yaml'))).toEqual(png);
    expect(readFileSync(join(dir, 'README.md'))).toEqual(latin1);
    expect((await regenerate(dir, '--check')).exitCode).toBe(1);
    // Resolved by deleting the rendering beside it: the owner's bytes stay, and so does their file.
    rmSync(join(dir, 'README.md.regenerated'));
    expect((await regenerate(dir, '--check')).exitCode).toBe(0);
  });

  it('writes a binary conflict beside the file also when the templates changed it', async () => {
    const { dir } = await generate('test-tool', '1.0', changedTemplates([[VALUES, '      cpu: 250m', '      cpu: 100m']]));
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    writeFileSync(join(dir, 'chart/values.yaml'), png);
    const r = await regenerate(dir);
    expect(r.exitCode, r.all).toBe(3);
    expect(readFileSync(join(dir, 'chart/values.yaml'))).toEqual(png);
    expect(read(dir, 'chart/values.yaml.regenerated')).toContain('cpu: 250m');
  });
});

// recover(): what a kill -9 in the middle of an install leaves is rolled back by the next run.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recover } from '../../src/writer.js';
import { tempDir } from '../run.js';

/** A project killed mid-install: README.md not yet moved, package.json replaced, src/ made, src/new.ts not yet moved. */
function killedMidInstall(pid: number): { dir: string; staging: string } {
  const dir = tempDir('recover-');
  writeFileSync(join(dir, 'README.md'), 'owner readme');
  writeFileSync(join(dir, 'package.json'), 'ours, moved in');
  writeFileSync(join(dir, 'NOTES.md'), 'not ours');
  mkdirSync(join(dir, 'src'));
  const staging = join(dir, `.keptn-integration.${pid}-abc.tmp`);
  mkdirSync(join(staging, 'new', 'src'), { recursive: true });
  mkdirSync(join(staging, 'old'));
  writeFileSync(join(staging, 'new', 'README.md'), 'our readme');
  writeFileSync(join(staging, 'new', 'src', 'new.ts'), 'ours');
  writeFileSync(join(staging, 'old', 'package.json'), 'owner package');
  const files = [
    ['package.json', true],
    ['src/new.ts', true],
    ['README.md', true],
  ];
  writeFileSync(join(staging, 'journal.json'), JSON.stringify({ files, created: ['src'] }));
  return { dir, staging };
}

describe('recover', () => {
  it("rolls an install killed between its moves back: the owner's files in place, made folders and staging gone", () => {
    const { dir } = killedMidInstall(999_999);
    recover(dir);
    expect(readdirSync(dir).sort()).toEqual(['NOTES.md', 'README.md', 'package.json']);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('owner package');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('owner readme');
  });

  it('leaves the staging folder of a run still alive alone', () => {
    const { dir, staging } = killedMidInstall(process.pid);
    recover(dir);
    expect(readdirSync(staging).sort()).toEqual(['journal.json', 'new', 'old']);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('ours, moved in');
  });

  it('--check changes nothing and says a killed run left its write half-done', () => {
    const { dir } = killedMidInstall(999_999);
    expect(() => recover(dir, true)).toThrow(/is what a killed run left half-done: run regenerate without --check to roll it back/);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('ours, moved in');
  });
});

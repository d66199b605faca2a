// What the npm tarball carries beside the code: our licence, and the copyright and licence notice
// of every package the bundle holds (issue 23 §2). The bundled packages are found here anew, from
// an esbuild build of our own, so that the notices file is checked against more than itself.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { NODE_BUNDLE } from '../src/build/node-bundle.mjs';

const ROOT = new URL('../', import.meta.url).pathname;

/** The package folders whose code the CLI's bundle holds, and ejs, whose output the compiled templates are. */
async function bundled(): Promise<string[]> {
  const result = await build({
    ...NODE_BUNDLE,
    absWorkingDir: ROOT,
    entryPoints: ['src/cli.ts'],
    splitting: true,
    outdir: 'dist',
    write: false,
    metafile: true,
  });
  const folders = Object.keys(result.metafile.inputs).flatMap((input) => {
    const parts = input.split('/');
    const at = parts.lastIndexOf('node_modules');
    if (at < 0) return [];
    const name = parts[at + 1].startsWith('@') ? parts.slice(at + 1, at + 3) : [parts[at + 1]];
    return [[...parts.slice(0, at + 1), ...name].join('/')];
  });
  return [...new Set([...folders, 'node_modules/ejs'])];
}

/** What the notices text lacks for these package folders: a heading, or a licence file's text. */
function noticeProblems(text: string, folders: string[]): string[] {
  return folders.flatMap((folder) => {
    const pkg = JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8'));
    const id = `${pkg.name}@${pkg.version}`;
    const section = text.split(/^## /m).find((s) => s.startsWith(`${id} `));
    if (!section) return [`${id}: no notice`];
    const legal = readdirSync(join(ROOT, folder)).filter((f) => /^(licen[cs]e|copying|notice)/i.test(f));
    if (legal.length === 0) return [`${id}: ships no licence file`];
    return legal.filter((f) => !section.includes(readFileSync(join(ROOT, folder, f), 'utf8').trim())).map((f) => `${id}: ${f} missing`);
  });
}

describe('the npm tarball', () => {
  it('carries LICENSE (Apache-2.0, as package.json says) and the third-party notices', async () => {
    const { stdout } = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    const files = JSON.parse(stdout)[0].files.map((f: { path: string }) => f.path);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'dist/THIRD-PARTY-NOTICES.md', 'bin/create-keptn-integration.js']));
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).license).toBe('Apache-2.0');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
  });

  it('has the copyright and licence notice of every bundled package', async () => {
    const folders = await bundled();
    expect(folders.length).toBeGreaterThan(40);
    const text = readFileSync(join(ROOT, 'dist/THIRD-PARTY-NOTICES.md'), 'utf8');
    expect(noticeProblems(text, folders)).toEqual([]);
    // The check catches a package left out, and a licence text cut short.
    const commander = folders.find((f) => f.endsWith('/commander'))!;
    const without = text.replace(/^## commander@[^]*?(?=^## )/m, '');
    expect(noticeProblems(without, folders)).toEqual([expect.stringMatching(/^commander@.*: no notice$/)]);
    const section = /^## commander@[^]*?(?=^## )/m.exec(text)![0];
    const cut = text.replace(section, section.replace('Permission is hereby granted', 'Permission is granted'));
    expect(noticeProblems(cut, [commander]).length).toBe(1);
  });
});

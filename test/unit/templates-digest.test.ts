// One version, one set of templates: a project's CI checks it with the generator version its record
// names (npx create-keptn-integration@<version> regenerate --check), so what a version generates
// must never change once it is out. test/templates-digest.json holds a digest of templates/ with
// the version and layout it belongs to; `npm run digest` (DIGEST_UPDATE=1) writes it anew.
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYOUT } from '../../src/layouts.js';
import { tempDir } from '../run.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const FILE = join(ROOT, 'test/templates-digest.json');

/** sha256 of every file of `dir`, in the order of their paths, each path and content ended by a NUL. */
function digestOf(dir: string): string {
  const hash = createHash('sha256');
  const paths = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  for (const path of paths)
    hash
      .update(`${path}\0`)
      .update(readFileSync(join(dir, path)))
      .update('\0');
  return `sha256:${hash.digest('hex')}`;
}

const now = {
  version: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string,
  layout: LAYOUT,
  digest: digestOf(join(ROOT, 'templates')),
};

describe('the templates and the version they belong to (test/templates-digest.json)', () => {
  if (process.env.DIGEST_UPDATE) writeFileSync(FILE, `${JSON.stringify(now, null, 2)}\n`);
  const recorded = JSON.parse(readFileSync(FILE, 'utf8')) as typeof now;

  it('changed together: templates/ is what the recorded version generates', () => {
    const what =
      `templates/ changed, but test/templates-digest.json holds the templates of create-keptn-integration ` +
      `${recorded.version} (layout ${recorded.layout}). Projects are checked with the version they record, so ` +
      `changed templates need a new version: bump "version" in package.json (npm version minor ` +
      `--no-git-tag-version); if files moved, add their moves to MIGRATIONS in src/layouts.ts, which bumps LAYOUT; ` +
      `then write the digest anew: npm run digest`;
    expect(now.digest, what).toBe(recorded.digest);
  });

  it('names the version and layout of package.json and src/layouts.ts', () => {
    const what =
      `test/templates-digest.json is of version ${recorded.version}, layout ${recorded.layout}; package.json says ` +
      `${now.version}, src/layouts.ts layout ${now.layout}. A new layout comes with a new version; once both are ` +
      `bumped: npm run digest`;
    expect({ version: now.version, layout: now.layout }, what).toEqual({ version: recorded.version, layout: recorded.layout });
  });

  it('sees a change to any file of templates/: its content, its name, a file added', () => {
    const dir = tempDir('digest-');
    cpSync(join(ROOT, 'templates/license-MIT'), dir, { recursive: true });
    const digests = [digestOf(dir)];
    expect(digestOf(dir)).toBe(digests[0]);
    writeFileSync(join(dir, 'LICENSE.ejs'), `${readFileSync(join(dir, 'LICENSE.ejs'), 'utf8')} `);
    digests.push(digestOf(dir));
    renameSync(join(dir, 'LICENSE.ejs'), join(dir, 'LICENSE'));
    digests.push(digestOf(dir));
    writeFileSync(join(dir, 'NOTICE'), '');
    digests.push(digestOf(dir));
    expect(new Set(digests).size).toBe(4);
  });
});

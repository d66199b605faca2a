// The generator's own source stays readable: no line over 140 characters (Prettier's printWidth,
// which cannot break a long string or comment by itself).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const LIMIT = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).prettier.printWidth as number;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mjs|js)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe('source lines', () => {
  it(`are at most ${LIMIT} characters in src/ and bin/`, () => {
    expect(LIMIT).toBe(140);
    const long = [...sources('src'), ...sources('bin')].flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (line.length > LIMIT ? [`${file.slice(ROOT.length)}:${i + 1} (${line.length})`] : [])),
    );
    expect(long).toEqual([]);
  });
});

describe("Keptn's event vocabulary", () => {
  it("is read in src/rules.ts only: no other module takes an event type's prefix or segments apart by hand", () => {
    const byHand = /sh\\\.keptn\\\.event|'sh\.keptn\.event\.'|\.split\('\.'\)\.slice\(3\)|segs\.length === 5/;
    const files = sources('src').filter((f) => !f.endsWith('src/rules.ts') && byHand.test(readFileSync(f, 'utf8')));
    expect(files.map((f) => f.slice(ROOT.length))).toEqual([]);
  });
});

describe('the module graph of src/', () => {
  it('has no circle, type imports counted: shared types live in the leaf src/model.ts', () => {
    const src = join(ROOT, 'src');
    const imports = new Map(
      sources('src').map((file) => [
        file,
        [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom '(\.[^']+)'/gms)].map((m) =>
          join(dirname(file), m[1]).replace(/\.js$/, '.ts'),
        ),
      ]),
    );
    const circles: string[] = [];
    const visit = (file: string, path: string[]) => {
      for (const next of imports.get(file) ?? []) {
        if (path.includes(next)) circles.push([...path.slice(path.indexOf(next)), next].map((f) => f.slice(src.length + 1)).join(' → '));
        else if (imports.has(next)) visit(next, [...path, next]);
      }
    };
    for (const file of imports.keys()) visit(file, [file]);
    expect([...new Set(circles)]).toEqual([]);
  });
});

describe("the generated projects' npm versions", () => {
  it('are written once, in src/generated-versions.ts: no range elsewhere in src/, none in templates/', () => {
    const range = /['"]\^\d+\.\d+|npx --yes [\w@/-]+@\d/;
    const templates = readdirSync(join(ROOT, 'templates'), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
    const files = [...sources('src').filter((f) => !f.endsWith('src/generated-versions.ts')), ...templates];
    expect(files.filter((f) => range.test(readFileSync(f, 'utf8'))).map((f) => f.slice(ROOT.length))).toEqual([]);
  });
});

// The generator's own source stays readable: no line over 140 characters (Prettier's printWidth,
// which cannot break a long string or comment by itself).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOOLS } from '../../src/generated-versions.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const LIMIT = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).prettier.printWidth as number;

/** The files below `dir` whose names match: by default its code. */
function sources(dir: string, name = /\.(ts|mjs|js)$/): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && name.test(e.name))
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
    // Depth first, each module walked once: a circle shows as an import of a module on the path.
    const circles: string[] = [];
    const walked = new Set<string>();
    const visit = (file: string, path: string[]) => {
      if (walked.has(file)) return;
      for (const next of imports.get(file) ?? []) {
        if (path.includes(next)) circles.push([...path.slice(path.indexOf(next)), next].map((f) => f.slice(src.length + 1)).join(' → '));
        else if (imports.has(next)) visit(next, [...path, next]);
      }
      walked.add(file);
    };
    for (const file of imports.keys()) visit(file, [file]);
    expect([...new Set(circles)]).toEqual([]);
  });
});

describe("the generated projects' npm versions", () => {
  it('are written once, in src/generated-versions.ts: no range elsewhere in src/, none in templates/', () => {
    const range = /['"]\^\d+\.\d+|npx --yes [\w@/-]+@\d/;
    const files = [...sources('src').filter((f) => !f.endsWith('src/generated-versions.ts')), ...sources('templates', /./)];
    expect(files.filter((f) => range.test(readFileSync(f, 'utf8'))).map((f) => f.slice(ROOT.length))).toEqual([]);
  });
});

describe("the generated projects' tool releases", () => {
  const versions = join(ROOT, 'src/generated-versions.ts');
  /** How often `text` writes `version` as a whole release (5.5 is neither in 15.5 nor in 5.5.1). */
  const written = (text: string, version: string) =>
    text.match(new RegExp(`(?<![\\w.])${version.replaceAll('.', '\\.')}(?!\\w|\\.\\d)`, 'g'))?.length ?? 0;

  it('are pinned in src/generated-versions.ts only: no image tag, pip or npm pin elsewhere in src/, none in templates/', () => {
    // An image with a release tag (grafana/k6:0.54.0), a pip pin (locust==2.31.8), an npm pin (artillery@2.0.21).
    const pinned = /[a-z]:\d+\.\d+|==\d+\.\d|\b[a-z][\w-]*@\d+\.\d+/;
    const files = [...sources('src').filter((f) => f !== versions), ...sources('templates', /./)];
    expect(files.filter((f) => pinned.test(readFileSync(f, 'utf8'))).map((f) => f.slice(ROOT.length))).toEqual([]);
  });

  it("each state a tool's release once: not twice in its row of TOOLS, nowhere else in src/ (paths, pins, images)", () => {
    const table = readFileSync(versions, 'utf8');
    const twice = Object.entries(TOOLS).flatMap(([id, { version }]) => {
      const elsewhere = sources('src').filter((f) => f !== versions && written(readFileSync(f, 'utf8'), version) > 0);
      const times = written(table, version);
      if (times === 1 && elsewhere.length === 0) return [];
      return [`${id} ${version}: ${times}× in src/generated-versions.ts${elsewhere.map((f) => `, in ${f.slice(ROOT.length)}`).join('')}`];
    });
    expect(twice).toEqual([]);
  });
});

describe('the templates', () => {
  /** The code of a template's EJS tags (`<% … %>`, `<%= … %>`, `<%- … %>`), where it reads its view. */
  const code = (file: string) => [...readFileSync(file, 'utf8').matchAll(/<%[=_-]?([\s\S]*?)[_-]?%>/g)].map((m) => m[1]).join('\n');

  it('read the blueprint only: no raw answer (`a.task`, `a[...]`), no Keptn release worked out by hand', () => {
    const raw = /(?<![\w.$])(a|answers)(\.[A-Za-z]|\[)/;
    const release = /release\.split|\bminor\s*>=|\bmajor\s*>\s*0/;
    const files = sources('templates', /\.ejs$/).filter((f) => raw.test(code(f)) || release.test(code(f)));
    expect(files.map((f) => f.slice(ROOT.length))).toEqual([]);
  });

  it('date what Keptn changed from the version table: prose names a Keptn release only through since', () => {
    // Keptn behaviours the table has no fact for, dated by hand (each from Keptn's source at the tag).
    const untabled = ['from Keptn 0.14 ends the evaluation', 'from Keptn 1.2 a failed key SLI', 'before Keptn 0.16 a pod moved'];
    const prose = (f: string) =>
      untabled.reduce((text, phrase) => text.replaceAll(phrase, ''), readFileSync(f, 'utf8').replace(/<%[\s\S]*?%>/g, ''));
    const files = sources('templates', /\.ejs$/).filter((f) => /Keptn [01]\.\d+/.test(prose(f)));
    expect(files.map((f) => f.slice(ROOT.length))).toEqual([]);
  });
});

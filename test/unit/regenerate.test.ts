import { describe, expect, it } from 'vitest';
import { merge3 } from '../../src/merge.js';
import { LAYOUT, MIGRATIONS, movesFrom } from '../../src/layouts.js';
import { decodeRecord, encodeRecord } from '../../src/record.js';
import { NOT_TEXT, planRegeneration, relink } from '../../src/regenerate.js';

const labels = { ours: 'yours', base: 'base', theirs: 'new' };

describe('merge3', () => {
  it('takes both sides of changes to different lines', () => {
    expect(merge3('A\nb\nc\n', 'a\nb\nc\n', 'a\nb\nC\n', labels)).toEqual({ text: 'A\nb\nC\n', conflict: false });
  });

  it('marks changes to the same lines as a conflict, with the base between', () => {
    expect(merge3('a\nX\nc', 'a\nb\nc', 'a\nY\nc', labels)).toEqual({
      text: 'a\n<<<<<<< yours\nX\n||||||| base\nb\n=======\nY\n>>>>>>> new\nc',
      conflict: true,
    });
  });

  it('is no conflict when both made the same change', () => {
    expect(merge3('a\nX\nc', 'a\nb\nc', 'a\nX\nc', labels)).toEqual({ text: 'a\nX\nc', conflict: false });
  });
});

describe('planRegeneration', () => {
  const run = (current: Record<string, string>, base: Record<string, string>, next: Record<string, string>, restore: string[] = []) =>
    Object.fromEntries(
      planRegeneration((p) => current[p], new Map(Object.entries(base)), new Map(Object.entries(next)), labels, new Set(restore)).map(
        (c) => [c.path, [c.status, c.next]],
      ),
    );

  it('decides every case of the owner × template table', () => {
    const result = run(
      { same: 'x', untouched: 'old', edited: 'mine', 'edited-same-template': 'mine', gone: 'old', 'gone-edited': 'mine', extra: 'mine' },
      { same: 'x', untouched: 'old', edited: 'a\nb\nc', 'edited-same-template': 'old', deleted: 'old', gone: 'old', 'gone-edited': 'old' },
      { same: 'x', untouched: 'new', edited: 'a\nb\nC', 'edited-same-template': 'old', deleted: 'new', brand: 'new', extra: 'theirs' },
    );
    expect(result).toEqual({
      same: ['unchanged', undefined],
      untouched: ['updated', 'new'],
      edited: ['conflict', '<<<<<<< yours\nmine\n||||||| base\na\nb\nc\n=======\na\nb\nC\n>>>>>>> new'],
      'edited-same-template': ['unchanged', undefined],
      deleted: ['kept-deleted', undefined],
      brand: ['added', 'new'],
      gone: ['removed', null],
      'gone-edited': ['kept', undefined],
      extra: ['conflict', expect.stringContaining('<<<<<<< yours\nmine')],
    });
  });

  it('restores a deleted file when asked', () => {
    expect(run({}, { f: 'old' }, { f: 'new' }, ['f'])).toEqual({ f: ['added', 'new'] });
  });

  it("brings the template's sides into the line ends of a file its owner keeps in CRLF", () => {
    expect(run({ f: 'a\r\nb\r\n' }, { f: 'a\nb\n' }, { f: 'a\nB\n' })).toEqual({ f: ['updated', 'a\r\nB\r\n'] });
    expect(run({ f: 'A\r\nb\r\nc\r\n' }, { f: 'a\nb\nc\n' }, { f: 'a\nb\nC\n' })).toEqual({ f: ['merged', 'A\r\nb\r\nC\r\n'] });
    // Mixed line ends are the owner's bytes: merged as they are, each line exact.
    expect(run({ f: 'A\r\nb\nc\n' }, { f: 'a\nb\nc\n' }, { f: 'a\nb\nC\n' })).toEqual({ f: ['merged', 'A\r\nb\nC\n'] });
  });

  it('never decodes a file that is not text: kept, or the rendering beside it', () => {
    const changes = (base: Record<string, string>, next: Record<string, string>) =>
      planRegeneration(() => NOT_TEXT, new Map(Object.entries(base)), new Map(Object.entries(next)), labels).map(
        ({ path, status, next, beside }) => ({ path, status, next, beside }),
      );
    expect(changes({ f: 'old' }, { f: 'new' })).toEqual([
      { path: 'f', status: 'conflict', next: undefined, beside: 'f.regenerated' },
      { path: 'f.regenerated', status: 'added', next: 'new', beside: undefined },
    ]);
    expect(changes({ f: 'same' }, { f: 'same' })).toEqual([{ path: 'f', status: 'unchanged', next: undefined, beside: undefined }]);
    expect(changes({ f: 'old' }, {})).toEqual([{ path: 'f', status: 'kept', next: undefined, beside: undefined }]);
  });
});

describe('moved files (layout 1, the flat src/ of 0.1.0 → src/keptn/ and src/dev/)', () => {
  const run = (current: Record<string, string>, base: Record<string, string>, next: Record<string, string>, restore: string[] = []) =>
    Object.fromEntries(
      planRegeneration(
        (p) => current[p],
        new Map(Object.entries(base)),
        new Map(Object.entries(next)),
        labels,
        new Set(restore),
        movesFrom(1),
      )
        .filter((c) => c.status !== 'unchanged')
        .map((c) => [c.path, [c.status, c.next]]),
    );
  const HANDLER = (imports: string, body = 'export const x = 1;\n') => `// handler\nimport { join } from 'node:path';\n${imports}\n${body}`;
  const OLD = "import type { Integration } from './integration.js';\nimport type { Outcome } from './keptn.js';";
  const NEW = "import type { Integration } from './keptn/integration.js';\nimport type { Outcome } from './keptn/events.js';";
  const base = {
    'src/handler.ts': HANDLER(OLD),
    'src/integration.ts': 'I',
    'src/keptn.ts': "import { log } from './log.js';\nK",
    'src/log.ts': 'L',
  };
  const next = {
    'src/handler.ts': HANDLER(NEW),
    'src/keptn/integration.ts': 'I2',
    'src/keptn/events.ts': "import { log } from './log.js';\nK2",
    'src/keptn/log.ts': 'L',
  };

  it('moves untouched files: the old removed, the new added', () => {
    expect(run(base, base, next)).toEqual({
      'src/handler.ts': ['updated', HANDLER(NEW)],
      'src/integration.ts': ['removed', null],
      'src/keptn.ts': ['removed', null],
      'src/log.ts': ['removed', null],
      'src/keptn/integration.ts': ['added', 'I2'],
      'src/keptn/events.ts': ['added', "import { log } from './log.js';\nK2"],
      'src/keptn/log.ts': ['added', 'L'],
    });
  });

  it("merges the owner's edit of a moved file into its new path, and an edited handler cleanly, even an import added next to the changed ones", () => {
    const edited = {
      ...base,
      'src/handler.ts': HANDLER(`${OLD}\nimport { log } from './log.js';`, 'export const x = 2;\n'),
      'src/keptn.ts': "import { log } from './log.js';\nK\n// ours",
    };
    const result = run(edited, base, {
      ...next,
      'src/keptn/events.ts': "// regenerate maintains this\nimport { log } from './log.js';\nK",
    });
    expect(result['src/handler.ts']).toEqual(['merged', HANDLER(`${NEW}\nimport { log } from './keptn/log.js';`, 'export const x = 2;\n')]);
    expect(result['src/keptn.ts']).toEqual(['removed', null]);
    expect(result['src/keptn/events.ts']).toEqual(['merged', "// regenerate maintains this\nimport { log } from './log.js';\nK\n// ours"]);
  });

  it('keeps a moved file its owner deleted deleted, unless restored; moves nothing onto a file the owner made', () => {
    const { 'src/log.ts': _, ...withoutLog } = base;
    expect(run(withoutLog, base, next)['src/keptn/log.ts']).toEqual(['kept-deleted', undefined]);
    expect(run(withoutLog, base, next, ['src/keptn/log.ts'])['src/keptn/log.ts']).toEqual(['added', 'L']);
    // The owner's own src/keptn/log.ts: no move; the old file goes as any untouched one, the new merges.
    const own = run({ ...base, 'src/keptn/log.ts': 'mine' }, base, next);
    expect(own['src/log.ts']).toEqual(['removed', null]);
    expect(own['src/keptn/log.ts'][0]).toBe('conflict');
  });

  it('relink points relative module paths at where their targets are now', () => {
    const moves = new Map([
      ['src/keptn.ts', 'src/keptn/events.ts'],
      ['src/service.ts', 'src/keptn/service.ts'],
      ['src/dev-broker.ts', 'src/dev/dev-broker.ts'],
    ]);
    // A file that stays: only paths to moved files change, in any quoted form.
    expect(
      relink(
        "import { a } from './keptn.js';\nimport b from \"./handler.js\";\nvi.mock('./keptn.js');",
        'src/handler.ts',
        'src/handler.ts',
        moves,
      ),
    ).toBe("import { a } from './keptn/events.js';\nimport b from \"./handler.js\";\nvi.mock('./keptn/events.js');");
    expect(
      relink(
        "import { s } from '../src/service.js';\nimport { d } from '../src/dev-broker.js';\nnew URL('../test-events', import.meta.url);",
        'test/h.ts',
        'test/h.ts',
        moves,
      ),
    ).toBe(
      "import { s } from '../src/keptn/service.js';\nimport { d } from '../src/dev/dev-broker.js';\nnew URL('../test-events', import.meta.url);",
    );
    // A moved file: every module path relative to its new folder.
    expect(
      relink(
        "import { i } from './handler.js';\nimport { k } from './keptn.js';\nimport { d } from './dev-broker.js';",
        'src/service.ts',
        'src/keptn/service.ts',
        moves,
      ),
    ).toBe("import { i } from '../handler.js';\nimport { k } from './events.js';\nimport { d } from '../dev/dev-broker.js';");
  });

  it('names a new path for every old one, inside src/keptn/ or src/dev/', () => {
    for (const [from, to] of MIGRATIONS[0].moves) {
      expect(from).toMatch(/^src\/[^/]+\.ts$/);
      expect(to).toMatch(/^src\/(keptn|dev)\/[^/]+\.ts$/);
    }
  });

  it('moves nothing for a record of the current layout', () => {
    const moved = planRegeneration(
      (p) => base[p as keyof typeof base],
      new Map(Object.entries(base)),
      new Map(Object.entries(next)),
      labels,
      new Set(),
      movesFrom(LAYOUT),
    );
    expect(moved.filter((c) => c.status === 'removed').map((c) => c.path)).toEqual(['src/integration.ts', 'src/keptn.ts', 'src/log.ts']);
    expect(moved.find((c) => c.path === 'src/keptn/log.ts')).toMatchObject({ status: 'added' });
    expect(movesFrom(LAYOUT).size).toBe(0);
  });
});

describe('layouts', () => {
  it('number their migrations 1, 2, …: LAYOUT is the one after the last', () => {
    expect(MIGRATIONS.map((m) => m.from)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LAYOUT).toBe(MIGRATIONS.length + 1);
    for (const { moves } of MIGRATIONS) expect(new Set(moves.map(([, to]) => to)).size, 'one file to each new path').toBe(moves.length);
  });

  it("applies the moves from the record's layout on, in order, chaining a file moved twice", () => {
    const steps = [
      { from: 1, moves: [['a.ts', 'x/a.ts'] as const, ['b.ts', 'x/b.ts'] as const] },
      { from: 2, moves: [['x/a.ts', 'y/a.ts'] as const, ['c.ts', 'y/c.ts'] as const] },
    ];
    expect(Object.fromEntries(movesFrom(1, steps))).toEqual({ 'a.ts': 'y/a.ts', 'b.ts': 'x/b.ts', 'x/a.ts': 'y/a.ts', 'c.ts': 'y/c.ts' });
    expect(Object.fromEntries(movesFrom(2, steps))).toEqual({ 'x/a.ts': 'y/a.ts', 'c.ts': 'y/c.ts' });
    expect(movesFrom(3, steps).size).toBe(0);
  });

  it("2 → 3: the machinery's tests into test/keptn/, and the owner's tests import the harness from there", () => {
    for (const [from, to] of MIGRATIONS[1].moves) expect([from, to]).toEqual([from, from.replace(/^test\//, 'test/keptn/')]);
    const test = (harness: string, ours = '') => `import { startStack } from '${harness}';\n\nit('runs', () => {});\n${ours}`;
    const base = { 'test/harness.ts': "import { s } from '../src/keptn/service.js';\n", 'test/handler.test.ts': test('./harness.js') };
    const next = {
      'test/keptn/harness.ts': "import { s } from '../../src/keptn/service.js';\n",
      'test/handler.test.ts': test('./keptn/harness.js'),
    };
    const current = { ...base, 'test/handler.test.ts': test('./harness.js', "import { x } from './harness.js';\n") };
    const changes = planRegeneration(
      (p) => current[p as keyof typeof current],
      new Map(Object.entries(base)),
      new Map(Object.entries(next)),
      labels,
      new Set(),
      movesFrom(2),
    );
    expect(changes.map(({ path, status, next }) => [path, status, next])).toEqual([
      ['test/handler.test.ts', 'merged', test('./keptn/harness.js', "import { x } from './keptn/harness.js';\n")],
      ['test/harness.ts', 'removed', null],
      ['test/keptn/harness.ts', 'added', "import { s } from '../../src/keptn/service.js';\n"],
    ]);
  });

  it('are in the record: written as LAYOUT, read back; a record without one is layout 1; anything else refused', () => {
    const record = {
      generator: { name: 'create-keptn-integration', version: '0.1.0' },
      layout: LAYOUT,
      answers: {},
      base: new Map(),
      conflicts: [],
    };
    const text = encodeRecord(record);
    expect(Object.keys(JSON.parse(text))).toEqual(['generator', 'layout', 'answers', 'base']);
    expect(decodeRecord(text, 'r').layout).toBe(LAYOUT);
    const { layout: _, ...older } = JSON.parse(text);
    expect(decodeRecord(JSON.stringify(older), 'r').layout).toBe(1);
    for (const bad of [0, 1.5, '2', null])
      expect(() => decodeRecord(JSON.stringify({ ...older, layout: bad }), 'r'), String(bad)).toThrow(
        /^r: layout .* is invalid: must be a whole number from 1/,
      );
  });
});

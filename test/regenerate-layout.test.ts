// regenerate moves projects of older layouts (src/layouts.ts), each kept in test/fixtures/ as the
// release before the move wrote it, to the current layout: untouched files move, the owner's edits
// stay (a moved file's at its new path), imports follow the files, and the project builds and
// passes its own tests, type-check included.
// - k6-flat-layout: 0.1.0's flat src/, whose record states no layout (so layout 1): moved to
//   src/keptn/ and src/dev/, and on through every later layout.
// - generic-layout-2: src/keptn/ and src/dev/, the machinery's tests in test/: moved to test/keptn/.
import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../src/answers.js';
import { LAYOUT, MIGRATIONS, movesFrom } from '../src/layouts.js';
import { edit, generateFrom, linkDependencies, read, regenerate, statuses } from './helpers.js';
import { tempDir } from './run.js';

const fixture = (name: string) => new URL(`fixtures/${name}`, import.meta.url).pathname;

/** A copy of the fixture, in the flat layout. */
function oldProject(): string {
  const dir = join(tempDir('flat-layout-'), 'k6-tests');
  cpSync(fixture('k6-flat-layout'), dir, { recursive: true });
  expect(existsSync(join(dir, 'src/keptn.ts'))).toBe(true);
  expect(existsSync(join(dir, 'src/keptn'))).toBe(false);
  return dir;
}

/** A copy of the fixture of layout 2: the machinery's tests in test/. */
function layout2Project(): string {
  const dir = join(tempDir('layout-2-'), 'db-migrate');
  cpSync(fixture('generic-layout-2'), dir, { recursive: true });
  expect(JSON.parse(read(dir, '.keptn-integration.json')).layout).toBe(2);
  expect(existsSync(join(dir, 'test/harness.ts'))).toBe(true);
  return dir;
}

const files = (dir: string, folder: string): string[] =>
  readdirSync(join(dir, folder), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();

/**
 * An untouched project after the moves: a record of the current layout, src/ and test/ exactly as a
 * new project of its answers has them, its own tests passing and nothing left for --check.
 */
async function isAsNew(dir: string): Promise<void> {
  const { answers, layout } = JSON.parse(read(dir, '.keptn-integration.json'));
  expect(layout).toBe(LAYOUT);
  const { dir: fresh } = await generateFrom(await resolveAnswers(answers));
  for (const folder of ['src', 'test']) {
    expect(files(dir, folder)).toEqual(files(fresh, folder));
    for (const file of files(fresh, folder)) expect(read(dir, file), file).toBe(read(fresh, file));
  }
  await passesItsTests(dir);
  expect((await regenerate(dir, '--check')).exitCode).toBe(0);
}

/** The project builds, type-checks and passes its own tests (npm test). */
async function passesItsTests(dir: string): Promise<string> {
  await linkDependencies(dir);
  const build = await execa('npm', ['run', 'build'], { cwd: dir, reject: false, all: true });
  expect(build.exitCode, build.all).toBe(0);
  const test = await execa('npm', ['test', '--', '--reporter=verbose'], {
    cwd: dir,
    reject: false,
    all: true,
    env: { CI: 'true', NO_COLOR: '1' },
  });
  expect(test.exitCode, test.all).toBe(0);
  expect(test.all).toContain('tsc -p tsconfig.json');
  return test.all ?? '';
}

describe('regenerate a project of the flat src/ layout (layout 1, 0.1.0)', () => {
  it('moves the untouched machinery into src/keptn/, the development code into src/dev/, their tests into test/keptn/', async () => {
    const dir = oldProject();
    const before = [...files(dir, 'src'), ...files(dir, 'test')];
    const r = await regenerate(dir, '--json');
    expect(r.exitCode, r.all).toBe(0);
    const s = statuses(r.stdout)[0];
    // Through every layout since: src/ in 1 → 2, the machinery's tests in 2 → 3.
    const moved = [...movesFrom(1)].filter(([from]) => before.includes(from));
    expect(moved.length).toBe(15);
    expect(moved).toEqual(expect.arrayContaining([...MIGRATIONS[0].moves, ...MIGRATIONS[1].moves]));
    for (const [from, to] of moved) {
      expect([from, s[from]]).toEqual([from, 'removed']);
      expect([to, s[to]]).toEqual([to, 'added']);
    }
    expect(s).toMatchObject({
      'src/handler.ts': 'updated',
      'src/tool.ts': 'updated',
      'src/main.ts': 'updated',
      'tsconfig.json': 'updated',
      'tsconfig.build.json': 'added',
    });
    expect(Object.values(s).filter((status) => !['removed', 'added', 'updated'].includes(status))).toEqual([]);
    // Exactly what a new project of the same answers has, and a record of the current layout.
    await isAsNew(dir);
  });

  it("keeps the owner's edits: the handler's (an import of a moved file included), a moved file's at its new path, a test's", async () => {
    const dir = oldProject();
    edit(
      dir,
      'src/handler.ts',
      "import { runTool } from './tool.js';\n",
      "import { runTool } from './tool.js';\nimport { errorMessage } from './log.js';\n",
    );
    // Below the definitions, not between their lines: the templates changed those (single quotes
    // since), and an edit next to a changed line is a conflict, rightly.
    writeFileSync(
      join(dir, 'src/handler.ts'),
      `${read(dir, 'src/handler.ts')}\nDEFINITIONS.smoke = "k6/functional.js";\n\n/** Ours: the first line of an error. */\nexport const firstLine = (err: unknown) => errorMessage(err).split('\\n')[0];\n`,
    );
    edit(
      dir,
      'src/tasks.ts',
      'export function createDispatcher(',
      '// Ours: every event goes through here.\nexport function createDispatcher(',
    );
    // Imports of its own on lines of their own, away from the template's imports, which changed.
    edit(
      dir,
      'test/handler.test.ts',
      "import { fileURLToPath } from 'node:url';\n",
      "import { fileURLToPath } from 'node:url';\nimport { firstLine } from '../src/handler.js';\nimport { errorMessage } from '../src/log.js';\n",
    );
    writeFileSync(
      join(dir, 'test/handler.test.ts'),
      `${read(dir, 'test/handler.test.ts')}\ndescribe('ours', () => {\n  it('has a smoke test and one-line errors', () => {\n    expect(DEFINITIONS.smoke).toBe('k6/functional.js');\n    expect(firstLine(new Error('a\\nb'))).toBe(errorMessage(new Error('a')));\n  });\n});\n`,
    );

    const r = await regenerate(dir, '--json');
    expect(r.exitCode, r.all).toBe(0);
    const s = statuses(r.stdout)[0];
    expect(s).toMatchObject({
      'src/handler.ts': 'merged',
      'src/tasks.ts': 'removed',
      'src/keptn/tasks.ts': 'merged',
      'test/handler.test.ts': 'merged',
      'src/config.ts': 'removed',
      'src/keptn/config.ts': 'added',
    });
    expect(Object.values(s)).not.toContain('conflict');
    expect(Object.values(s)).not.toContain('kept');

    const handler = read(dir, 'src/handler.ts');
    expect(handler).toContain("import type { Integration } from './keptn/integration.js';");
    expect(handler).toContain("import { errorMessage } from './keptn/log.js';");
    expect(handler).toContain('DEFINITIONS.smoke = "k6/functional.js";');
    expect(handler).toContain('export const firstLine');
    expect(handler).not.toMatch(/from '\.\/(integration|keptn|log|test-event)\.js'/);
    const tasks = read(dir, 'src/keptn/tasks.ts');
    expect(tasks).toContain('// Ours: every event goes through here.');
    expect(tasks).toMatch(/^\/\/ Maintained by `npx create-keptn-integration regenerate`/);
    expect(tasks).toContain("from './events.js'");
    expect(existsSync(join(dir, 'src/tasks.ts'))).toBe(false);
    expect(read(dir, 'test/handler.test.ts')).toContain("import { errorMessage } from '../src/keptn/log.js';");

    const output = await passesItsTests(dir);
    expect(output).toContain('ours > has a smoke test and one-line errors');
    expect((await regenerate(dir, '--check')).exitCode).toBe(0);
  });
});

describe("regenerate a project whose machinery's tests are in test/ (layout 2)", () => {
  it('moves them into test/keptn/, and the owner’s tests import the harness from there', async () => {
    const dir = layout2Project();
    const r = await regenerate(dir, '--json');
    expect(r.exitCode, r.all).toBe(0);
    const s = statuses(r.stdout)[0];
    for (const [from, to] of MIGRATIONS[1].moves) {
      expect([from, s[from]]).toEqual([from, 'removed']);
      expect([to, s[to]]).toEqual([to, 'added']);
    }
    expect(s['test/handler.test.ts']).toBe('updated');
    // No file of src/ moves: the moves of layout 1 find nothing at their old paths.
    expect(Object.keys(s).filter((path) => path.startsWith('src/') && s[path] !== 'updated')).toEqual([]);
    await isAsNew(dir);
  });

  it("keeps the owner's edits: of the harness and the machinery's test at their new paths, of a test importing the harness", async () => {
    const dir = layout2Project();
    // A helper of the owner's own at the end of the harness, and a test of theirs at the end of the
    // machinery's: both files move and their templates changed elsewhere.
    writeFileSync(
      join(dir, 'test/harness.ts'),
      `${read(dir, 'test/harness.ts')}\n/** Ours: the example event, labelled for a team. */\nexport const labelled = (team: string) => testEvent('db-migrate.triggered.json', { labels: { team } });\n`,
    );
    writeFileSync(
      join(dir, 'test/service.test.ts'),
      `${read(dir, 'test/service.test.ts')}\ndescribe('ours', () => {\n  it('knows the nesting limit', () => {\n    expect(MAX_JSON_DEPTH).toBe(64);\n  });\n});\n`,
    );
    // The owner's test uses it, with an import on a line of its own, away from the template's
    // imports, which changed.
    writeFileSync(
      join(dir, 'test/handler.test.ts'),
      `// Ours: a helper of our own.\nimport { labelled } from './harness.js';\n${read(dir, 'test/handler.test.ts')}\ndescribe('ours', () => {\n  it('labels the example event', () => {\n    expect(labelled('a-team').data?.labels).toEqual({ team: 'a-team' });\n  });\n});\n`,
    );

    const r = await regenerate(dir, '--json');
    expect(r.exitCode, r.all).toBe(0);
    expect(statuses(r.stdout)[0]).toMatchObject({
      'test/harness.ts': 'removed',
      'test/keptn/harness.ts': 'merged',
      'test/service.test.ts': 'removed',
      'test/keptn/service.test.ts': 'merged',
      'test/handler.test.ts': 'merged',
    });
    expect(existsSync(join(dir, 'test/harness.ts'))).toBe(false);
    const harness = read(dir, 'test/keptn/harness.ts');
    expect(harness).toMatch(/^\/\/ Maintained by `npx create-keptn-integration regenerate`/);
    expect(harness).toContain('export const labelled');
    expect(harness).toContain("from '../../src/keptn/service.js'");
    expect(harness).toContain("new URL('../../keptn/resources', import.meta.url)");
    expect(read(dir, 'test/keptn/service.test.ts')).toContain("it('knows the nesting limit'");
    const handlerTest = read(dir, 'test/handler.test.ts');
    expect(handlerTest).toContain("import { labelled } from './keptn/harness.js';");
    expect(handlerTest).toContain('await runTask(stack, testEvent(EVENT_FILE), mode)');
    expect(handlerTest).not.toContain("'./harness.js'");

    const output = await passesItsTests(dir);
    expect(output).toContain('ours > labels the example event');
    expect(output).toContain('ours > knows the nesting limit');
    expect((await regenerate(dir, '--check')).exitCode).toBe(0);
  });
});

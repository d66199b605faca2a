// Shared by the test files: the combinations we generate and ready answers for each.
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll } from 'vitest';
import Ajv from 'ajv-draft-04';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { ANSWERS, resolveAnswers, type Answers, type Resolved } from '../src/answers.js';
import { renderPlan, TEMPLATES } from '../src/plan.js';
import { toBlueprint, type Blueprint } from '../src/blueprint.js';
import { writeProject } from '../src/writer.js';
import { cli, tempDir } from './run.js';
import { KINDS } from '../src/kinds/index.js';
import { KEPTN_MINORS } from '../src/keptn-versions.js';

/** Every Keptn minor: the table-driven checks of generated files run for each. */
export const VERSIONS = KEPTN_MINORS;

/**
 * The files of templates/ and of src/ outside its folders `own` ('kinds', 'runtimes') whose text
 * matches `pattern`, as paths from the repository's top: what the module tests find no branch in.
 */
export function matchingOutside(pattern: RegExp, own: string[]): string[] {
  const src = join(TEMPLATES, '../src');
  const below = (dir: string) =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  const files = [...below(TEMPLATES), ...below(src).filter((f) => !own.some((dir) => f.startsWith(join(src, dir))))];
  return files.filter((f) => pattern.test(readFileSync(f, 'utf8'))).map((f) => f.slice(src.length - 3));
}
/**
 * The releases where the event contract changes, for the tests that run generated services: the
 * first (old spec, old NATS), 0.13 (spec 0.2.4, old NATS), 0.18 (the resource-service path) and the last.
 */
export const SERVICE_VERSIONS = ['0.8', '0.13', '0.18', '1.4'];

/** The answers of one example project per kind (plus what makes each kind interesting). */
export const EXTRA: Record<string, Answers> = {
  'test-tool': {},
  notification: {},
  'sli-provider': { 'sli-provider': 'prometheus' },
  generic: { task: 'db-migrate' },
};

export const COMBINATIONS = KINDS.flatMap((k) => VERSIONS.map((keptn) => ({ kind: k.id, keptn })));
export const SERVICE_COMBINATIONS = KINDS.flatMap((k) => SERVICE_VERSIONS.map((keptn) => ({ kind: k.id, keptn })));

/** The answer that picks a kind's preset, and the endpoint a webhook-service call needs. */
const PRESET: Record<string, string> = { 'test-tool': 'test-tool', notification: 'webhook', 'sli-provider': 'metrics' };
const ENDPOINT: Record<string, string> = { notification: 'https://hooks.example.com', generic: 'https://ci.example.com/deploy' };
const choices = (key: string) => ANSWERS.find((d) => d.key === key)!.choices!({}).map((c) => c.value);

/**
 * Every kind × runtime × preset (21), for the newest Keptn, with an owner so that repository links
 * are concrete (only the service has an image; the no-code runtimes refuse --owner).
 */
export const PRESET_COMBINATIONS: { label: string; answers: Answers }[] = KINDS.flatMap((kind) =>
  (kind.runtimes ?? ['service']).flatMap((runtime) =>
    (PRESET[kind.id] ? choices(PRESET[kind.id]) : [undefined]).map((preset) => {
      const answers: Answers = { kind: kind.id, name: [kind.id, runtime, preset].filter(Boolean).join('-'), owner: 'acme' };
      if ((kind.answers as readonly string[]).includes('runtime')) answers.runtime = runtime;
      if (preset) answers[PRESET[kind.id]] = preset;
      if (kind.id === 'generic') answers.task = 'db-migrate';
      if (runtime === 'webhook-service') answers.endpoint = ENDPOINT[kind.id];
      if (runtime !== 'service') delete answers.owner;
      return { label: [kind.id, runtime, preset].filter(Boolean).join(' '), answers };
    }),
  ),
);

/** Writes a generated project (no install, no git) into a fresh temporary folder. */
export async function generate(kind: string, keptn: string, templates?: string): Promise<{ dir: string; blueprint: Blueprint }> {
  return generateFrom(await answersFor(kind, keptn), templates);
}

export async function generateFrom(answers: Resolved, templates?: string): Promise<{ dir: string; blueprint: Blueprint }> {
  const blueprint = toBlueprint(answers);
  const dir = join(tempDir(), blueprint.name);
  await writeProject(dir, renderPlan(blueprint, templates));
  return { dir, blueprint };
}

export function answersFor(kind: string, keptn: string, name = `my-${kind}`): Promise<Resolved> {
  return resolveAnswers({ kind, keptn, name, ...EXTRA[kind] });
}

const keptnSpec = (path: string) => JSON.parse(readFileSync(new URL(`keptn-spec/${path}`, import.meta.url), 'utf8'));

/** Validates against the Keptn spec's JSON schemas (draft-04), vendored in test/keptn-spec. */
export function keptnSchema(name: string) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(name === 'shipyard' ? keptnSpec('shipyard.schema.json') : keptnSpec(`schemas/${name}.json`));
}

export function hasSchema(name: string): boolean {
  try {
    keptnSpec(`schemas/${name}.json`);
    return true;
  } catch {
    return false;
  }
}

let installed: Promise<string> | undefined;

/**
 * Gives a generated project its npm dependencies without an install of its own: they are installed
 * once per test file into a test-tool project (whose dependencies are a superset of every kind's)
 * and linked. Tests that prove `npm install` itself works use the CLI instead.
 */
export async function linkDependencies(dir: string): Promise<void> {
  installed ??= (async () => {
    const { dir: donor } = await generate('test-tool', '1.0');
    // The test tools that run a real tool also need execa: the donor gets every dependency.
    const pkg = JSON.parse(readFileSync(join(donor, 'package.json'), 'utf8'));
    const runner = toBlueprint(await resolveAnswers({ kind: 'test-tool', name: 'x', 'test-tool': 'k6' }));
    pkg.dependencies = { ...pkg.dependencies, ...runner.dependencies };
    writeFileSync(join(donor, 'package.json'), JSON.stringify(pkg, null, 2));
    await execa('npm', ['install', '--no-audit', '--no-fund'], { cwd: donor });
    return join(donor, 'node_modules');
  })();
  symlinkSync(await installed, join(dir, 'node_modules'));
}

/**
 * For a file that checks many projects of one runtime: each (answers, Keptn minor) generated once
 * and shared by its tests, which only read it, and removed when the file's tests end; `once` runs
 * a check of content many projects share once per distinct content.
 */
export function sharedProjects(runtime: string) {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });
  async function generate(answers: Answers, keptn: string): Promise<{ dir: string; blueprint: Blueprint }> {
    const blueprint = toBlueprint(await resolveAnswers({ ...answers, keptn, runtime }));
    const parent = tempDir();
    folders.push(parent);
    const dir = join(parent, blueprint.name);
    await writeProject(dir, renderPlan(blueprint));
    return { dir, blueprint };
  }
  const generated = new Map<string, Promise<{ dir: string; blueprint: Blueprint }>>();
  const project = (answers: Answers, keptn: string) => {
    const key = JSON.stringify([answers, keptn]);
    if (!generated.has(key)) generated.set(key, generate(answers, keptn));
    return generated.get(key)!;
  };
  const checked = new Map<string, Promise<string[]>>();
  const once = (key: string, check: () => Promise<string[]>) => {
    const hash = createHash('sha256').update(key).digest('hex');
    if (!checked.has(hash)) checked.set(hash, check());
    return checked.get(hash)!;
  };
  return { generate, project, once };
}

/**
 * A copy of the templates with deliberate changes — a mutation to catch, or an "older release" of
 * them — each `from` replaced by its `to` in `file`; fails loudly when a `from` is no longer there.
 * `extraFiles` adds files (path → content) to the copy.
 */
export function changedTemplates(
  changes: [file: string, from: string | RegExp, to: string][],
  extraFiles: Record<string, string> = {},
): string {
  const dir = tempDir('changed-templates-');
  cpSync(TEMPLATES, dir, { recursive: true });
  for (const [file, from, to] of changes) {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    const found = typeof from === 'string' ? text.includes(from) : from.test(text);
    if (!found) throw new Error(`${file} no longer contains ${String(from)}: the change has no target`);
    writeFileSync(path, text.replace(from, to));
  }
  for (const [file, content] of Object.entries(extraFiles)) writeFileSync(join(dir, file), content);
  return dir;
}

/** A file of a generated project, as text. */
export const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

/** An owner's edit: `from` replaced by `to` in a project file (which must contain it). */
export function edit(dir: string, file: string, from: string, to: string): void {
  const text = read(dir, file);
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  writeFileSync(join(dir, file), text.replace(from, to));
}

/** `create-keptn-integration regenerate <dir> ...args` as a process, without colours. */
export const regenerate = (dir: string, ...args: string[]) => cli(['regenerate', dir, ...args], { env: { NO_COLOR: '1' } });

/** From regenerate's --json report: per project, path → status of each file that is not unchanged. */
export const statuses = (stdout: string): Record<string, string>[] =>
  JSON.parse(stdout).projects.map((p: any) =>
    Object.fromEntries(p.files.filter((f: any) => f.status !== 'unchanged').map((f: any) => [f.path, f.status])),
  );

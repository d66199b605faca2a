// The generator against hostile input, interruption and a failing disk. Figures are printed at the
// end of the run (and asserted on): nothing may crash, nothing may be left half-written.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { Parser as MarkdownParser } from 'commonmark';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveAnswers, type Answers } from '../../src/answers.js';
import { InputError } from '../../src/errors.js';
import { renderPlan } from '../../src/plan.js';
import { toBlueprint, type Blueprint } from '../../src/blueprint.js';
import { writeProject } from '../../src/writer.js';
import { chartProblems } from '../conformance/chart.js';
import { jobProjectProblems } from '../conformance/job-executor.js';
import { generate, linkDependencies } from '../helpers.js';
import { BIN, NODE_BIN, cli, tempDir } from '../run.js';

const figures: [string, number | string][] = [];
afterAll(() => {
  console.log(['', 'reliability of the generator:', ...figures.map(([k, v]) => `  ${k}: ${v}`)].join('\n'));
});

/** Strings people (and attackers) type where free text is allowed. */
const NASTY = [
  '{{ .Values.secret }}',
  '{{- fail "boom" }}',
  '$(rm -rf /)',
  '`id`',
  "'; echo pwned; '",
  '"quoted" \\ backslash',
  '<% process.exit(1) %>',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '/absolute/path',
  'line\nbreak',
  '# heading\n- list',
  '--- !!python/object:os.system',
  '&anchor *alias',
  'key: value',
  '${HOME} %s %n',
  'ünïcödé ✓ 🚀',
  '\u202eRTL override',
  'a'.repeat(300),
  '',
  ' ',
];

const hostile = fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }));
/** Mostly valid values (so that many sets pass validation), sometimes hostile ones. */
const value = (...valid: string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: hostile });

const answerSets = fc.record(
  {
    kind: value('test-tool', 'notification', 'sli-provider', 'generic'),
    name: value('my-tests', 'a', 'x'.repeat(53)),
    keptn: value('0.8', '1.0'),
    task: value('test', 'db-migrate'),
    runtime: value('service', 'job-executor'),
    'test-tool': value('locust', 'k6', 'custom'),
    events: value('sh.keptn.event.evaluation.finished', 'sh.keptn.event.db-migrate.triggered,sh.keptn.event.test.finished', 'sh.keptn.>'),
    'sli-provider': value('prometheus'),
    project: value('sockshop', 'p'),
    stage: value('dev', 'hardening'),
    service: value('carts'),
    // The free-text answer: hostile as often as not.
    description: fc.oneof(fc.constantFrom('Runs our load tests'), hostile),
    owner: value('acme'),
    image: value('ghcr.io/acme/x', 'registry.example.com:5000/team/x'),
  },
  { requiredKeys: ['kind', 'name', 'description'] },
);

/** Kind-specific keys only where the kind takes them, as a real user would mostly pass them. */
function applicable(given: Partial<Answers>): Answers {
  const out = { ...given } as Answers;
  if (!['test-tool', 'generic'].includes(out.kind)) delete out.task;
  if (!['notification', 'generic'].includes(out.kind)) delete out.events;
  if (out.kind !== 'sli-provider') delete out['sli-provider'];
  if (!['test-tool', 'generic'].includes(out.kind)) delete out.runtime;
  if (out.kind !== 'test-tool') delete out['test-tool'];
  if (out.runtime === 'job-executor') {
    delete out.owner;
    delete out.image;
  }
  if (out.kind === 'generic' && out.task && out.events && !out.events.includes(out.task)) delete out.events;
  return out;
}

/** What must hold for every project generated from accepted answers. */
function planProblems(blueprint: Blueprint): string[] {
  const problems: string[] = [];
  const plan = renderPlan(blueprint);
  for (const [path, content] of plan) {
    if (path.startsWith('/') || path.split('/').includes('..')) problems.push(`path outside the project: ${path}`);
    try {
      if (path.endsWith('.json')) JSON.parse(content);
      if (/\.ya?ml$/.test(path) && !path.startsWith('chart/templates/')) parse(content);
    } catch (err) {
      problems.push(`${path} does not parse: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const script = spawnSync('bash', ['-n'], { input: plan.get('keptn/add-resources.sh') });
  if (script.status !== 0) problems.push(`add-resources.sh: ${script.stderr}`);
  if (blueprint.runtime.id === 'job-executor') {
    if (!plan.has('keptn/resources/job/config.yaml') || plan.has('chart/Chart.yaml'))
      problems.push('a job-executor definition without job/config.yaml, or with a chart');
    return problems;
  }
  // The free text arrives as written, wherever it is read back.
  if (JSON.parse(plan.get('package.json')!).description !== blueprint.answers.description)
    problems.push('package.json description changed');
  if (parse(plan.get('chart/Chart.yaml')!).description !== blueprint.answers.description) problems.push('Chart.yaml description changed');
  const readme = readmeDescription(plan.get('README.md')!);
  if (readme !== blueprint.answers.description.trim()) problems.push(`README renders the description as ${JSON.stringify(readme)}`);
  return problems;
}

/**
 * The README's description as a CommonMark renderer shows it: the text of the blocks between the
 * title and the next paragraph of our own, or a note of any markup (a link, HTML, emphasis) it grew.
 */
function readmeDescription(readme: string): string {
  const blocks = readme.split('\n\n');
  const doc = new MarkdownParser().parse(
    blocks
      .slice(
        1,
        blocks.findIndex((b) => b.startsWith('A Keptn ')),
      )
      .join('\n\n'),
  );
  let text = '';
  const walker = doc.walker();
  for (let step = walker.next(); step; step = walker.next()) {
    const { node, entering } = step;
    if (!entering) continue;
    if (node.type === 'text' || node.type === 'code') text += node.literal;
    else if (node.type === 'softbreak' || node.type === 'linebreak') text += '\n';
    else if (!['document', 'paragraph'].includes(node.type)) return `<${node.type}>`;
  }
  return text;
}

describe('hostile answers', () => {
  beforeAll(async () => linkDependencies((await generate('test-tool', '1.0')).dir));

  it('1,000 answer sets: a one-line error naming the field, or a project that parses and stays inside', async () => {
    let rejected = 0;
    let accepted = 0;
    const crashes: string[] = [];
    const samples: Blueprint[] = [];
    await fc.assert(
      fc.asyncProperty(answerSets, async (given) => {
        let blueprint: Blueprint;
        try {
          blueprint = toBlueprint(await resolveAnswers(applicable(given)));
        } catch (err) {
          if (!(err instanceof InputError) || err.message.includes('\n') || !err.message.startsWith('--')) crashes.push(String(err));
          rejected++;
          return;
        }
        accepted++;
        const same = (s: Blueprint) =>
          s.kind.id === blueprint.kind.id && s.answers.keptn === blueprint.answers.keptn && s.runtime.id === blueprint.runtime.id;
        if (samples.length < 16 && !samples.some(same)) samples.push(blueprint);
        const problems = planProblems(blueprint);
        if (problems.length > 0) crashes.push(`${JSON.stringify(blueprint.answers)}: ${problems.join('; ')}`);
      }),
      { numRuns: 1000, seed: 20261125 },
    );

    // A sample goes all the way: written to disk, chart rendered as Helm would, TypeScript compiled.
    let written = 0;
    let compiled = 0;
    for (const blueprint of samples) {
      const parent = tempDir('hostile-');
      const dir = join(parent, 'project');
      await writeProject(dir, renderPlan(blueprint));
      written++;
      if (readdirSync(parent).join() !== 'project') crashes.push(`wrote outside its directory: ${readdirSync(parent).join(', ')}`);
      const chart = blueprint.runtime.id === 'job-executor' ? jobProjectProblems(dir, blueprint) : await chartProblems(dir, blueprint);
      if (chart.length > 0) crashes.push(`${JSON.stringify(blueprint.answers)}: ${chart.join('; ')}`);
      if (compiled < 3 && blueprint.runtime.id === 'service') {
        await linkDependencies(dir);
        const tsc = await execa('npx', ['tsc', '--noEmit', '-p', '.'], { cwd: dir, reject: false, all: true });
        if (tsc.exitCode !== 0) crashes.push(`tsc: ${tsc.all}`);
        compiled++;
      }
    }
    figures.push(
      ['answer sets tried', rejected + accepted],
      ['rejected with a one-line error', rejected],
      ['accepted and checked', accepted],
    );
    figures.push(
      ['written, chart-rendered or job-checked', written],
      ['TypeScript-compiled', compiled],
      ['crashes or broken projects', crashes.length],
    );
    expect(crashes).toEqual([]);
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });
});

describe('interruption', () => {
  it('SIGINT or SIGTERM at any moment leaves the finished project or nothing', async () => {
    const expected = readdirSync(join((await generate('test-tool', '1.0')).dir), { recursive: true }).length;
    let complete = 0;
    let nothing = 0;
    let partial = 0;
    const leftovers: string[] = [];
    // Moments spread over the whole run (start-up, rendering, writing, renaming), with jitter.
    for (let i = 0; i < 40; i++) {
      const cwd = tempDir('killed-');
      const child = execa(NODE_BIN, [BIN, 'p', '--kind', 'test-tool', '--yes', '--no-install', '--no-git'], {
        cwd,
        reject: false,
        env: { CI: 'true' },
      });
      await new Promise((r) => setTimeout(r, i * 7 + Math.random() * 7));
      child.kill(i % 2 ? 'SIGINT' : 'SIGTERM');
      await child;
      const left = readdirSync(cwd);
      if (left.length === 0) nothing++;
      else if (left.join() === 'p' && readdirSync(join(cwd, 'p'), { recursive: true }).length === expected) complete++;
      else {
        partial++;
        leftovers.push(
          `${left.join(', ')}${left.includes('p') ? ` (${readdirSync(join(cwd, 'p'), { recursive: true }).length} of ${expected} entries)` : ''}`,
        );
      }
    }
    figures.push(
      ['kills at random moments', 40],
      ['left the finished project', complete],
      ['left nothing', nothing],
      ['left something partial', partial],
    );
    expect(partial, leftovers.join('\n')).toBe(0);
  });

  it('a run killed outright (SIGKILL) leaves a staging folder that the next run removes', async () => {
    const cwd = tempDir('stale-');
    // What a killed run leaves: a staging folder named after a process that no longer exists.
    mkdirSync(join(cwd, '.p.999999-abc.tmp', 'src'), { recursive: true });
    const r = await cli(['p', '--kind', 'generic', '--task', 't', '--yes', '--no-install', '--no-git'], { cwd });
    expect(r.exitCode, r.all).toBe(0);
    expect(readdirSync(cwd)).toEqual(['p']);
  });
});

describe('a failing disk', () => {
  // tmpfs mounts need root; CI runs as root. Elsewhere the test says what it needs instead.
  const mounted: string[] = [];
  const mount = (options: string) => {
    const dir = tempDir('disk-');
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
    if (r.status !== 0) return undefined;
    mounted.push(dir);
    return dir;
  };
  afterAll(() => mounted.forEach((d) => spawnSync('umount', ['-l', d])));
  const canMount = process.getuid?.() === 0;

  it.runIf(canMount).each([
    ['a full disk', 'size=48k', 'the disk is full (ENOSPC)'],
    ['a read-only file system', 'ro', 'the file system is read-only (EROFS)'],
  ])('%s: a clear one-line error, exit 1, nothing left behind', async (what, options, reason) => {
    const disk = mount(options);
    expect(disk, `mounting a tmpfs with ${options} failed`).toBeDefined();
    const r = await cli(['p', '--kind', 'test-tool', '--yes', '--no-install', '--no-git'], { cwd: disk! });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(`error: cannot write p: ${reason}`);
    expect(readdirSync(disk!)).toEqual([]);
    figures.push([what, 'clear error, nothing left']);
  });

  it.runIf(!canMount)('needs root to mount a full and a read-only tmpfs', () => {
    console.log('skipped: the disk-failure tests mount tmpfs file systems and need root (CI runs as root)');
  });

  it('no directory to write into (a file is in the way)', async () => {
    const cwd = tempDir('blocked-');
    execFileSync('touch', [join(cwd, 'blocker')]);
    const r = await cli([join('blocker', 'p'), '--kind', 'test-tool', '--yes', '--no-install', '--no-git'], { cwd });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(cwd, 'blocker', 'p'))).toBe(false);
    expect(readFileSync(join(cwd, 'blocker'), 'utf8')).toBe('');
  });
});

// Every generated project's own CI passes on its first push: for every kind × runtime × preset and
// every project an example of --help makes, the steps of .github/workflows/ci.yml run here in the
// project itself (../conformance/publish.ts ciRun: bash as the runner runs them, the real Helm and
// shellcheck, the project's tests), except the steps NOT_RUN_HERE names with what covers them.
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/answers.js';
import { ciRun, NOT_RUN_HERE, RUN_IN_PRESETS } from '../conformance/publish.js';
import { changedTemplates, generateFrom, linkDependencies, PRESET_COMBINATIONS } from '../helpers.js';
import { cli, tempDir } from '../run.js';

/** The projects the `--help` examples make (those that ask nothing: --yes, no answers file). */
async function helpExamples(): Promise<{ label: string; args: string[] }[]> {
  const help = await cli(['--help']);
  const examples = help.stdout
    .split('\nExamples:\n')[1]
    .replace(/\\\n\s*/g, '')
    .split('\n');
  return examples
    .map((line) => /^\s*\$ npx create-keptn-integration (.*?)(\s+#.*)?$/.exec(line)?.[1].split(/\s+/))
    .filter((args): args is string[] => !!args && args.includes('--yes') && !args.includes('--answers') && !args.includes('--dry-run'))
    .map((args) => ({ label: `--help example ${args.join(' ')}`, args }));
}

const EXAMPLES = await helpExamples();
/**
 * Every preset, and every --help example. A service preset's build and tests run in
 * test/e2e/presets.test.ts (RUN_IN_PRESETS) and not again here; an example's run here too.
 */
const PROJECTS: { label: string; args: string[]; ranElsewhere: boolean }[] = [
  ...PRESET_COMBINATIONS.map(({ label, answers }) => ({
    label,
    args: [answers.name, ...Object.entries(answers).flatMap(([k, v]) => [`--${k}`, v]), '--yes'],
    ranElsewhere: true,
  })),
  ...EXAMPLES.map((e) => ({ ...e, ranElsewhere: false })),
];

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** At most two projects' CI at once: an example's runs a type-check and a test suite, and the machine has 2 cores. */
let running = 0;
const waiting: (() => void)[] = [];
async function twoAtATime<T>(work: () => Promise<T>): Promise<T> {
  if (running < 2) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve)); // a finished one hands over its place
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

it('runs the CI of every kind, runtime and preset, and of the --help examples', () => {
  expect(PRESET_COMBINATIONS).toHaveLength(21);
  expect(EXAMPLES.map((e) => e.args[0])).toEqual(['locust-tests', 'k6-job', 'slack-notifier', 'slack-hook', 'my-provider', 'my-task']);
});

describe.concurrent.each(PROJECTS)('$label', ({ args, ranElsewhere }) => {
  it('passes its own CI (.github/workflows/ci.yml), step by step, in the project', async () => {
    const cwd = tempDir();
    folders.push(cwd);
    const made = await cli([...args, '--no-install', '--no-git'], { cwd });
    expect(made.exitCode, made.all).toBe(0);
    const dir = join(cwd, args[0]);
    const service = existsSync(join(dir, 'package.json'));
    if (service && !ranElsewhere) await linkDependencies(dir);
    const { problems, skipped, ran } = await twoAtATime(() => ciRun(dir, { ranElsewhere }));
    expect(problems).toEqual([]);
    if (service) {
      // Only what needs the registry or Docker (each covered elsewhere: NOT_RUN_HERE says where),
      // and for a preset its build and tests, which presets.test.ts runs.
      const notRun = skipped.map((s) => s.replace(/^[\w-]+: /, ''));
      expect(notRun).toEqual(
        ranElsewhere
          ? ['npm ci', 'npm run build', 'npm run lint', 'npm test', expect.stringMatching(/^docker build /)]
          : ['npm ci', expect.stringMatching(/^docker build /)],
      );
      for (const command of notRun)
        expect(
          [...NOT_RUN_HERE, ...(ranElsewhere ? RUN_IN_PRESETS : [])].some((n) => n.command.test(command)),
          command,
        ).toBe(true);
      expect(ran).toEqual(
        expect.arrayContaining([
          'chart: helm lint --strict ./chart',
          ...(ranElsewhere ? [] : ['test: npm run build', 'test: Lint', 'test: Type-check and test']),
        ]),
      );
    } else expect(skipped).toEqual([]);
  });
});

describe('the CI check itself', () => {
  it('fails where a step fails: a chart linted with a values file the project does not have', async () => {
    // The CI as it was before it asked whether the file is generated.
    const templates = changedTemplates([
      [
        'base/dot-github/workflows/ci.yml.ejs',
        /<% if \(remoteSubscriptions\.length > 0\) \{ -%>\n[^]*?( {6}- run: helm lint [^\n]*\n)[^]*?<% \} -%>\n/,
        '$1',
      ],
    ]);
    const { dir } = await generateFrom(
      await resolveAnswers({ kind: 'notification', name: 'finished-only', events: 'sh.keptn.event.evaluation.finished' }),
      templates,
    );
    folders.push(templates, dirname(dir));
    const { problems } = await twoAtATime(() => ciRun(dir, { ranElsewhere: true }));
    expect(problems.join('\n')).toMatch(
      /job chart: step "helm lint --strict \.\/chart -f chart\/ci\/remote-control-plane-values\.yaml" failed \(exit 1\): .*remote-control-plane-values\.yaml/,
    );
  });
});

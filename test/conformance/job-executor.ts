// Checks for a job-executor definition: its config against the job executor's own v2 format, the
// files it names, and each test definition by a checker of its language.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { execa } from 'execa';
import { parse } from 'yaml';
import type { Spec } from '../../src/spec.js';
import { uploadedUris } from './keptn-files.js';
import { need, shellcheck } from './tools.js';

// Draft-04 wants `required` left out rather than empty.
const strict = (properties: Record<string, object>, required: string[] = []) => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  additionalProperties: false,
});
const str = { type: 'string' };
const strings = { type: 'array', items: str };
const resources = strict({ cpu: str, memory: str });

/**
 * job/config.yaml as job-executor-service 0.2/0.3 reads it (pkg/config/config.go): yaml.v2's
 * UnmarshalStrict rejects unknown fields, and apiVersion must be v2.
 */
export const JOB_CONFIG_SCHEMA = strict(
  {
    apiVersion: { enum: ['v2'] },
    actions: {
      type: 'array',
      minItems: 1,
      items: strict(
        {
          name: str,
          silent: { type: 'boolean' },
          events: { type: 'array', minItems: 1, items: strict({ name: str, jsonpath: strict({ property: str, match: str }, ['property', 'match']) }, ['name']) },
          tasks: {
            type: 'array',
            minItems: 1,
            items: strict(
              {
                name: str,
                files: strings,
                image: str,
                imagePullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
                cmd: strings,
                args: strings,
                env: { type: 'array', items: strict({ name: str, value: str, valueFrom: { enum: ['event', 'secret', 'string'] }, as: { enum: ['string', 'json', 'yaml'] } }, ['name', 'valueFrom']) },
                resources: strict({ limits: resources, requests: resources }),
                workingDir: str,
                maxPollDuration: { type: 'integer', minimum: 1 },
                namespace: str,
                ttlSecondsAfterFinished: { type: 'integer', minimum: 0 },
                securityContext: { type: 'object' },
                serviceAccount: str,
                annotations: { type: 'object', additionalProperties: str },
              },
              ['name', 'image'],
            ),
          },
        },
        ['name', 'events', 'tasks'],
      ),
    },
  },
  ['apiVersion', 'actions'],
);

const validate = new Ajv({ allErrors: true, strict: false }).compile(JOB_CONFIG_SCHEMA);

export function jobConfigProblems(config: unknown): string[] {
  return validate(config) ? [] : (validate.errors ?? []).map((e) => `job/config.yaml${e.instancePath} ${e.message}${e.params && 'additionalProperty' in e.params ? `: ${e.params.additionalProperty}` : ''}`);
}

interface JobConfig {
  actions: { name: string; events: { name: string; jsonpath?: { property: string; match: string } }[]; tasks: { files?: string[]; args?: string[]; cmd?: string[]; env?: { name: string; value: string; valueFrom: string }[] }[] }[];
}

/** Everything a job-executor project must get right, as a list of problems. */
export function jobProjectProblems(dir: string, spec: Spec): string[] {
  const problems: string[] = [];
  for (const absent of ['package.json', 'src', 'chart', 'Dockerfile']) if (existsSync(join(dir, absent))) problems.push(`a job-executor definition has ${absent}`);
  const configFile = join(dir, 'keptn/resources/job/config.yaml');
  if (!existsSync(configFile)) return [...problems, 'no keptn/resources/job/config.yaml'];
  const config = parse(readFileSync(configFile, 'utf8')) as JobConfig;
  problems.push(...jobConfigProblems(config));
  if (problems.length > 0) return problems;
  const uploaded = uploadedUris(dir);
  if (!uploaded.includes('job/config.yaml')) problems.push('add-resources.sh does not upload job/config.yaml');
  const matched = new Set<string>();
  for (const action of config.actions) {
    for (const event of action.events) {
      matched.add(event.name);
      if (!spec.subscriptions.includes(event.name)) problems.push(`action "${action.name}" matches ${event.name}, which the README does not subscribe the job executor to`);
      const task = /^sh\.keptn\.event\.([a-z0-9-]+)\.triggered$/.exec(event.name)?.[1];
      // 0.1.3 drops other events; from 0.2 on it polls Keptn for open triggers only.
      if (!task) problems.push(`action "${action.name}" matches ${event.name}, which the job executor never receives: only task triggers`);
      // The job executor's JSON paths (PaesslerAG/jsonpath) take a name with '-' only in brackets.
      const data = task && /-/.test(task) ? `$.data["${task}"].` : `$.data.${task}.`;
      if (event.jsonpath && !event.jsonpath.property.startsWith(data)) problems.push(`action "${action.name}" matches on ${event.jsonpath.property}, not on ${data}…, the task's data`);
    }
    for (const task of action.tasks) {
      for (const file of task.files ?? []) {
        if (!uploaded.includes(file)) problems.push(`the job reads ${file}, which add-resources.sh does not upload`);
        if (!existsSync(join(dir, 'keptn/resources', file))) problems.push(`the job reads ${file}, which is not in keptn/resources/`);
      }
      // Every resource the command reads (/keptn/<folder>/<file>) is listed in files, and every
      // file listed is read; what a tool writes goes straight into /keptn/.
      const command = [...(task.cmd ?? []), ...(task.args ?? [])].join(' ');
      for (const file of task.files ?? []) if (!command.includes(`/keptn/${file}`)) problems.push(`the job copies ${file} but its command does not use it`);
      for (const part of [...(task.cmd ?? []), ...(task.args ?? [])]) {
        for (const [, path] of part.matchAll(/\/keptn\/([^\s"']+\/[^\s"']+)/g)) if (!(task.files ?? []).includes(path)) problems.push(`the job uses /keptn/${path}, which is not in its files`);
        for (const [, name] of part.matchAll(/\$\(([A-Z_]+)\)/g)) if (!(task.env ?? []).some((e) => e.name === name)) problems.push(`the job uses $(${name}), which its env does not set`);
      }
    }
  }
  for (const s of spec.subscriptions) if (!matched.has(s)) problems.push(`${s} is subscribed, but no action matches it`);
  return problems;
}

/** Each test definition checked by its language's own parser, where one is at hand. */
export async function definitionProblems(dir: string, uri: string): Promise<string[]> {
  const file = join(dir, 'keptn/resources', uri);
  const text = readFileSync(file, 'utf8');
  const failed = (what: string, r: { exitCode?: number; all?: string }) => (r.exitCode === 0 ? [] : [`${uri}: ${what}: ${r.all}`]);
  if (uri.endsWith('.py')) {
    await need('python3', 'python3');
    const out = join(mkdtempSync(join(tmpdir(), 'pyc-')), 'out.pyc');
    const code = `import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)`;
    return failed('python3 py_compile', await execa('python3', ['-c', code, file, out], { reject: false, all: true }));
  }
  if (uri.endsWith('.js')) {
    // k6 scripts are ES modules: node checks the syntax of a .mjs copy.
    const copy = join(mkdtempSync(join(tmpdir(), 'k6-')), 'script.mjs');
    writeFileSync(copy, text);
    const problems = failed('node --check', await execa(process.execPath, ['--check', copy], { reject: false, all: true }));
    if (!/export const options\s*=/.test(text) || !/export default function/.test(text)) problems.push(`${uri}: a k6 script exports options and a default function`);
    if (!/thresholds\s*:/.test(text)) problems.push(`${uri}: no thresholds, so k6 cannot fail the test`);
    return problems;
  }
  if (uri.endsWith('.yaml') && uri.startsWith('artillery/')) return artilleryProblems(uri, parse(text));
  if (uri.endsWith('.jmx')) {
    await need('python3', 'python3');
    const code = `import sys, xml.etree.ElementTree as E
root = E.parse(sys.argv[1]).getroot()
assert root.tag == 'jmeterTestPlan', 'root is ' + root.tag
for tag in ('TestPlan', 'ThreadGroup', 'HTTPSamplerProxy'):
    assert root.find('.//' + tag) is not None, 'no ' + tag
paths = [p.text for p in root.iter('stringProp') if p.get('name') == 'HTTPSampler.path']
assert all(p and '__P(TARGET_URL)' in p for p in paths), 'a sampler does not request TARGET_URL: %s' % paths`;
    return failed('JMeter test plan', await execa('python3', ['-c', code, file], { reject: false, all: true }));
  }
  if (uri.endsWith('.sh')) return (await shellcheck(file)).map((l) => `${uri}: shellcheck: ${l}`);
  if (uri.endsWith('checks.yaml')) return Array.isArray(parse(text)?.checks) ? [] : [`${uri}: no list "checks"`];
  return [`${uri}: no checker for this kind of file`];
}

/** Artillery's script shape: phases to run, scenarios with a flow, and `ensure` to fail on. */
function artilleryProblems(uri: string, doc: any): string[] {
  const problems: string[] = [];
  const phases = doc?.config?.phases;
  if (!Array.isArray(phases) || phases.length === 0 || !phases.every((p: any) => Number.isFinite(p.duration) && Number.isFinite(p.arrivalRate))) problems.push(`${uri}: config.phases must list phases with duration and arrivalRate`);
  const ensure = doc?.config?.plugins?.ensure;
  if (!Array.isArray(ensure?.thresholds) && !Array.isArray(ensure?.conditions)) problems.push(`${uri}: no config.plugins.ensure checks, so Artillery cannot fail the test`);
  const scenarios = doc?.scenarios;
  if (!Array.isArray(scenarios) || scenarios.length === 0 || !scenarios.every((s: any) => Array.isArray(s.flow) && s.flow.length > 0)) problems.push(`${uri}: scenarios must each have a flow`);
  return problems;
}

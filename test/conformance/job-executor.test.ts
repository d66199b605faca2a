// The job-executor runtime: every test tool and the generic kind for every Keptn minor, checked by
// the rules of the job-executor-service release that minor gets (./job-executor.ts models each
// release family), and the scripts the jobs run, run here with the env that release would give them.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers.js';
import { KEPTN_MINORS, keptnVersion } from '../../src/keptn-versions.js';
import { compareVersions } from '../../src/version.js';
import { TEST_TOOLS } from '../../src/kinds/test-tool-presets.js';
import { taskOf } from '../../src/rules.js';
import type { Blueprint } from '../../src/blueprint.js';
import { sharedProjects } from '../helpers.js';
import {
  actionsRun,
  definitionProblems,
  JES_FAMILIES,
  jesFamily,
  JOB_POD,
  jobConfigProblems,
  jobProjectProblems,
  jsonPathGet,
  mountedFiles,
  resolveEnv,
  runJobTask,
  shipyardTrigger,
  taskTrigger,
  writable,
  type CloudEventJson,
  type JesFamily,
  type JobConfig,
  type JobConfigTask,
} from './job-executor.js';
import { scriptProblems, shipyardProblems, uploadedUris } from './keptn-files.js';
import { need } from './tools.js';

const PROJECTS: { what: string; answers: Answers }[] = [
  ...TEST_TOOLS.map((t) => ({ what: `test-tool ${t.id}`, answers: { kind: 'test-tool', 'test-tool': t.id, name: `job-${t.id}` } })),
  // A task name with '-' needs brackets in the job executor's JSON paths.
  { what: 'test-tool k6 for task load-test', answers: { kind: 'test-tool', 'test-tool': 'k6', task: 'load-test', name: 'job-load' } },
  {
    what: 'generic',
    answers: {
      kind: 'generic',
      task: 'db-migrate',
      events: 'sh.keptn.event.db-migrate.triggered,sh.keptn.event.db-backup.triggered',
      name: 'job-generic',
    },
  },
];
const GENERIC = PROJECTS.at(-1)!.answers;
const CASES = PROJECTS.flatMap((p) => KEPTN_MINORS.map((keptn) => ({ ...p, keptn })));
/** One Keptn minor per job-executor-service family that some minor gets. */
const FAMILY_MINORS = KEPTN_MINORS.filter((m, i) => KEPTN_MINORS.findIndex((n) => jesOf(n).name === jesOf(m).name) === i);

function jesOf(keptn: string): JesFamily {
  return jesFamily(keptnVersion(keptn)!.jobExecutor.version);
}

const { generate: generateJob, project, once } = sharedProjects('job-executor');

const CONFIG = 'keptn/resources/job/config.yaml';
const readConfig = (dir: string) => parse(readFileSync(join(dir, CONFIG), 'utf8')) as JobConfig;

describe.concurrent.each(CASES)('$what as a job-executor definition for Keptn $keptn', ({ answers, keptn }) => {
  it('has a job/config.yaml that its job-executor-service release accepts, runs for the shipyard and mounts the files of', async () => {
    const { dir, blueprint } = await project(answers, keptn);
    expect(jobProjectProblems(dir, blueprint)).toEqual([]);
  });

  it('resolves every env entry of every action against the spec example of its type, as the release does', async () => {
    const { dir, blueprint } = await project(answers, keptn);
    const family = jesFamily(blueprint.keptn.jobExecutor.version);
    for (const action of readConfig(dir).actions) {
      for (const event of action.events) {
        const example = taskTrigger(taskOf(event.name)!);
        for (const task of action.tasks) {
          const { env, failed, problems } = resolveEnv(family, task, example);
          expect(failed, `${action.name}: ${failed}`).toBeUndefined();
          expect(problems).toEqual([]);
          for (const e of task.env ?? []) {
            expect(env[e.name], `${e.name} from ${e.value}`).toBeTypeOf('string');
            expect(env[e.name], `${e.name} from ${e.value}: a pointer address`).not.toMatch(/^0x[0-9a-f]+$/);
            expect(env[e.name], `${e.name} from ${e.value}: a Go map print`).not.toMatch(/map\[/);
          }
        }
      }
    }
  });

  it('mounts exactly the files each task names, and every /keptn/ file its command reads', async () => {
    const { dir, blueprint } = await project(answers, keptn);
    const family = jesFamily(blueprint.keptn.jobExecutor.version);
    const uploaded = uploadedUris(dir);
    for (const action of readConfig(dir).actions) {
      for (const task of action.tasks) {
        const { copied, missing } = mountedFiles(family, task.files ?? [], uploaded);
        expect(missing).toEqual([]);
        // 0.1.3–0.2.3 copy by prefix: a name that is the start of another resource's would pull that in too.
        expect(copied.sort()).toEqual([...(task.files ?? [])].sort());
        const read = [...(task.cmd ?? []), ...(task.args ?? [])].flatMap((part) =>
          [...part.matchAll(/\/keptn\/([^\s"']+\/[^\s"']+)/g)].map((m) => m[1]),
        );
        expect(read.length).toBeGreaterThan(0);
        for (const path of read) expect(copied).toContain(path);
      }
    }
  });

  it('has test definitions and scripts that their own checkers accept', async () => {
    const { dir, blueprint } = await project(answers, keptn);
    const files = blueprint.resources.map((r) => r.uri).filter((uri) => uri !== 'job/config.yaml');
    expect(files.length).toBeGreaterThan(0);
    for (const uri of files) {
      const text = readFileSync(join(dir, 'keptn/resources', uri), 'utf8');
      expect(await once(`definition\0${uri}\0${text}`, () => definitionProblems(dir, uri))).toEqual([]);
    }
  });

  it('has a valid shipyard and an add-resources.sh that uploads it all', async () => {
    const { dir, blueprint } = await project(answers, keptn);
    expect(shipyardProblems(dir, blueprint)).toEqual([]);
    const script = readFileSync(join(dir, 'keptn/add-resources.sh'), 'utf8');
    const key = `add-resources\0${script}\0${JSON.stringify(blueprint.keptn.cli)}\0${blueprint.keptn.release}\0${blueprint.resources.map((r) => r.uri)}`;
    expect(await once(key, () => scriptProblems(dir, blueprint))).toEqual([]);
  });

  it("tells how to install the job executor subscribed to the integration's events", async () => {
    const { dir, blueprint } = await project(answers, keptn);
    const jes = blueprint.keptn.jobExecutor;
    const commands = await installCommands(readFileSync(join(dir, 'README.md'), 'utf8'));
    if (jes.install === 'helm') {
      expect(commands.map((c) => c[0])).toEqual(['helm']);
      const helm = commands[0];
      expect(helm.slice(1, 3)).toEqual(['upgrade', '--install']);
      // The chart each release from 0.1.5 on attaches to its GitHub release (0.1.6:.github/workflows/release.yml).
      expect(helm).toContain(
        `https://github.com/keptn-contrib/job-executor-service/releases/download/${jes.version}/job-executor-service-${jes.version}.tgz`,
      );
      const sets = helm.flatMap((arg, i) => (['--set', '--set-string'].includes(helm[i - 1]) ? arg.split(/(?<!\\),/) : []));
      const topics = sets.filter((s) => /topicSubscription=|pubsubTopic=/.test(s));
      if (jes.topicValue) {
        // --set-string KEY=a\,b: Helm reads `\,` as a comma of the value (a string, not a list). 0.2.x
        // read remoteControlPlane.topicSubscription, 0.3.0 only subscription.pubsubTopic
        // (0.2.5:chart/templates/deployment.yaml, 0.3.0:chart/templates/deployment.yaml).
        expect(topics).toEqual([`${jes.topicValue}=${blueprint.subscriptions.join('\\,')}`]);
        expect(helm[helm.indexOf(topics[0]) - 1]).toBe('--set-string');
      } else {
        // 0.1.6–0.1.8 read their subscription only for a remote plane (0.1.6:chart/templates/deployment.yaml).
        expect(topics).toEqual([]);
      }
    } else {
      // 0.1.3:deploy/service.yaml (and 0.1.4's): Deployment job-executor-service in namespace keptn,
      // the distributor as container `distributor`, subscribed to sh.keptn.> by PUBSUB_TOPIC.
      const manifest = `https://raw.githubusercontent.com/keptn-contrib/job-executor-service/${jes.version}/deploy/service.yaml`;
      const setEnv = [
        'kubectl',
        '-n',
        'keptn',
        'set',
        'env',
        'deployment/job-executor-service',
        '-c',
        'distributor',
        `PUBSUB_TOPIC=${blueprint.subscriptions.join(',')}`,
      ];
      if (jes.manifestSed) {
        // 0.1.4:deploy/service.yaml has `value: false` under ALWAYS_SEND_FINISHED_EVENT, which
        // Kubernetes refuses (EnvVar.value is a string): what reaches kubectl must be quoted.
        expect(commands).toEqual([
          ['curl', '-fsSL', manifest],
          ['kubectl', 'apply', '-f', '-', '<stdin>', '            - name: ALWAYS_SEND_FINISHED_EVENT\n              value: "false"\n'],
          setEnv,
        ]);
      } else {
        expect(commands).toEqual([['kubectl', 'apply', '-f', manifest], setEnv]);
      }
    }
  });
});

/** The commands of the README's install section, as the shell splits them into words. */
async function installCommands(readme: string): Promise<string[][]> {
  const section = readme.split('\n## Install the job executor\n')[1]?.split('\n## ')[0] ?? '';
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks.length, 'a sh block under "Install the job executor"').toBeGreaterThan(0);
  // Each command prints its words, NUL-separated, and ends with a record separator.
  const stubs = [
    ...['helm', 'kubectl'].map(
      (c) => `${c}() { printf '%s\\0' ${c} "$@"; [ "$*" != "apply -f -" ] || printf '<stdin>\\0%s\\0' "$(cat; echo .)"; printf '\\036'; }`,
    ),
    // The manifest's line that Kubernetes refuses, as 0.1.4:deploy/service.yaml has it.
    `curl() { printf '%s\\0' curl "$@" >&2; printf '            - name: ALWAYS_SEND_FINISHED_EVENT\\n              value: false\\n'; }`,
  ].join('\n');
  const run = await execa('sh', ['-euc', `${stubs}\n${blocks.join('\n')}`]);
  // curl reports its words on stderr (its stdout is the manifest piped on): it came first.
  const curl = run.stderr ? [run.stderr.split('\0').slice(0, -1)] : [];
  const commands = run.stdout
    .split('\x1e')
    .filter(Boolean)
    .map((c) => c.split('\0').slice(0, -1));
  return [...curl, ...commands.map((c) => c.map((w) => (w.endsWith('\n.') ? w.slice(0, -1) : w)))];
}

describe.concurrent.each(CASES.filter((c) => c.answers.kind === 'test-tool'))(
  '$what for Keptn $keptn: which job runs',
  ({ answers, keptn }) => {
    it('runs the action of teststrategy functional, of performance, and none for an unknown strategy', async () => {
      const { dir, blueprint } = await project(answers, keptn);
      const family = jesFamily(blueprint.keptn.jobExecutor.version);
      const config = readConfig(dir);
      const definitions = blueprint.view.testDefinitions as { strategy: string; uri: string }[];
      const own = blueprint.resources.filter((r) => r.uri !== 'job/config.yaml').map((r) => r.uri);
      for (const strategy of ['functional', 'performance', 'realuser']) {
        const { actions } = actionsRun(family, config, taskTrigger(blueprint.answers.task, { teststrategy: strategy }));
        const files = actions.map((a) => a.tasks.flatMap((t) => t.files ?? []));
        if (definitions.length === 0) {
          // The custom checks run for every strategy.
          expect(files, strategy).toEqual([own]);
        } else {
          const definition = definitions.find((d) => d.strategy === strategy);
          expect(files, strategy).toEqual(definition ? [[definition.uri]] : []);
        }
      }
    });

    it("gives TARGET_URL the deployment's first local URI", async () => {
      const { dir, blueprint } = await project(answers, keptn);
      const family = jesFamily(blueprint.keptn.jobExecutor.version);
      const config = readConfig(dir);
      for (const strategy of ['functional', 'performance']) {
        const event = taskTrigger(blueprint.answers.task, { teststrategy: strategy });
        const tasks = actionsRun(family, config, event).actions.flatMap((a) => a.tasks);
        expect(tasks.length).toBeGreaterThan(0);
        for (const task of tasks) expect(resolveEnv(family, task, event).env.TARGET_URL).toBe(event.data.deployment.deploymentURIsLocal[0]);
      }
    });
  },
);

/** The generic project's jobs for each task trigger of its shipyard: run.sh must do that task's work. */
async function genericRunProblems(dir: string, blueprint: Blueprint): Promise<string[]> {
  const family = jesFamily(blueprint.keptn.jobExecutor.version);
  const config = readConfig(dir);
  const problems: string[] = [];
  for (const type of blueprint.subscriptions) {
    const task = taskOf(type)!;
    const event = shipyardTrigger(blueprint, task);
    const { actions } = actionsRun(family, config, event);
    if (actions.length === 0) problems.push(`${type}: no action runs`);
    for (const job of actions.flatMap((a) => a.tasks)) {
      const result = await runJobTask(dir, family, job, event);
      if (result.failed !== undefined) {
        problems.push(`${type}: ${result.failed}`);
        continue;
      }
      const expected = `${task} for ${event.data.project}/${event.data.stage}/${event.data.service}`;
      const { exitCode, stdout, all } = result.run!;
      if (exitCode !== 0 || stdout !== expected)
        problems.push(
          `${type}: run.sh exited ${exitCode} printing ${JSON.stringify(all)}, not ${JSON.stringify(expected)} (EVENT_TYPE=${result.env.EVENT_TYPE})`,
        );
    }
  }
  return problems;
}

describe.concurrent('the jobs, run as their job-executor-service release would run them', () => {
  it.each(KEPTN_MINORS)('generic for Keptn %s: run.sh does the work of each task it is run for', async (keptn) => {
    const { dir, blueprint } = await project(GENERIC, keptn);
    expect(await genericRunProblems(dir, blueprint)).toEqual([]);
  });

  async function target(status: number) {
    const server = createServer((_req, res) => res.writeHead(status).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
  }

  it.each(FAMILY_MINORS)(
    'custom test-tool for Keptn %s: run-tests.sh passes against a healthy service and fails against a broken one',
    async (keptn) => {
      await need('curl', 'curl');
      const { dir, blueprint } = await project({ kind: 'test-tool', name: 'job-checks' }, keptn);
      const family = jesFamily(blueprint.keptn.jobExecutor.version);
      for (const [status, exitCode, says] of [
        [200, 0, /1 of 1 HTTP checks passed/],
        [500, 1, /FAILED: .* answered 500, expected 200/],
      ] as const) {
        const svc = await target(status);
        try {
          const event = shipyardTrigger(blueprint, 'test');
          event.data.deployment.deploymentURIsLocal = [svc.url];
          const tasks = actionsRun(family, readConfig(dir), event).actions.flatMap((a) => a.tasks);
          expect(tasks).toHaveLength(1);
          const { failed, run } = await runJobTask(dir, family, tasks[0], event);
          expect(failed).toBeUndefined();
          expect(run!.exitCode, run!.all).toBe(exitCode);
          expect(run!.all).toMatch(says);
        } finally {
          svc.close();
        }
      }
    },
  );
});

describe.concurrent('a config its job-executor-service release would fail on is caught', () => {
  /** A freshly generated project whose job/config.yaml is changed (generic.ts builds the env in TypeScript). */
  async function changed(answers: Answers, keptn: string, change: (config: JobConfig) => void) {
    const { dir, blueprint } = await generateJob(answers, keptn);
    const config = readConfig(dir);
    change(config);
    writeFileSync(join(dir, CONFIG), stringify(config));
    return { dir, blueprint };
  }
  const typeByPath = (config: JobConfig) => {
    for (const task of config.actions.flatMap((a) => a.tasks)) {
      const entry = task.env?.find((e) => e.name === 'EVENT_TYPE');
      if (!entry) throw new Error('the mutation target is gone: no EVENT_TYPE in the generic job');
      Object.assign(entry, { value: '$.type', valueFrom: 'event' });
    }
  };
  const addEnv = (entry: NonNullable<JobConfigTask['env']>[number]) => (config: JobConfig) => {
    for (const task of config.actions.flatMap((a) => a.tasks)) task.env = [...(task.env ?? []), entry];
  };

  it('EVENT_TYPE from $.type on Keptn 0.8 (0.1.3): its event map has no type, so no job is created', async () => {
    const { dir, blueprint } = await changed(GENERIC, '0.8', typeByPath);
    expect(jobProjectProblems(dir, blueprint).join('\n')).toMatch(
      /could not add env with name EVENT_TYPE, value \$\.type, valueFrom event: unknown key type \(no job is created; the task ends errored\)/,
    );
    expect((await genericRunProblems(dir, blueprint)).join('\n')).toMatch(
      /db-migrate\.triggered: could not add env with name EVENT_TYPE, value \$\.type, valueFrom event: unknown key type/,
    );
  });

  it('EVENT_TYPE from $.type on Keptn 1.4 (0.3.0): a pointer address, on which run.sh falls through and exits 0', async () => {
    const { dir, blueprint } = await changed(GENERIC, '1.4', typeByPath);
    expect(jobProjectProblems(dir, blueprint).join('\n')).toMatch(
      /EVENT_TYPE: \$\.type gives "0xc[0-9a-f]+", a memory address, not the value/,
    );
    expect((await genericRunProblems(dir, blueprint)).join('\n')).toMatch(
      /db-migrate\.triggered: run\.sh exited 0 printing "0xc[0-9a-f]+: not handled here.*", not "db-migrate for sockshop\/dev\/carts"/,
    );
  });

  it('EVENT_TYPE from $.type is right where the type is a string (0.1.4–0.2.5): the checks are per release', async () => {
    for (const keptn of ['0.9', '0.17']) {
      const { dir, blueprint } = await changed(GENERIC, keptn, typeByPath);
      expect(jobProjectProblems(dir, blueprint)).toEqual([]);
      expect(await genericRunProblems(dir, blueprint)).toEqual([]);
    }
  });

  it('EVENT ($) on Keptn 0.8 (0.1.3): the whole event as a Go map print', async () => {
    const { dir, blueprint } = await changed(GENERIC, '0.8', addEnv({ name: 'EVENT', value: '$', valueFrom: 'event' }));
    expect(jobProjectProblems(dir, blueprint).join('\n')).toMatch(/EVENT: \$ gives "map\[data:map\[.*", a Go map print, not JSON/);
    // From 0.1.4 on the same entry is JSON.
    const later = await changed(GENERIC, '0.9', addEnv({ name: 'EVENT', value: '$', valueFrom: 'event' }));
    expect(jobProjectProblems(later.dir, later.blueprint)).toEqual([]);
  });

  it('an `as:` on Keptn 0.8 (0.1.3): a field its strict decoder does not know', async () => {
    const withAs = (config: JobConfig) => Object.assign(config.actions[0].tasks[0].env![0], { as: 'string' });
    const { dir, blueprint } = await changed(GENERIC, '0.8', withAs);
    expect(jobProjectProblems(dir, blueprint)).toEqual([
      'job/config.yaml/actions/0/tasks/0/env/0 must NOT have additional properties: as (unknown to job-executor-service 0.1.3, which then rejects the whole file)',
    ]);
    const later = await changed(GENERIC, '0.9', withAs);
    expect(jobProjectProblems(later.dir, later.blueprint)).toEqual([]);
  });

  it.each([
    ['0.8', '$.data.load-test.teststrategy', /unexpected "-" while scanning operator/],
    ['1.4', '$.data.load-test.teststrategy', /unexpected "-" while scanning operator/],
    ['1.4', "$.data['load-test'].teststrategy", /could not parse string: invalid syntax/],
  ])('a hyphenated task in a path without double-quoted brackets, Keptn %s: %s', async (keptn, property, error) => {
    const { dir, blueprint } = await changed(PROJECTS.find((p) => p.answers.task === 'load-test')!.answers, keptn, (config) => {
      for (const event of config.actions.flatMap((a) => a.events)) event.jsonpath!.property = property;
    });
    const problems = jobProjectProblems(dir, blueprint).join('\n');
    expect(problems).toMatch(/runs no action for sh\.keptn\.event\.load-test\.triggered: action "k6 functional test": /);
    expect(problems).toMatch(error);
  });

  it('an env path with a hyphenated name: the job is never created', async () => {
    const { dir, blueprint } = await changed(
      GENERIC,
      '1.4',
      addEnv({ name: 'MIGRATION', value: '$.data.db-migrate.version', valueFrom: 'event' }),
    );
    expect(jobProjectProblems(dir, blueprint).join('\n')).toMatch(
      /could not add env with name 'MIGRATION', value '\$\.data\.db-migrate\.version', valueFrom 'event': parsing error: .* unexpected "-" while scanning operator/,
    );
  });
});

describe('the job config schemas, one per job-executor-service family', () => {
  const valid = (): any => ({
    apiVersion: 'v2',
    actions: [
      {
        name: 'a',
        events: [{ name: 'sh.keptn.event.test.triggered' }],
        tasks: [{ name: 't', image: 'alpine', cmd: ['true'], env: [{ name: 'X', value: '$.id', valueFrom: 'event' }] }],
      },
    ],
  });
  const FAMILIES = JES_FAMILIES.map((f) => [f.name, f.tags[0]]);

  it.each(FAMILIES)('%s accepts the format of the job executor docs', (_, tag) => {
    expect(jobConfigProblems(valid(), tag)).toEqual([]);
  });

  it.each(FAMILIES)('%s rejects what its strict decoder rejects: unknown fields, another apiVersion, a bad env source', (name, tag) => {
    const unknown = valid();
    unknown.actions[0].tasks[0].command = ['true'];
    expect(jobConfigProblems(unknown, tag)).toEqual([
      `job/config.yaml/actions/0/tasks/0 must NOT have additional properties: command (unknown to job-executor-service ${name}, which then rejects the whole file)`,
    ]);
    expect(jobConfigProblems({ ...valid(), apiVersion: 'v1' }, tag)[0]).toMatch(/apiVersion must be equal to one of the allowed values/);
    const { apiVersion: _, ...none } = valid();
    expect(jobConfigProblems(none, tag)[0]).toMatch(/must have required property 'apiVersion'/);
    const env = valid();
    env.actions[0].tasks[0].env[0].valueFrom = 'env';
    expect(jobConfigProblems(env, tag)[0]).toMatch(/valueFrom must be equal to one of the allowed values/);
    const seLinux = valid();
    seLinux.actions[0].tasks[0].securityContext = { seLinuxOptions: { user: 'u' } };
    expect(jobConfigProblems(seLinux, tag).join()).toMatch(/additional properties: (securityContext|seLinuxOptions)/);
  });

  // Each field and the first tag whose pkg/config/config.go has it.
  const FIELDS: [field: string, since: string, add: (c: any) => void][] = [
    ['env[].as', '0.1.4', (c) => (c.actions[0].tasks[0].env[0].as = 'json')],
    ['namespace', '0.1.4', (c) => (c.actions[0].tasks[0].namespace = 'jobs')],
    ['imagePullPolicy', '0.1.5', (c) => (c.actions[0].tasks[0].imagePullPolicy = 'IfNotPresent')],
    ['ttlSecondsAfterFinished', '0.1.5', (c) => (c.actions[0].tasks[0].ttlSecondsAfterFinished = 600)],
    ['securityContext', '0.2.0', (c) => (c.actions[0].tasks[0].securityContext = { runAsNonRoot: true, capabilities: { drop: ['ALL'] } })],
    ['serviceAccount', '0.2.0', (c) => (c.actions[0].tasks[0].serviceAccount = 'jobs')],
    ['annotations', '0.2.4', (c) => (c.actions[0].tasks[0].annotations = { team: 'qa' })],
  ];
  it.each(FIELDS)('%s: accepted from %s on, rejected before', (field, since, add) => {
    const config = valid();
    add(config);
    for (const family of JES_FAMILIES) {
      const newer = compareVersions(family.tags[0], since) >= 0;
      const problems = jobConfigProblems(config, family.tags[0]);
      if (newer) expect(problems, family.name).toEqual([]);
      else
        expect(problems.join(), family.name).toMatch(
          new RegExp(`additional properties: ${field.replace('env[].', '')} \\(unknown to job-executor-service ${family.name}`),
        );
    }
  });

  it('a version whose source was not read is not guessed at', () => {
    expect(() => jesFamily('0.1.9')).toThrow(/not modelled/);
  });
});

describe('the model of job-executor-service, against what its code gave', () => {
  // The event of the runs (jsonpath v0.1.1 on maps built as each tag builds them): data as JSON,
  // the CloudEvent's envelope beside it.
  const EVENT: CloudEventJson = {
    specversion: '1.0',
    id: 'id1',
    shkeptncontext: 'ctx1',
    time: '2022-09-01T10:00:00Z',
    source: 'shipyard-controller',
    type: 'sh.keptn.event.test.triggered',
    gitcommitid: 'abc',
    data: {
      project: 'p',
      stage: 'dev',
      service: 'svc',
      labels: { 'my-label': 'v' },
      test: { teststrategy: 'performance' },
      'my-task': { x: 'hy' },
      num: 3,
      big: 1e6,
      flag: true,
      arr: [1, 'a'],
      deployment: { deploymentURIsLocal: ['http://a'] },
    },
  };
  /** What a job gets for an env entry, or the job executor's error. */
  const value = (tag: string, path: string, as?: string) => {
    const r = resolveEnv(
      jesFamily(tag),
      { name: 'X', env: [{ name: 'X', value: path, valueFrom: 'event', ...(as ? { as } : {}) }] },
      EVENT,
    );
    return r.failed ?? r.env.X;
  };
  const err = (tag: string, path: string) => {
    const quoted = tag === '0.1.3' ? (s: string) => s : (s: string) => `'${s}'`;
    return (message: string) =>
      `could not add env with name ${quoted('X')}, value ${quoted(path)}, valueFrom ${quoted('event')}: ${message}`;
  };
  const POINTER = /^0xc[0-9a-f]+$/;
  const DUMP_013 =
    'map[data:map[arr:[1 a] big:1e+06 deployment:map[deploymentURIsLocal:[http://a]] flag:true labels:map[my-label:v] my-task:map[x:hy] num:3 project:p service:svc stage:dev test:map[teststrategy:performance]] id:id1 shkeptncontext:ctx1 source:shipyard-controller time:2022-09-01 10:00:00 +0000 UTC]';
  const DATA_JSON =
    '{"arr":[1,"a"],"big":1000000,"deployment":{"deploymentURIsLocal":["http://a"]},"flag":true,"labels":{"my-label":"v"},"my-task":{"x":"hy"},"num":3,"project":"p","service":"svc","stage":"dev","test":{"teststrategy":"performance"}}';

  // [path, 0.1.3, 0.1.4–0.2.5 (0.2.2 here), 0.3.0]; an Error is the job executor's error text.
  const ROWS: [string, string | Error, string | Error, string | RegExp | Error][] = [
    ['$.type', new Error('unknown key type'), 'sh.keptn.event.test.triggered', POINTER],
    ['$.source', 'shipyard-controller', 'shipyard-controller', POINTER],
    ['$.id', 'id1', 'id1', 'id1'],
    ['$.shkeptncontext', 'ctx1', 'ctx1', 'ctx1'],
    ['$.time', '2022-09-01 10:00:00 +0000 UTC', '2022-09-01 10:00:00 +0000 UTC', '2022-09-01 10:00:00 +0000 UTC'],
    ['$.data.project', 'p', 'p', 'p'],
    ['$.data.num', '3', '3', '3'],
    ['$.data.big', '1e+06', '1e+06', '1e+06'],
    ['$.data.flag', 'true', 'true', 'true'],
    ['$.data.arr', '[1 a]', '[1 a]', '[1 a]'],
    ['$.data.labels', 'map[my-label:v]', '{"my-label":"v"}', '{"my-label":"v"}'],
    ['$.data.test.teststrategy', 'performance', 'performance', 'performance'],
    [
      '$.data.my-task.x',
      ...(Array(3).fill(new Error('parsing error: $.data.my-task.x\t:1:10 - 1:11 unexpected "-" while scanning operator')) as [
        Error,
        Error,
        Error,
      ]),
    ],
    [
      "$.data['my-task'].x",
      ...(Array(3).fill(new Error("parsing error: $.data['my-task'].x\t:1:8 - 1:17 could not parse string: invalid syntax")) as [
        Error,
        Error,
        Error,
      ]),
    ],
    ['$.data["my-task"].x', 'hy', 'hy', 'hy'],
    ['$.data.missing', new Error('unknown key missing'), new Error('unknown key missing'), new Error('unknown key missing')],
    ['$.data.deployment.deploymentURIsLocal[0]', 'http://a', 'http://a', 'http://a'],
    ['data.project', 'p', 'p', 'p'],
    [
      '$.data.labels.my-label',
      ...(Array(3).fill(new Error('parsing error: $.data.labels.my-label\t:1:17 - 1:18 unexpected "-" while scanning operator')) as [
        Error,
        Error,
        Error,
      ]),
    ],
    [
      "$.data.labels['my-label']",
      ...(Array(3).fill(new Error("parsing error: $.data.labels['my-label']\t:1:15 - 1:25 could not parse string: invalid syntax")) as [
        Error,
        Error,
        Error,
      ]),
    ],
    [
      '$',
      DUMP_013,
      `{"data":${DATA_JSON},"id":"id1","shkeptncontext":"ctx1","source":"shipyard-controller","specversion":"1.0","time":"2022-09-01T10:00:00Z","type":"sh.keptn.event.test.triggered"}`,
      `{"data":${DATA_JSON},"gitcommitid":"abc","id":"id1","shkeptncontext":"ctx1","source":"shipyard-controller","specversion":"1.0","time":"2022-09-01T10:00:00Z","type":"sh.keptn.event.test.triggered"}`,
    ],
  ];
  it.each(ROWS)('%s', (path, v013, v022, v030) => {
    for (const [tag, expected] of [
      ['0.1.3', v013],
      ['0.2.2', v022],
      ['0.3.0', v030],
    ] as const) {
      const got = value(tag, path);
      if (expected instanceof Error) expect(got, tag).toBe(err(tag, path)(expected.message));
      else if (expected instanceof RegExp) expect(got, tag).toMatch(expected);
      else expect(got, tag).toBe(expected);
    }
  });

  it('numbers as %v prints a float64, JSON as encoding/json writes it, and the lookup errors', () => {
    // Results of jsonpath v0.1.1 with the 0.1.4+ printing (0.3.0:pkg/k8sutils/job.go generateEnvFromEvent), Go 1.19.
    const data = {
      project: 'p',
      labels: { a: 'x&y<' },
      f1: 1234567,
      f2: 0.5,
      f3: 0.00001,
      f4: 123456,
      f5: -2.5e-7,
      f6: 1e21,
      nul: null,
      arr: [1, 'a'],
      'a.b': 'dot',
    };
    const got = (path: string) => {
      const r = resolveEnv(jesFamily('0.3.0'), { name: 't', env: [{ name: 'X', value: path, valueFrom: 'event' }] }, { ...EVENT, data });
      return r.failed?.replace(/^.*valueFrom 'event': /, 'ERR: ') ?? r.env.X;
    };
    expect(['$.data.f1', '$.data.f2', '$.data.f3', '$.data.f4', '$.data.f5', '$.data.f6'].map(got)).toEqual([
      '1.234567e+06',
      '0.5',
      '1e-05',
      '123456',
      '-2.5e-07',
      '1e+21',
    ]);
    expect(got('$.data.labels')).toBe('{"a":"x\\u0026y\\u003c"}');
    expect(got('$.data')).toBe(
      '{"a.b":"dot","arr":[1,"a"],"f1":1234567,"f2":0.5,"f3":0.00001,"f4":123456,"f5":-2.5e-7,"f6":1e+21,"labels":{"a":"x\\u0026y\\u003c"},"nul":null,"project":"p"}',
    );
    expect(got('$.data.nul')).toBe('<nil>');
    expect(got('$.data.arr[0]')).toBe('1');
    expect(got('$.data["a.b"]')).toBe('dot');
    expect(got('$.data.arr[5]')).toBe('ERR: index 5 out of bounds');
    expect(got('$.data.arr[-1]')).toBe('ERR: index -1 out of bounds');
    expect(got('$.data.labels[0]')).toBe('ERR: unknown key 0');
    for (const [path, type] of [
      ['$.data.project.x', 'string'],
      ['$.time.x', 'time.Time'],
      ['$.type.x', '*string'],
    ]) {
      expect(got(path)).toBe(`ERR: unsupported value type ${type} for select, expected map[string]interface{} or []interface{}`);
    }
  });

  it('as: json from 0.1.4 on: values in JSON, pointers followed', () => {
    expect(value('0.3.0', '$.type', 'json')).toBe('"sh.keptn.event.test.triggered"');
    expect(value('0.3.0', '$.source', 'JSON')).toBe('"shipyard-controller"');
    expect(value('0.3.0', '$.time', 'json')).toBe('"2022-09-01T10:00:00Z"');
    expect(value('0.1.4', '$.data.arr', 'json')).toBe('[1,"a"]');
    expect(value('0.1.4', '$.data.project', 'string')).toBe('p');
  });

  it('0.2.4–0.2.5 have the event gitcommitid; 0.1.3 no type or specversion', () => {
    expect(value('0.2.4', '$.gitcommitid')).toBe('abc');
    expect(value('0.2.3', '$.gitcommitid')).toBe(err('0.2.3', '$.gitcommitid')('unknown key gitcommitid'));
    expect(value('0.1.3', '$.specversion')).toBe(err('0.1.3', '$.specversion')('unknown key specversion'));
  });

  it('the job env: the task entries, then KEPTN_PROJECT/STAGE/SERVICE, and LABELS_<KEY> from 0.1.8', () => {
    const task: JobConfigTask = { name: 't', env: [{ name: 'E', value: 'x', valueFrom: 'string' }] };
    expect(resolveEnv(jesFamily('0.1.7'), task, EVENT).env).toEqual({
      E: 'x',
      KEPTN_PROJECT: 'p',
      KEPTN_STAGE: 'dev',
      KEPTN_SERVICE: 'svc',
    });
    expect(resolveEnv(jesFamily('0.1.8'), task, EVENT).env).toEqual({
      E: 'x',
      KEPTN_PROJECT: 'p',
      KEPTN_STAGE: 'dev',
      KEPTN_SERVICE: 'svc',
      LABELS_MY_LABEL: 'v',
    });
    expect(resolveEnv(jesFamily('0.3.0'), { name: 't', env: [{ name: 'E', valueFrom: 'file' }] }, EVENT).failed).toBe(
      'could not add env with name E, unknown valueFrom file',
    );
  });

  it('JSON paths outside the modelled subset are refused, not guessed at', () => {
    for (const path of ['$..project', '$.data.*', '$.data[?(@.x)]', '$.data.arr[0:1]'])
      expect(() => jsonPathGet(path, {}), path).toThrow(/outside the modelled subset/);
  });

  const action = (name: string, event: object, silent = false) => ({
    name,
    silent,
    events: [{ name: 'sh.keptn.event.test.triggered', ...event }],
    tasks: [{ name: 't', image: 'alpine' }],
  });
  const runs = (tag: string, actions: JobConfig['actions'], event = EVENT) =>
    actionsRun(jesFamily(tag), { apiVersion: 'v2', actions }, event).actions.map((a) => a.name);

  it('an event matches by an unanchored regular expression on the type and a string jsonpath match on the whole event', () => {
    const on = (name: string, jsonpath?: object) =>
      runs('0.2.2', [{ ...action('a', {}), events: [{ name, ...(jsonpath ? { jsonpath } : {}) }] } as any]);
    expect(on('sh.keptn.event.*.triggered')).toEqual(['a']);
    expect(on('test.triggered')).toEqual(['a']);
    expect(on('sh.keptn.event.[')).toEqual([]);
    expect(on('sh.keptn.event.test.finished')).toEqual([]);
    expect(on('test', { property: '$.data.test.teststrategy', match: 'performance' })).toEqual(['a']);
    expect(on('test', { property: '$.data.test.teststrategy', match: 'functional' })).toEqual([]);
    // A number never equals a string; a lookup error is no match.
    expect(on('test', { property: '$.data.num', match: '3' })).toEqual([]);
    expect(on('test', { property: '$.data.none', match: 'x' })).toEqual([]);
    // At 0.3.0 the type is a *string: never equal to a string.
    expect(runs('0.2.2', [action('a', { jsonpath: { property: '$.type', match: EVENT.type } })])).toEqual(['a']);
    expect(runs('0.3.0', [action('a', { jsonpath: { property: '$.type', match: EVENT.type } })])).toEqual([]);
  });

  it('the first matching action to 0.2.0, every one from 0.2.1, and at 0.3.0 every one up to the first non-silent', () => {
    const three = [action('silent', {}, true), action('loud', {}), action('later', {})];
    expect(runs('0.2.0', three)).toEqual(['silent']);
    expect(runs('0.2.1', three)).toEqual(['silent', 'loud', 'later']);
    expect(runs('0.3.0', three)).toEqual(['silent', 'loud']);
    expect(runs('0.1.3', three, { ...EVENT, type: 'sh.keptn.event.test.finished' })).toEqual([]);
  });

  it('files: by prefix to 0.2.3, the file or else the folder from 0.2.4', () => {
    const uploaded = ['locust.conf', 'locust/basic.py', 'locustfile.py'];
    expect(mountedFiles(jesFamily('0.1.3'), ['locust'], uploaded).copied.sort()).toEqual([
      'locust.conf',
      'locust/basic.py',
      'locustfile.py',
    ]);
    expect(mountedFiles(jesFamily('0.2.3'), ['/locust/'], uploaded).copied).toEqual(['locust/basic.py']);
    expect(mountedFiles(jesFamily('0.3.0'), ['locust'], uploaded).copied).toEqual(['locust/basic.py']);
    expect(mountedFiles(jesFamily('0.3.0'), ['locust.conf'], uploaded).copied).toEqual(['locust.conf']);
    expect(mountedFiles(jesFamily('0.3.0'), ['loc'], uploaded).missing).toEqual(['loc']);
  });

  it("the version table's job-executor facts agree with the family model", () => {
    for (const minor of KEPTN_MINORS) {
      const jes = keptnVersion(minor)!.jobExecutor;
      const family = jesFamily(jes.version);
      expect(jes.eventJson, minor).toBe(family.print === 'json-maps');
      expect(jes.labels, minor).toBe(family.labels);
      expect(jes.readOnlyRootFilesystem, minor).toBe(family.readOnlyRoot);
    }
  });
});

describe.concurrent('what a job writes, against where its job-executor-service release lets it write', () => {
  /** A fresh project whose job/config.yaml (and job files) are changed, and its problems as the release runs it. */
  async function changed(answers: Answers, keptn: string, change: (task: JobConfigTask, dir: string) => void) {
    const { dir, blueprint } = await generateJob(answers, keptn);
    const config = readConfig(dir);
    for (const task of config.actions.flatMap((a) => a.tasks)) change(task, dir);
    writeFileSync(join(dir, CONFIG), stringify(config));
    return jobProjectProblems(dir, blueprint).join('\n');
  }
  const dropEnv =
    (...names: string[]) =>
    (task: JobConfigTask) => {
      if (!names.every((n) => task.env?.some((e) => e.name === n)))
        throw new Error(`the mutation target is gone: ${names} in ${task.name}`);
      task.env = task.env?.filter((e) => !names.includes(e.name));
    };
  const JMETER = { kind: 'test-tool', 'test-tool': 'jmeter', name: 'job-jmeter' };

  it('writes only into /keptn: the security context per release family (read-only root filesystem from 0.2.0)', () => {
    expect(JES_FAMILIES.map((f) => [f.name, f.readOnlyRoot])).toEqual([
      ['0.1.3', false],
      ['0.1.4', false],
      ['0.1.5–0.1.7', false],
      ['0.1.8', false],
      ['0.2.0', true],
      ['0.2.1–0.2.3', true],
      ['0.2.4–0.2.5', true],
      ['0.3.0', true],
    ]);
    for (const family of JES_FAMILIES) {
      expect(writable(family, '/keptn/results.jtl')).toBe(true);
      expect(writable(family, '/tmp/x')).toBe(!family.readOnlyRoot);
      expect(writable(family, '/opt/apache-jmeter-5.5/jmeter.log')).toBe(false);
      expect(writable(family, '/keptnx')).toBe(false);
    }
  });

  it("JMeter without JVM_ARGS: the JVM's temp dir and perf data in /tmp fail from 0.2.0 (0.3.0), the heap dump fits no release's volume", async () => {
    const late = await changed(JMETER, '1.4', dropEnv('JVM_ARGS'));
    expect(late).toMatch(
      /0\.3\.0, task "jmeter-functional": the JVM's temp dir \(java\.io\.tmpdir\) goes to \/tmp, outside \/keptn: its root filesystem is read-only/,
    );
    expect(late).toMatch(/the JVM's perf data .* goes to \/tmp\/hsperfdata_1000, outside \/keptn: its root filesystem is read-only/);
    expect(late).toMatch(
      /the JVM's heap dump on OutOfMemoryError \(up to 256Mi\) goes to \/keptn\/java_pid1\.hprof, more than the 20Mi of \/keptn: the pod is evicted/,
    );
    const early = await changed(JMETER, '0.12', dropEnv('JVM_ARGS'));
    expect(early).not.toMatch(/goes to \/tmp/);
    expect(early).toMatch(/0\.1\.8, task "jmeter-functional": the JVM's heap dump/);
  });

  it("JMeter without HEAP: bin/jmeter's 1g heap does not fit the job's 512Mi", async () => {
    expect(await changed(JMETER, '1.4', dropEnv('HEAP'))).toMatch(
      /JMeter's heap of up to 1g \(-Xmx\) leaves too little of the job's 512Mi memory limit/,
    );
    // A task that asks for more memory may keep the default.
    expect(await changed(JMETER, '1.4', (task) => (dropEnv('HEAP')(task), (task.resources = { limits: { memory: '2Gi' } })))).not.toMatch(
      /heap/,
    );
  });

  it('a relative output without workingDir goes to the image WORKDIR; with it, to /keptn', async () => {
    const k6 = { kind: 'test-tool', 'test-tool': 'k6', name: 'job-k6' };
    const summary = (task: JobConfigTask) => task.args!.splice(1, 0, '--summary-export', 'summary.json');
    expect(await changed(k6, '1.4', (task) => (summary(task), delete task.workingDir))).toMatch(
      /k6's --summary-export goes to <the image WORKDIR>\/summary\.json, outside \/keptn/,
    );
    expect(await changed(k6, '1.4', summary)).not.toMatch(/summary/);
  });

  it('a script that uses mktemp without TMPDIR fails from 0.2.0, or ~ without HOME in every release', async () => {
    const custom = { kind: 'test-tool', name: 'job-checks' };
    const script = (line: string) => (task: JobConfigTask, dir: string) =>
      appendFileSync(join(dir, 'keptn/resources', task.files![0]), `\n${line}\n`);
    const mktemp = script('tmp=$(mktemp) && rm -f "$tmp"');
    expect(await changed(custom, '1.4', (task, dir) => (mktemp(task, dir), dropEnv('TMPDIR')(task)))).toMatch(
      /mktemp \(TMPDIR\) goes to \/tmp, outside \/keptn: its root filesystem is read-only/,
    );
    expect(await changed(custom, '0.12', (task, dir) => (mktemp(task, dir), dropEnv('TMPDIR')(task)))).not.toMatch(/mktemp/);
    expect(await changed(custom, '1.4', mktemp)).not.toMatch(/mktemp/);
    const home = script('echo done > ~/last-run');
    expect(await changed(GENERIC, '0.8', (task, dir) => (home(task, dir), dropEnv('HOME')(task)))).toMatch(
      /a redirection \(> ~\/last-run\) goes to <the home of uid 1000 in the image, or \/>\/last-run, outside \/keptn/,
    );
    expect(await changed(GENERIC, '0.8', home)).not.toMatch(/last-run/);
  });

  it("run in the release's pod (uid 1000, read-only root from 0.2.0): mktemp fails in /tmp from 0.2.0 on, and works with the TMPDIR the config sets", async () => {
    const run = async (keptn: string, keepTmpdir: boolean) => {
      const { dir, blueprint } = await generateJob(
        { ...GENERIC, name: `jes-pod-${keptn.replace('.', '-')}-${keepTmpdir ? 'tmpdir' : 'no-tmpdir'}` },
        keptn,
      );
      const script = join(dir, 'keptn/resources', blueprint.jobActions[0].tasks[0].files[0]);
      writeFileSync(
        script,
        readFileSync(script, 'utf8').replace('set -eu\n', 'set -eu\ntmp=$(mktemp)\necho "$(id -u) wrote $tmp"\nrm -f "$tmp"\n'),
      );
      const config = readConfig(dir);
      if (!keepTmpdir) for (const task of config.actions.flatMap((a) => a.tasks)) dropEnv('TMPDIR')(task);
      writeFileSync(join(dir, CONFIG), stringify(config));
      const family = jesFamily(blueprint.keptn.jobExecutor.version);
      const event = shipyardTrigger(blueprint, 'db-migrate');
      const task = actionsRun(family, config, event).actions[0].tasks[0];
      return (await runJobTask(dir, family, task, event)).run!;
    };
    const [late, early, kept] = await Promise.all([run('1.4', false), run('0.12', false), run('1.4', true)]);
    expect(late.exitCode, late.all).not.toBe(0);
    expect(late.all).toMatch(/Read-only file system/);
    expect(early.exitCode, early.all).toBe(0);
    expect(early.stdout).toMatch(/^1000 wrote \/tmp\/tmp\./);
    expect(kept.exitCode, kept.all).toBe(0);
    expect(kept.stdout).toMatch(/^1000 wrote \/srv\/tmp\./);
  });

  it.each(['0.12', '1.4'])(
    "Locust's job for Keptn %s, run by Debian's Locust in the release's pod, passes against a healthy service and writes only into /keptn",
    async (keptn) => {
      await need('locust', 'python3-locust');
      const { dir, blueprint } = await project({ kind: 'test-tool', 'test-tool': 'locust', name: 'job-locust' }, keptn);
      const family = jesFamily(blueprint.keptn.jobExecutor.version);
      const svc = createServer((_req, res) => res.writeHead(200).end('ok'));
      await new Promise<void>((resolve) => svc.listen(0, '127.0.0.1', resolve));
      try {
        const event = shipyardTrigger(blueprint, 'test');
        event.data.deployment.deploymentURIsLocal = [`http://127.0.0.1:${(svc.address() as AddressInfo).port}/`];
        const task = actionsRun(family, readConfig(dir), event).actions[0].tasks[0];
        // The functional test's 15 s, shortened: the run is the point, not its length.
        task.args = task.args!.map((a, i, all) => (all[i - 1] === '--run-time' ? '3s' : a));
        const { run } = await runJobTask(dir, family, task, event);
        expect(run!.exitCode, run!.all).toBe(0);
        expect(run!.all).toMatch(/Aggregated\s+\d+\s+0\(0\.00%\)/);
        expect(run!.all).not.toMatch(/Read-only file system|Permission denied/);
      } finally {
        svc.close();
      }
    },
  );

  it('a program the model does not know is a problem, not a pass', async () => {
    expect(await changed(JMETER, '1.4', (task) => (task.args = [`${task.args![0]} && gzip /keptn/results.jtl`]))).toMatch(
      /what gzip writes is not modelled/,
    );
  });
});

describe.concurrent.each(CASES)('$what as a job-executor definition for Keptn $keptn: its README', ({ answers, keptn }) => {
  it('says where its job may write, as its job-executor-service release has it', async () => {
    const { dir, blueprint } = await project(answers, keptn);
    const family = jesFamily(blueprint.keptn.jobExecutor.version);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8').replace(/\n/g, ' ');
    expect(readme).toContain(`job-executor-service ${blueprint.keptn.jobExecutor.version} runs it as uid ${JOB_POD.uid}`);
    if (family.readOnlyRoot) expect(readme).toMatch(/with a read-only root filesystem .*, so `\/keptn` is the only folder it can write in/);
    else expect(readme).toMatch(/its root filesystem as the image has it \(read-only from release 0\.2\.0 on\)/);
    expect(readme).toContain(`an emptyDir of at most ${JOB_POD.volumeLimitMi}Mi`);
    for (const task of readConfig(dir).actions.flatMap((a) => a.tasks)) expect(task.workingDir).toBe(JOB_POD.volume);
  });
});

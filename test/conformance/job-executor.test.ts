// The job-executor runtime: every test tool and the generic kind for both Keptn targets, checked
// by the job executor's own rules, and the scripts it would run, run here.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { resolveAnswers, type Answers } from '../../src/answers.js';
import { TEST_TOOLS } from '../../src/kinds/test-tools.js';
import { generateFrom, VERSIONS } from '../helpers.js';
import { definitionProblems, jobConfigProblems, jobProjectProblems } from './job-executor.js';
import { scriptProblems, shipyardProblems } from './keptn-files.js';
import { need } from './tools.js';

const PROJECTS: { what: string; answers: Answers }[] = [
  ...TEST_TOOLS.map((t) => ({ what: `test-tool ${t.id}`, answers: { kind: 'test-tool', 'test-tool': t.id, name: `job-${t.id}` } })),
  // A task name with '-' needs brackets in the job executor's JSON paths.
  { what: 'test-tool k6 for task load-test', answers: { kind: 'test-tool', 'test-tool': 'k6', task: 'load-test', name: 'job-load' } },
  { what: 'generic', answers: { kind: 'generic', task: 'db-migrate', events: 'sh.keptn.event.db-migrate.triggered,sh.keptn.event.db-backup.triggered', name: 'job-generic' } },
];
const CASES = PROJECTS.flatMap((p) => VERSIONS.map((keptn) => ({ ...p, keptn })));

const generateJob = async (answers: Answers, keptn: string) => generateFrom(await resolveAnswers({ ...answers, keptn, runtime: 'job-executor' }));

describe.concurrent.each(CASES)('$what as a job-executor definition for Keptn $keptn', ({ answers, keptn }) => {
  it('has a job/config.yaml the job executor accepts, whose files are uploaded and exist', async () => {
    const { dir, spec } = await generateJob(answers, keptn);
    expect(jobProjectProblems(dir, spec)).toEqual([]);
  });

  it('has test definitions and scripts that their own checkers accept', { timeout: 60_000 }, async () => {
    const { dir, spec } = await generateJob(answers, keptn);
    const files = spec.resources.map((r) => r.uri).filter((uri) => uri !== 'job/config.yaml');
    expect(files.length).toBeGreaterThan(0);
    for (const uri of files) expect(await definitionProblems(dir, uri)).toEqual([]);
  });

  it('has a valid shipyard and an add-resources.sh that uploads it all', { timeout: 30_000 }, async () => {
    const { dir, spec } = await generateJob(answers, keptn);
    expect(shipyardProblems(dir, spec)).toEqual([]);
    expect(await scriptProblems(dir, spec)).toEqual([]);
  });

  it("tells how to install the job executor subscribed to the integration's events", async () => {
    const { dir, spec } = await generateJob(answers, keptn);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const version = spec.keptn.jobExecutor.version;
    if (spec.keptn.jobExecutor.install === 'helm') {
      expect(readme).toContain(`releases/download/${version}/job-executor-service-${version}.tgz`);
      expect(readme).toContain(`remoteControlPlane.topicSubscription=${spec.subscriptions.length > 1 ? `'${spec.subscriptions.join('\\,')}'` : spec.subscriptions[0]}`);
    } else {
      expect(readme).toContain(`job-executor-service/${version}/deploy/service.yaml`);
      expect(readme).toContain(`PUBSUB_TOPIC=${spec.subscriptions.join(',')}`);
    }
  });
});

describe('the job config schema', () => {
  const valid = () => ({
    apiVersion: 'v2',
    actions: [{ name: 'a', events: [{ name: 'sh.keptn.event.test.triggered' }], tasks: [{ name: 't', image: 'alpine', cmd: ['true'] }] }],
  });

  it('accepts the format of the job executor docs', () => {
    expect(jobConfigProblems(valid())).toEqual([]);
  });

  it('rejects what the job executor rejects: unknown fields, another apiVersion, a bad env source', () => {
    const unknown = valid();
    (unknown.actions[0].tasks[0] as Record<string, unknown>).command = ['true'];
    expect(jobConfigProblems(unknown)).toEqual(['job/config.yaml/actions/0/tasks/0 must NOT have additional properties: command']);
    expect(jobConfigProblems({ ...valid(), apiVersion: 'v1' })[0]).toMatch(/apiVersion must be equal to one of the allowed values/);
    const { apiVersion: _, ...none } = valid();
    expect(jobConfigProblems(none)[0]).toMatch(/must have required property 'apiVersion'/);
    const env = valid();
    (env.actions[0].tasks[0] as Record<string, unknown>).env = [{ name: 'X', value: '$.data', valueFrom: 'env' }];
    expect(jobConfigProblems(env)[0]).toMatch(/valueFrom must be equal to one of the allowed values/);
  });
});

describe('the job scripts, run as the job would run them', () => {
  async function target(status: number) {
    const server = createServer((_req, res) => res.writeHead(status).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
  }

  it('custom test-tool: run-tests.sh passes against a healthy service and fails against a broken one', async () => {
    await need('curl', 'curl');
    const { dir, spec } = await generateJob({ kind: 'test-tool', name: 'job-checks' }, '1.0');
    const script = join(dir, 'keptn/resources', spec.resources[1].uri);
    for (const [status, exitCode, says] of [
      [200, 0, /1 of 1 HTTP checks passed/],
      [500, 1, /FAILED: .* answered 500, expected 200/],
    ] as const) {
      const svc = await target(status);
      const run = await execa('sh', [script], { reject: false, all: true, env: { TARGET_URL: svc.url } });
      svc.close();
      expect(run.exitCode, run.all).toBe(exitCode);
      expect(run.all).toMatch(says);
    }
  });

  it('generic: run.sh does the work of each task it is run for', async () => {
    const { dir, spec } = await generateJob(PROJECTS.at(-1)!.answers, '1.0');
    const script = join(dir, 'keptn/resources', spec.resources[1].uri);
    const env = { KEPTN_PROJECT: 'sockshop', KEPTN_STAGE: 'dev', KEPTN_SERVICE: 'carts' };
    const task = await execa('sh', [script], { env: { ...env, EVENT_TYPE: 'sh.keptn.event.db-migrate.triggered' } });
    expect(task.stdout).toBe('db-migrate for sockshop/dev/carts');
    const backup = await execa('sh', [script], { env: { ...env, EVENT_TYPE: 'sh.keptn.event.db-backup.triggered' } });
    expect(backup.stdout).toBe('db-backup for sockshop/dev/carts');
  });
});

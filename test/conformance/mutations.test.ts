// Checks that cannot fail prove nothing: break a template on purpose and the checks must say so.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/answers.js';
import { changedTemplates, generate, generateFrom, linkDependencies } from '../helpers.js';
import { chartProblems } from './chart.js';
import { imageApp } from './image.js';
import { deliver, example, exchange, replyProblems, startService } from './contract.js';
import { definitionProblems, jobProjectProblems } from './job-executor.js';
import { commandProblems, scriptProblems, shipyardProblems } from './keptn-files.js';
import { startKeptnStub } from './keptn-stub.js';

/** A copy of the templates with one deliberate change. */
const breakTemplate = (file: string, from: string, to: string) => changedTemplates([[file, from, to]]);

const broken = (kind: string, keptn: string, file: string, from: string, to: string) =>
  generate(kind, keptn, breakTemplate(file, from, to));

describe('a broken chart is caught', () => {
  const DEPLOYMENT = 'base/chart/templates/deployment.yaml.ejs';
  it.each([
    [
      'security context indented one level too shallow',
      DEPLOYMENT,
      'toYaml .Values.securityContext | nindent 12 }}\n          ports:',
      'toYaml .Values.securityContext | nindent 10 }}\n          ports:',
      /privilege escalation allowed/,
    ],
    [
      'a probe indented by one space less',
      DEPLOYMENT,
      '          readinessProbe:',
      '         readinessProbe:',
      /does not parse|does not render/,
    ],
    [
      'a typo in the topic value',
      'base/chart/values.yaml.ejs',
      "q.yaml(subscriptions.join(','))",
      "q.yaml(subscriptions.join(',').replace('triggered', 'triggerd'))",
      /PUBSUB_TOPIC .*triggerd/,
    ],
    ['a typo in the topic variable', DEPLOYMENT, '- name: PUBSUB_TOPIC\n', '- name: PUBSUB_TOPICS\n', /PUBSUB_TOPIC undefined/],
    [
      'the 0.8 NATS URL for every target',
      'base/chart/values.yaml.ejs',
      'pubsubUrl: <%- q.yaml(keptn.natsUrl) %>',
      'pubsubUrl: "nats://keptn-nats-cluster"',
      /PUBSUB_URL nats:\/\/keptn-nats-cluster/,
    ],
    [
      'the integration stops taking events before the distributor unsubscribes',
      DEPLOYMENT,
      'value: {{ sub $grace 1 | quote }}',
      'value: {{ sub $grace 3 | quote }}',
      /the integration takes events until 57 s, the distributor forwards them until 58 s/,
    ],
    [
      'cut-short tasks reporting after the distributor left',
      DEPLOYMENT,
      'value: {{ sub $grace 7 | quote }}',
      'value: {{ sub $grace 1 | quote }}',
      /cut-short tasks report at 59 s, too late for the distributor, which leaves at 58 s/,
    ],
    [
      'a value the schema does not know',
      'base/chart/values.schema.json.ejs',
      '"tmpSizeLimit": { "$ref": "#/definitions/quantity" },\n',
      '',
      /tmpSizeLimit: in values\.yaml, not in values\.schema\.json/,
    ],
    [
      'a schema value missing from values.yaml',
      'base/chart/values.yaml.ejs',
      'tmpSizeLimit: 256Mi\n',
      '',
      /tmpSizeLimit: in values\.schema\.json, not in values\.yaml/,
    ],
    [
      'a default the schema refuses',
      'base/chart/values.yaml.ejs',
      'terminationGracePeriodSeconds: 60',
      'terminationGracePeriodSeconds: 5',
      /defaults break values\.schema\.json: data\/terminationGracePeriodSeconds must be >= 10/,
    ],
    [
      'no writable /tmp under a read-only root',
      DEPLOYMENT,
      '          volumeMounts:\n            - name: tmp\n              mountPath: /tmp\n',
      '',
      /no writable \/tmp/,
    ],
    // Helm renders a value that does not exist as nothing (no strict mode), which leaves a null;
    // one under a map that does not exist stops the rendering.
    [
      'a value that does not exist',
      DEPLOYMENT,
      '.Values.integration.taskTimeoutSeconds',
      '.Values.integration.taskTimeout',
      /Deployment my-test-tool: spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.value is empty \(null\)/,
    ],
    [
      'a value under a map that does not exist',
      DEPLOYMENT,
      '.Values.integration.taskTimeoutSeconds',
      '.Values.integrations.taskTimeoutSeconds',
      /does not render.*nil pointer evaluating interface \{\}\.taskTimeoutSeconds/,
    ],
  ])('%s', async (_, file, from, to, message) => {
    const { dir, blueprint } = await broken('test-tool', '1.0', file, from, to);
    expect((await chartProblems(dir, blueprint)).join('\n')).toMatch(message);
  });
});

describe('a fact of the wrong Keptn release is caught', () => {
  const DEPLOYMENT = 'base/chart/templates/deployment.yaml.ejs';
  it.each([
    [
      'a release mapped to the wrong distributor registry',
      'test-tool',
      '1.4',
      'base/chart/values.yaml.ejs',
      'repository: <%- q.yaml(keptn.distributorImage) %>',
      'repository: "docker.io/keptn/distributor"',
      /distributor image docker\.io\/keptn\/distributor:1\.4\.5/,
    ],
    [
      'a resource path of the wrong side of 0.18',
      'sli-provider',
      '0.18',
      DEPLOYMENT,
      'value: <%- q.yaml(settings.CONFIGURATION_SERVICE_URL.default) %>',
      'value: "http://localhost:8081/configuration-service"',
      /CONFIGURATION_SERVICE_URL http:\/\/localhost:8081\/configuration-service/,
    ],
    [
      'PUBSUB_GROUP on 0.9',
      'generic',
      '0.9',
      DEPLOYMENT,
      '<% if (keptn.queueGroup) { -%>\n            {{- if .Values.distributor.queueGroup }}',
      '<% if (true) { -%>\n            {{- if true }}',
      /distributor 0\.9\.2 does not know PUBSUB_GROUP/,
    ],
    [
      'a remote plane subscribed to evaluation.finished',
      'notification',
      '1.4',
      'base/chart/ci/remote-control-plane-values.yaml.ejs',
      "pubsubTopic: <%- q.yaml(remoteSubscriptions.join(',')) %>",
      "pubsubTopic: <%- q.yaml(subscriptions.join(',')) %>",
      /sh\.keptn\.event\.evaluation\.finished never reaches a remote execution plane/,
    ],
  ])('%s', async (_, kind, keptn, file, from, to, message) => {
    const { dir, blueprint } = await broken(kind, keptn, file, from, to);
    expect((await chartProblems(dir, blueprint)).join('\n')).toMatch(message);
  });

  it.each([
    [
      '`keptn trigger sequence` on 0.13',
      '0.13',
      '<%- trigger %>',
      'keptn trigger sequence --sequence=<%= sequences[0].name %> --project=<%= example.project %> --stage=<%= example.stage %>',
      /Keptn 0\.13\.6 has no `keptn trigger sequence`/,
    ],
    [
      'a project created without a Git upstream on 0.16',
      '0.16',
      '<%- wiring[0] %>',
      'keptn create project <%= example.project %> --shipyard=keptn/shipyard.yaml',
      /Keptn 0\.16\.2 needs a Git upstream \(--git-user=…\)/,
    ],
  ])('%s', async (_, keptn, from, to, message) => {
    const { dir, blueprint } = await broken('generic', keptn, 'base/README.md.ejs', from, to);
    expect(commandProblems(readFileSync(join(dir, 'README.md'), 'utf8'), blueprint).join('\n')).toMatch(message);
  });
});

describe('a broken shipyard or add-resources.sh is caught', () => {
  it('a shipyard task renamed', async () => {
    const { dir, blueprint } = await broken(
      'test-tool',
      '1.0',
      'base/keptn/shipyard.yaml.ejs',
      '- name: <%- q.yaml(task.name) %>',
      "- name: <%- q.yaml(task.name + 's') %>",
    );
    expect(shipyardProblems(dir, blueprint)).toContain('shipyard has no task test');
  });

  it('a shipyard apiVersion of another Keptn release', async () => {
    const { dir, blueprint } = await broken(
      'sli-provider',
      '0.8',
      'base/keptn/shipyard.yaml.ejs',
      'apiVersion: <%- q.yaml(keptn.shipyardApiVersion) %>',
      'apiVersion: "spec.keptn.sh/0.2.3"',
    );
    expect(shipyardProblems(dir, blueprint).join()).toMatch(/apiVersion spec.keptn.sh\/0.2.3 is not spec.keptn.sh\/0.2.2/);
  });

  it('--service without --stage on Keptn 1.0', async () => {
    const { dir, blueprint } = await broken('sli-provider', '1.0', 'base/keptn/add-resources.sh.ejs', '--stage="$STAGE" ', '');
    expect((await scriptProblems(dir, blueprint)).join()).toMatch(/--service needs --stage or --all-stages/);
  });

  it('an unquoted variable (shellcheck)', async () => {
    const { dir, blueprint } = await broken(
      'sli-provider',
      '1.0',
      'base/keptn/add-resources.sh.ejs',
      '--project="$PROJECT"',
      '--project=$PROJECT',
    );
    expect((await scriptProblems(dir, blueprint)).join()).toMatch(/shellcheck: .*SC2086/);
  });

  it('a resource uploaded under another URI than the service reads', async () => {
    const { dir, blueprint } = await broken(
      'test-tool',
      '1.0',
      'base/keptn/add-resources.sh.ejs',
      '--resourceUri=<%- q.sh(r.uri) %>',
      "--resourceUri=<%- q.sh('tests/' + r.uri) %>",
    );
    expect((await scriptProblems(dir, blueprint)).join()).toMatch(/reads my-test-tool\/checks.yaml, which the script does not upload/);
  });
});

describe('a broken job-executor definition is caught', () => {
  const CONFIG = 'job-executor/keptn/resources/job/config.yaml.ejs';
  const job = async (tool: string, file: string, from: string, to: string) =>
    generateFrom(
      await resolveAnswers({ kind: 'test-tool', name: 'j', runtime: 'job-executor', 'test-tool': tool }),
      breakTemplate(file, from, to),
    );

  it.each([
    [
      'a field the job executor does not know',
      CONFIG,
      '        cmd:\n',
      '        command:\n',
      /must NOT have additional properties: command/,
    ],
    [
      'a match outside the task data',
      CONFIG,
      'property: <%- q.yaml(event.jsonpath.property) %>',
      "property: <%- q.yaml(event.jsonpath.property.replace('.data.', '.')) %>",
      /matches on \$\.test\.teststrategy, not on \$\.data\.test\./,
    ],
    [
      'a file the command uses but does not mount',
      CONFIG,
      '          - <%- q.yaml(file) %>',
      '          - <%- q.yaml(file + ".bak") %>',
      /uses \/keptn\/locust\/functional.py, which is not in its files/,
    ],
    [
      'a variable the command uses but env does not set',
      CONFIG,
      '          - name: <%- q.yaml(e.name) %>',
      '          - name: <%- q.yaml(e.name + "S") %>',
      /uses \$\(TARGET_URL\), which its env does not set/,
    ],
  ])('%s', async (_, file, from, to, message) => {
    const { dir, blueprint } = await job('locust', file, from, to);
    expect(jobProjectProblems(dir, blueprint).join('\n')).toMatch(message);
  });

  it.each([
    [
      'a Locust file that does not compile',
      'locust',
      'test-tool-locust/keptn/resources/locust/functional.py',
      'def home_page(self):',
      'def home_page(self)',
      'locust/functional.py',
      /py_compile.*SyntaxError/s,
    ],
    [
      'a k6 script that does not parse',
      'k6',
      'test-tool-k6/keptn/resources/k6/functional.js',
      'export default function () {',
      'export default function ( {',
      'k6/functional.js',
      /node --check/,
    ],
    [
      'a k6 script without thresholds',
      'k6',
      'test-tool-k6/keptn/resources/k6/performance.js',
      'thresholds: {',
      'limits: {',
      'k6/performance.js',
      /no thresholds/,
    ],
    [
      'a JMeter plan that requests another URL',
      'jmeter',
      'test-tool-jmeter/keptn/resources/jmeter/functional.jmx',
      '${__P(TARGET_URL)}',
      'http://localhost/',
      'jmeter/functional.jmx',
      /does not request TARGET_URL/,
    ],
    [
      'an Artillery script that cannot fail',
      'artillery',
      'test-tool-artillery/keptn/resources/artillery/functional.yaml',
      '  ensure:',
      '  ensured:',
      'artillery/functional.yaml',
      /no config.plugins.ensure checks/,
    ],
  ])('%s', async (_, tool, file, from, to, uri, message) => {
    const { dir } = await job(tool, file, from, to);
    expect((await definitionProblems(dir, uri)).join('\n')).toMatch(message);
  });
});

describe('a broken service is caught by the event contract', () => {
  // The first build waits for the shared dependencies to install.
  beforeAll(async () => linkDependencies((await generate('test-tool', '1.0')).dir));

  async function contractOf(file: string, from: string, to: string) {
    const { dir, blueprint } = await broken('test-tool', '1.0', file, from, to);
    await linkDependencies(dir);
    await execa('npm', ['run', 'build'], { cwd: dir });
    const stub = await startKeptnStub(join(dir, 'keptn', 'resources'));
    const service = await startService(dir, {
      EVENT_BROKER_URL: `${stub.url}/event`,
      CONFIGURATION_SERVICE_URL: `${stub.url}/resource-service`,
    });
    try {
      const raw = example('test-triggered');
      raw.data.deployment.deploymentURIsLocal = [stub.url];
      const { event, replies } = await exchange(stub, service.url, raw, 'binary', 'task').catch(async () => {
        // A service that never finishes is caught too: report what did arrive.
        const { event } = await deliver(service.url, raw, 'binary');
        return { event, replies: stub.events.map((e) => e.body) };
      });
      return replyProblems(event, replies, blueprint);
    } finally {
      await service.stop();
      await stub.close();
    }
  }

  it('a wrong triggeredid', async () => {
    const problems = await contractOf('base/src/keptn/events.ts', 'triggeredid: triggered.id,', 'triggeredid: triggered.shkeptncontext,');
    expect(problems.join('\n')).toMatch(/started: triggeredid .* is not/);
  });

  it('no .started before the work', async () => {
    const problems = await contractOf(
      'base/src/keptn/tasks.ts',
      'const started = deliver(startedReply);',
      'const started = Promise.resolve<SendError | undefined>(undefined);',
    );
    expect(problems.join('\n')).toMatch(/not .started then .finished/);
  });

  it("an unbounded failure message (caught by the project's own tests)", async () => {
    const from = 'failureMessage(`${failures.length} of ${total} HTTP checks failed${strategy}`, failures)';
    const to = "`${failures.length} of ${total} HTTP checks failed${strategy}: ${failures.join('; ')}`";
    const { dir } = await broken('test-tool', '1.4', 'test-tool-custom/src/handler.ts.ejs', from, to);
    await linkDependencies(dir);
    const run = await execa('npx', ['vitest', 'run', 'test/handler.test.ts'], {
      cwd: dir,
      reject: false,
      all: true,
      env: { CI: 'true', NO_COLOR: '1' },
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.all).toMatch(/× .*keeps the \.finished under 64 KiB when 1,100 checks fail/);
  });

  it('a type error in a generated test file: npm run typecheck, and so npm test, fail (vitest alone passes)', async () => {
    // A parameter typed number with a string default: only the type check can see it.
    const { dir } = await broken(
      'test-tool',
      '1.4',
      'base/test/keptn/service.test.ts',
      "const triggered = (task = 'my-task') =>",
      "const triggered = (task: number = 'my-task') =>",
    );
    await linkDependencies(dir);
    const env = { CI: 'true', NO_COLOR: '1' };
    const typecheck = await execa('npm', ['run', 'typecheck'], { cwd: dir, reject: false, all: true, env });
    expect(typecheck.exitCode).not.toBe(0);
    expect(typecheck.all).toMatch(
      /test\/keptn\/service\.test\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/,
    );
    const test = await execa('npm', ['test'], { cwd: dir, reject: false, all: true, env });
    expect(test.exitCode).not.toBe(0);
    expect(test.all).toContain('error TS2322');
    expect(test.all).not.toMatch(/Test Files/);
    const vitest = await execa('npx', ['vitest', 'run', 'test/keptn/service.test.ts'], { cwd: dir, reject: false, all: true, env });
    expect(vitest.exitCode, vitest.all).toBe(0);
  });

  it('development code in the image: a .dockerignore that lets src/dev/ in', async () => {
    const { dir } = await broken('generic', '1.4', 'base/dot-dockerignore', 'src/dev\n', '');
    await linkDependencies(dir);
    const { files } = await imageApp(dir);
    expect(files).toEqual(expect.arrayContaining(['dist/dev/dev.js', 'dist/dev/dev-broker.js', 'dist/dev/send-event.js']));
  });

  it('a result outside the spec', async () => {
    const problems = await contractOf(
      'test-tool-custom/src/handler.ts.ejs',
      "result: report.passed ? 'pass' : 'fail'",
      "result: report.passed ? 'passed' as never : 'fail'",
    );
    expect(problems.join('\n')).toMatch(/test-finished schema|result passed/);
  });
});

describe("a broken SLI provider is caught by the project's own tests", () => {
  const SLI = 'sli-provider/keptn/resources/[sli-provider]/sli.yaml.ejs';
  const HANDLER = 'sli-provider/src/handler.ts.ejs';
  it.each([
    // Prometheus has no series for the failed requests of a healthy service (issue 20).
    ["error_rate without 'or vector(0)'", SLI, ' or vector(0))', ')', /× .*gives each objective a value on a healthy service/],
    [
      'succeeded when no value could be retrieved',
      HANDLER,
      "return { status: 'errored', result: 'fail', message: `no indicator",
      "return { result: 'fail', message: `no indicator",
      /× .*answers errored with the reason when the metrics backend is down/,
    ],
    [
      'label text put into a query unescaped',
      HANDLER,
      '    return value.replace(',
      '    return value;\n    value.replace(',
      /× .*fills slo\.yaml's filters and the event's labels into the queries, escaped/,
    ],
  ])('%s', async (_, file, from, to, message) => {
    const { dir } = await broken('sli-provider', '1.4', file, from, to);
    await linkDependencies(dir);
    const run = await execa('npx', ['vitest', 'run', 'test/handler.test.ts'], {
      cwd: dir,
      reject: false,
      all: true,
      env: { CI: 'true', NO_COLOR: '1' },
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.all).toMatch(message);
  });
});

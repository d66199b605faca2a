// The whole promise, for every kind and both Keptn targets: generate non-interactively, install,
// build, pass the project's own tests, then run the service as a real process and hold what it
// says to Keptn's event contract, on the spec's example events, in both HTTP modes, and on the
// failure paths.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { keptnVersion } from '../../src/keptn-versions.js';
import { toBlueprint, type Blueprint } from '../../src/blueprint.js';
import { example, exchange, replyProblems, startService, type Expectation } from '../conformance/contract.js';
import { uploadedUris } from '../conformance/keptn-files.js';
import { evaluate, getSliRequest, LIGHTHOUSE_TAGS, reasonShown, type Evaluation, type LighthouseTag } from '../conformance/lighthouse.js';
import { startKeptnStub } from '../conformance/keptn-stub.js';
import { need } from '../conformance/tools.js';
import { EXTRA, SERVICE_COMBINATIONS } from '../helpers.js';
import { cli, tempDir } from '../run.js';

type Stub = Awaited<ReturnType<typeof startKeptnStub>>;

interface Scenario {
  what: string;
  event: (stub: Stub, dir: string) => any;
  mode?: 'binary' | 'structured';
  expect: Expectation;
  /** For tasks: the .finished status and result; for listeners: text in the message. */
  outcome?: { status: string; result: string; message?: RegExp };
  setup?: (stub: Stub, dir: string) => void;
  /** For an SLI provider: what Keptn's lighthouse makes of the .finished with the generated slo.yaml (a problem, or nothing). */
  lighthouse?: (evaluation: Evaluation, tag: LighthouseTag, finished: any) => string | undefined;
  /** Text that must not appear in the message posted (listeners). */
  notPosted?: string[];
}

const withData = (raw: any, data: Record<string, unknown>) => ({ ...raw, data: { ...raw.data, ...data } });
const own = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, 'test-events', file), 'utf8'));

/** Replaces the custom test-tool's checks with `n` that fail (paths the stub answers 404). */
const manyChecks = (blueprint: Blueprint, n: number) => (_: Stub, dir: string) => {
  const checks = Array.from({ length: n }, (_, i) => `  - path: /missing-${i}\n    expectStatus: 200\n`).join('');
  writeFileSync(join(dir, 'keptn/resources', blueprint.resources[0].uri), `checks:\n${checks}`);
};

/** What each kind is sent, and what it must answer. */
function scenarios(blueprint: Blueprint): Scenario[] {
  const a = blueprint.answers;
  switch (blueprint.kind.id) {
    case 'test-tool': {
      const test = (uris: string[]) => (stub: Stub) =>
        withData(example('test-triggered'), { deployment: { deploymentURIsLocal: uris.map((u) => u.replace('STUB', stub.url)) } });
      // The custom checks name the URL; a tool reports its failed requests.
      const unreachable = (url: string) =>
        a['test-tool'] === 'custom' ? new RegExp(`${url}.*unreachable`) : /: \d+ requests, [1-9]\d* failed/;
      return [
        {
          what: 'the spec example, service under test up (binary)',
          event: test(['STUB']),
          expect: 'task',
          outcome: { status: 'succeeded', result: 'pass' },
        },
        {
          what: 'the spec example, service under test up (structured)',
          event: test(['STUB']),
          mode: 'structured',
          expect: 'task',
          outcome: { status: 'succeeded', result: 'pass' },
        },
        {
          what: 'the spec example as published (cluster URL unreachable)',
          event: () => example('test-triggered'),
          expect: 'task',
          outcome: { status: 'succeeded', result: 'fail', message: unreachable('') },
        },
        {
          what: 'the service under test down',
          event: test(['http://127.0.0.1:9']),
          expect: 'task',
          outcome: { status: 'succeeded', result: 'fail', message: unreachable('127.0.0.1:9') },
        },
        {
          what: 'its test definition missing from Keptn',
          event: test(['STUB']),
          expect: 'task',
          setup: (s) => (s.faults.resourcesMissing = true),
          outcome: { status: 'errored', result: 'fail', message: /not found/ },
        },
        { what: 'another task', event: () => example('deployment-triggered'), expect: 'ignore' },
        // 1,100 failing checks once made a 116 KiB .finished, which the distributor refuses (0.17 on).
        ...(a['test-tool'] === 'custom'
          ? [
              {
                what: 'a report of 1,100 failed checks',
                event: test(['STUB']),
                expect: 'task' as const,
                setup: manyChecks(blueprint, 1100),
                outcome: { status: 'succeeded', result: 'fail', message: /^1100 of 1100 HTTP checks failed.*… and \d+ more/s },
              },
            ]
          : []),
      ];
    }
    case 'sli-provider': {
      const ours = () =>
        withData(example('get-sli-triggered'), {
          'get-sli': { ...example('get-sli-triggered').data['get-sli'], sliProvider: a['sli-provider'] },
        });
      // What the lighthouse asks for with the generated slo.yaml.
      const asLighthouse = (_: Stub, dir: string) =>
        withData(ours(), {
          'get-sli': { ...ours().data['get-sli'], ...getSliRequest(readFileSync(join(dir, 'keptn/resources/slo.yaml'), 'utf8')) },
        });
      const passes = (e: Evaluation) => (e.result === 'pass' && e.score === 100 ? undefined : `${e.result} with ${e.score}: ${e.message}`);
      // The service's reason (its message after the colon) reaches the user.
      const showsReason = (e: Evaluation, _: LighthouseTag, finished: any) => {
        const reason = String(finished.message).replace(/^[^:]*: /, '');
        return reasonShown(e, reason) ? undefined : `${JSON.stringify(reason)} is not shown: ${JSON.stringify(e)}`;
      };
      return [
        // The example asks for request_latency_p95, which the generated sli.yaml has no query for.
        {
          what: 'the spec example for its provider (binary)',
          event: ours,
          expect: 'task',
          outcome: { status: 'succeeded', result: 'warning', message: /no query for request_latency_p95/ },
        },
        {
          what: 'the spec example for its provider (structured)',
          event: ours,
          mode: 'structured',
          expect: 'task',
          outcome: { status: 'succeeded', result: 'warning' },
        },
        {
          what: 'a healthy service (no failed request) evaluated with its slo.yaml',
          event: asLighthouse,
          expect: 'task',
          outcome: { status: 'succeeded', result: 'pass' },
          lighthouse: passes,
        },
        {
          what: 'failed requests: the key SLI fails, named',
          event: asLighthouse,
          expect: 'task',
          setup: (s) => (s.faults.failedRequests = true),
          outcome: { status: 'succeeded', result: 'pass' },
          lighthouse: (e, tag) =>
            e.result !== 'fail'
              ? `${e.result}: ${e.message}`
              : tag === '1.4.5' && !/key_sli objective 'Error rate'/.test(e.message)
                ? e.message
                : undefined,
        },
        {
          what: 'a query Prometheus refuses',
          event: asLighthouse,
          expect: 'task',
          setup: (s) => (s.faults.badQuery = true),
          outcome: { status: 'succeeded', result: 'warning', message: /response_time_p95: .*HTTP 400 .*bad_data: 1:1: parse error/ },
        },
        {
          what: 'the metrics backend down',
          event: asLighthouse,
          expect: 'task',
          setup: (s) => (s.faults.metricsDown = true),
          outcome: {
            status: 'errored',
            result: 'fail',
            message: /^no indicator could be retrieved: metrics backend http:\/\/127\.0\.0\.1:\d+ unreachable: \w+$/,
          },
          lighthouse: showsReason,
        },
        {
          what: 'sli.yaml missing from Keptn',
          event: ours,
          expect: 'task',
          setup: (s) => (s.faults.resourcesMissing = true),
          outcome: { status: 'errored', result: 'fail', message: /not found/ },
        },
        { what: 'the spec example as published (provider dynatrace)', event: () => example('get-sli-triggered'), expect: 'ignore' },
        { what: 'another task', event: () => example('test-triggered'), expect: 'ignore' },
      ];
    }
    case 'notification':
      return [
        {
          what: 'the spec example evaluation.finished (binary)',
          event: () => example('evaluation-finished'),
          expect: 'listen',
          outcome: { status: '', result: '', message: /evaluation finished/ },
        },
        {
          what: 'the spec example approval.triggered (structured)',
          event: () => example('approval-triggered'),
          mode: 'structured',
          expect: 'listen',
          outcome: { status: '', result: '', message: /approval triggered/ },
        },
        { what: 'an event it is not subscribed to', event: () => example('test-triggered'), expect: 'ignore' },
        // Slack reads <…> as a mention or a link in any text (https://api.slack.com/reference/surfaces/formatting).
        ...(a.webhook === 'slack'
          ? [
              {
                what: 'an evaluation.finished whose message pings the channel and forges a link',
                event: () =>
                  withData(example('evaluation-finished'), {
                    message: '<!channel> see <https://evil.example|Keptn Bridge>',
                    labels: { build: '<!here>' },
                  }),
                expect: 'listen' as const,
                outcome: { status: '', result: '', message: /evaluation finished/ },
                notPosted: ['<!channel>', '<!here>', '<https://evil.example|'],
              },
            ]
          : []),
      ];
    default:
      return [
        {
          what: 'its own task (binary)',
          event: (_, dir) => own(dir, blueprint.sampleEvent),
          expect: 'task',
          outcome: { status: 'succeeded', result: 'pass' },
        },
        {
          what: 'its own task (structured)',
          event: (_, dir) => own(dir, blueprint.sampleEvent),
          mode: 'structured',
          expect: 'task',
          outcome: { status: 'succeeded', result: 'pass' },
        },
        { what: 'another task', event: () => example('rollback-triggered'), expect: 'ignore' },
      ];
  }
}

/** Every kind for the releases where the contract changes, and a test tool that runs a real program (Debian's Locust). */
const PROJECTS = [
  ...SERVICE_COMBINATIONS.map((c) => ({ ...c, title: `${c.kind} for Keptn ${c.keptn}`, extra: EXTRA[c.kind] })),
  { kind: 'test-tool', keptn: '1.4', title: 'test-tool --test-tool locust for Keptn 1.4', extra: { 'test-tool': 'locust' } },
];

describe.concurrent('generated projects', () => {
  it.each(PROJECTS.map((p) => [p.title, p] as const))(
    '%s: installs, builds, passes its tests, and keeps the event contract',
    async (_, { kind, keptn, extra }) => {
      if (extra['test-tool'] === 'locust') await need('locust', 'python3-locust');
      const cwd = tempDir();
      const name = `e2e-${kind}`;
      const flags = Object.entries(extra).flatMap(([k, v]) => [`--${k}`, v]);
      const gen = await cli([name, '--kind', kind, '--keptn', keptn, ...flags, '--yes', '--no-git'], { cwd });
      expect(gen.exitCode, `generate:\n${gen.all}`).toBe(0);
      const dir = join(cwd, name);
      const blueprint = toBlueprint(JSON.parse(readFileSync(join(dir, '.keptn-integration.json'), 'utf8')).answers);

      const build = await execa('npm', ['run', 'build'], { cwd: dir, reject: false, all: true });
      expect(build.exitCode, `npm run build:\n${build.all}`).toBe(0);
      const test = await execa('npm', ['test'], { cwd: dir, reject: false, all: true, env: { CI: 'true', NO_COLOR: '1' } });
      expect(test.exitCode, `npm test:\n${test.all}`).toBe(0);
      expect(test.all).toMatch(/Tests\s+\d+ passed/);

      const version = keptnVersion(keptn)!;
      const limit = version.maxPayloadKB && version.maxPayloadKB * 1024;
      const stub = await startKeptnStub(join(dir, 'keptn', 'resources'), limit);
      const service = await startService(dir, {
        EVENT_BROKER_URL: `${stub.url}/event`,
        CONFIGURATION_SERVICE_URL: `${stub.url}${version.resourceServicePath}`,
        WEBHOOK_URL: `${stub.url}/webhook`,
        METRICS_URL: stub.url,
        TEST_REQUEST_TIMEOUT_SECONDS: '3',
        LOCUST_RUN_TIME: '2s',
        ...(limit ? { MAX_EVENT_BYTES: String(limit) } : {}),
      });
      const failures: string[] = [];
      // Scenarios may replace resources (manyChecks): the README's command below runs on the originals.
      const resources = new Map(blueprint.resources.map((r) => [r.uri, readFileSync(join(dir, 'keptn/resources', r.uri), 'utf8')]));
      try {
        expect((await fetch(`${service.url}ready`)).status).toBe(200);
        for (const s of scenarios(blueprint)) {
          Object.assign(stub.faults, { resourcesMissing: false, metricsDown: false, failedRequests: false, badQuery: false });
          s.setup?.(stub, dir);
          const got = await exchange(stub, service.url, s.event(stub, dir), s.mode ?? 'binary', s.expect).catch((err: Error) => err);
          if (got instanceof Error) {
            failures.push(`${s.what}: ${got.message}`);
            continue;
          }
          const problems: string[] = [];
          if (got.status !== (s.expect === 'ignore' ? 200 : 202)) problems.push(`HTTP ${got.status}`);
          if (got.otherEvents.length > 0) problems.push(`unexpected events: ${got.otherEvents.map((e) => e.body.type).join(', ')}`);
          if (s.expect === 'task') {
            problems.push(...replyProblems(got.event, got.replies, blueprint));
            const finished = got.replies.find((r) => r.type.endsWith('.finished'))?.data ?? {};
            if (finished.status !== s.outcome!.status || finished.result !== s.outcome!.result)
              problems.push(`finished ${finished.status}/${finished.result}: ${finished.message}`);
            if (s.outcome!.message && !s.outcome!.message.test(finished.message))
              problems.push(`message ${JSON.stringify(finished.message)}`);
            const slo = s.lighthouse && readFileSync(join(dir, 'keptn/resources/slo.yaml'), 'utf8');
            for (const tag of slo ? LIGHTHOUSE_TAGS : []) {
              const problem = s.lighthouse!(evaluate(tag, finished, slo as string), tag, finished);
              if (problem) problems.push(`lighthouse ${tag}: ${problem}`);
            }
          } else {
            if (got.replies.length > 0) problems.push(`replied: ${got.replies.map((r) => r.type).join(', ')}`);
            const calls = s.expect === 'listen' ? 1 : 0;
            if (got.webhooks.length !== calls) problems.push(`${got.webhooks.length} webhook calls, not ${calls}`);
            if (s.outcome?.message && !s.outcome.message.test(got.webhooks[0]?.text))
              problems.push(`webhook text ${JSON.stringify(got.webhooks[0]?.text)}`);
            for (const raw of s.notPosted ?? [])
              if (JSON.stringify(got.webhooks[0]).includes(raw))
                problems.push(`posted ${raw} as it came: ${JSON.stringify(got.webhooks[0])}`);
          }
          failures.push(...problems.map((p) => `${s.what}: ${p}`));
        }
        if (stub.refused.length > 0)
          failures.push(`the distributor's limit of ${limit} bytes refused: ${stub.refused.map((e) => e.body.type).join(', ')}`);
        // Every resource it read at run time came through the version's API and is one the script uploads.
        const uploaded = uploadedUris(dir);
        for (const r of stub.resourceRequests) {
          if (r.api !== version.resourceServicePath) failures.push(`read ${r.uri} through ${r.api}`);
          if (!uploaded.includes(r.uri)) failures.push(`read ${r.uri}, which add-resources.sh does not upload`);
        }
        for (const [uri, text] of resources) writeFileSync(join(dir, 'keptn/resources', uri), text);
        // The README's command for sending a test event works as printed. Its example targets the
        // dev stand-in's port (8081), where anything may listen on this machine: the stub instead.
        const sample = join(dir, 'test-events', blueprint.sampleEvent);
        writeFileSync(sample, readFileSync(sample, 'utf8').replaceAll('http://localhost:8081', stub.url));
        const send = await execa('npm', ['run', 'send-event', `test-events/${blueprint.sampleEvent}`], {
          cwd: dir,
          env: { PORT: new URL(service.url).port },
          reject: false,
          all: true,
        });
        if (send.exitCode !== 0 || !/HTTP 202/.test(send.stdout))
          failures.push(`npm run send-event: ${send.all}\nservice output:\n${service.output()}`);
      } finally {
        const exitCode = await service.stop();
        await stub.close();
        if (exitCode !== 0) failures.push(`exit code ${exitCode} on SIGTERM:\n${service.output()}`);
      }
      expect(failures).toEqual([]);
    },
  );
});

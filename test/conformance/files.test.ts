// Chart, shipyard and add-resources.sh of every kind for both Keptn targets, by Keptn's and
// Kubernetes' rules (no install needed).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/answers.js';
import { COMBINATIONS, generate, generateFrom } from '../helpers.js';
import { nextSteps } from '../../src/after-create.js';
import { cli, tempDir } from '../run.js';
import { chartProblems, renderChart, schemaProblems } from './chart.js';
import { commandProblems, scriptProblems, shipyardProblems } from './keptn-files.js';

describe.concurrent.each(COMBINATIONS)('$kind for Keptn $keptn', ({ kind, keptn }) => {
  it('has a chart that renders as Helm would, valid for Kubernetes and right for Keptn', async () => {
    const { dir, blueprint } = await generate(kind, keptn);
    expect(await chartProblems(dir, blueprint)).toEqual([]);
  });

  it('has a valid shipyard with its task', async () => {
    const { dir, blueprint } = await generate(kind, keptn);
    expect(shipyardProblems(dir, blueprint)).toEqual([]);
  });

  it('has an add-resources.sh that bash and shellcheck accept and that follows the CLI rules', async () => {
    const { dir, blueprint } = await generate(kind, keptn);
    expect(await scriptProblems(dir, blueprint)).toEqual([]);
  });

  it("gives README, banner and shipyard-header commands of that release's keptn CLI", async () => {
    const { dir, blueprint } = await generate(kind, keptn);
    expect(commandProblems(readFileSync(join(dir, 'README.md'), 'utf8'), blueprint)).toEqual([]);
    expect(commandProblems(nextSteps(blueprint, dir, true).join('\n'), blueprint)).toEqual([]);
    const header = readFileSync(join(dir, 'keptn/shipyard.yaml'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('#'))
      .map((l) => l.replace(/^#/, ''));
    expect(commandProblems(header.join('\n'), blueprint)).toEqual([]);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(`A Keptn ${blueprint.keptn.release} integration`);
  });
});

describe("the distributor's event limit (Keptn 0.17 on)", () => {
  it('reaches the service as MAX_EVENT_BYTES; 0 switches it off and leaves the service its default', async () => {
    const { dir } = await generate('generic', '1.4');
    const env = async (set: string[]) => {
      const { docs, problems } = await renderChart(dir, [], set);
      expect(problems).toEqual([]);
      const containers = docs.find((d) => d.kind === 'Deployment').spec.template.spec.containers;
      return (name: string, key: string) => containers.find((c: any) => c.name === name).env.find((e: any) => e.name === key)?.value;
    };
    const byDefault = await env([]);
    expect([byDefault('distributor', 'API_PROXY_MAX_PAYLOAD_BYTES_KB'), byDefault('my-generic', 'MAX_EVENT_BYTES')]).toEqual([
      '64',
      '65536',
    ]);
    const off = await env(['distributor.maxPayloadKB=0']);
    expect([off('distributor', 'API_PROXY_MAX_PAYLOAD_BYTES_KB'), off('my-generic', 'MAX_EVENT_BYTES')]).toEqual(['0', undefined]);
  });
});

describe("the chart's values.schema.json", () => {
  // Values that render without it and then crash the distributor or the integration at start-up,
  // or that Kubernetes refuses: helm template and helm lint (and so helm install) refuse each.
  it.each([
    // API_PROXY_MAX_PAYLOAD_BYTES_KB is an int to the distributor's envconfig: 0.5 stops 1.4.5 at
    // start-up ("Failed to process env var", 1.4.5:distributor/cmd/main.go, pkg/config/envconfig.go).
    ['1.4', 'distributor.maxPayloadKB=0.5', /distributor\.maxPayloadKB: Invalid type\. Expected: integer/],
    ['1.4', 'distributor.maxPayloadKB=-1', /distributor\.maxPayloadKB: Must be greater than or equal to 0/],
    // The integration reads MAX_EVENT_BYTES up to 100 MiB (src/keptn/config.ts).
    ['1.4', 'distributor.maxPayloadKB=200000', /distributor\.maxPayloadKB: Must be less than or equal to 102400/],
    ['1.4', 'replicaCount=-1', /replicaCount: Must be greater than or equal to 0/],
    ['1.4', 'service.port=0', /service\.port: Must be greater than or equal to 1/],
    ['1.4', 'service.port=70000', /service\.port: Must be less than or equal to 65535/],
    // The distributor's proxy (8081) shares the pod's network; before 0.11 also its /health (10999).
    ['1.4', 'service.port=8081', /service\.port: Must not validate the schema/],
    ['0.8', 'service.port=10999', /service\.port: Must not validate the schema/],
    ['1.4', 'terminationGracePeriodSeconds=5', /terminationGracePeriodSeconds: Must be greater than or equal to 10/],
    ['1.4', 'integration.taskTimeoutSeconds=0', /integration\.taskTimeoutSeconds: Must be greater than or equal to 0\.001/],
    ['1.4', 'image.pullPolicy=Sometimes', /image\.pullPolicy must be one of the following/],
    ['1.4', 'remoteControlPlane.api.protocol=ftp', /remoteControlPlane\.api\.protocol must be one of the following/],
    ['1.4', 'remoteControlPlane.api.hostname=https://keptn.example.com', /remoteControlPlane\.api\.hostname: Does not match pattern/],
    [
      '1.4',
      'distributor.pubsubTopic=sh.keptn.event.a.triggered\\, sh.keptn.event.b.triggered',
      /distributor\.pubsubTopic: Does not match pattern/,
    ],
    ['1.4', 'tmpSizeLimit=lots', /tmpSizeLimit: Does not match pattern/],
    ['1.4', 'queueGroup=true', /Additional property queueGroup is not allowed/],
    ['1.4', 'distributor.queueGroup=yes', /distributor\.queueGroup: Invalid type\. Expected: boolean/],
  ])('Keptn %s: %s is refused', async (keptn, set, message) => {
    const { dir } = await generate('generic', keptn);
    const { problems } = await renderChart(dir, [], [set]);
    expect(problems.find((p) => p.startsWith('chart does not render:'))).toMatch(message);
    expect(problems.find((p) => p.startsWith('helm lint:'))).toMatch(message);
  });

  it('is consistent with values.yaml, which it holds valid (chartProblems checks it for every kind and minor)', async () => {
    const { dir } = await generate('notification', '1.4');
    expect(schemaProblems(dir)).toEqual([]);
  });
});

describe('replacing pods', () => {
  it('joins the queue group before leaving it; Recreate where no queue group shares the events', async () => {
    const strategy = async (keptn: string, files: string[] = [], set: string[] = []) => {
      const { dir } = await generate('test-tool', keptn);
      const { docs, problems } = await renderChart(dir, files, set);
      expect(problems).toEqual([]);
      return docs.find((d) => d.kind === 'Deployment').spec.strategy;
    };
    const remote = ['chart/ci/remote-control-plane-values.yaml'];
    expect(await strategy('1.4')).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(await strategy('0.10')).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    // Before 0.10 (no PUBSUB_GROUP) two pods both answer each event; so do two remote pollers.
    expect(await strategy('0.9')).toEqual({ type: 'Recreate' });
    expect(await strategy('1.4', [], ['distributor.queueGroup=false'])).toEqual({ type: 'Recreate' });
    expect(await strategy('1.4', remote)).toEqual({ type: 'Recreate' });
    expect(await strategy('1.4', [], ['strategy.type=Recreate'])).toEqual({ type: 'Recreate' });
  });
});

describe('a remote execution plane', () => {
  it('gets only .triggered events: the chart refuses any other topic in remote mode', async () => {
    const { dir } = await generate('notification', '1.4');
    const remote = ['chart/ci/remote-control-plane-values.yaml'];
    expect((await renderChart(dir, remote)).problems).toEqual([]);
    const refused = await renderChart(dir, remote, [
      'distributor.pubsubTopic=sh.keptn.event.approval.triggered\\,sh.keptn.event.evaluation.finished',
    ]);
    expect(refused.problems.join('\n')).toMatch(/sh\.keptn\.event\.evaluation\.finished never reaches a remote execution plane/);
    // In Keptn's own cluster the same topics are fine.
    expect(
      (await renderChart(dir, [], ['distributor.pubsubTopic=sh.keptn.event.approval.triggered\\,sh.keptn.event.evaluation.finished']))
        .problems,
    ).toEqual([]);
  });

  it('runs one replica: the chart refuses more, since each replica would run every task', async () => {
    const { dir } = await generate('test-tool', '1.4');
    const remote = ['chart/ci/remote-control-plane-values.yaml'];
    // Each distributor's poller remembers only in its own memory what it forwarded
    // (0.8.7:distributor/pkg/lib/events/poller.go and 1.4.5:distributor/pkg/poller/poller.go, ceCache).
    const refused = await renderChart(dir, remote, ['replicaCount=2']);
    expect(refused.problems[0]).toMatch(
      /^chart does not render: .*replicaCount: 2 replicas in a remote execution plane would each run every task/,
    );
    expect((await renderChart(dir, remote, ['replicaCount=1'])).problems).toEqual([]);
    // In Keptn's own cluster the queue group shares the events among replicas.
    expect((await renderChart(dir, [], ['replicaCount=3'])).problems).toEqual([]);
    expect(readFileSync(join(dir, 'chart/values.yaml'), 'utf8')).toMatch(
      /In Keptn's own cluster several replicas share the events through the distributor's queue group\n# \(PUBSUB_GROUP, from Keptn 0\.10\)\. A remote execution plane has no queue group/,
    );
  });

  it('is left out of a project whose events it can never receive, and the CLI says so', async () => {
    const answers = { kind: 'notification', name: 'finished-only', events: 'sh.keptn.event.evaluation.finished' };
    const { dir, blueprint } = await generateFrom(await resolveAnswers(answers));
    expect(blueprint.remoteSubscriptions).toEqual([]);
    expect(existsSync(join(dir, 'chart/ci/remote-control-plane-values.yaml'))).toBe(false);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/runs only in Keptn's own cluster/);
    expect(await chartProblems(dir, blueprint)).toEqual([]);
    const run = await cli(
      [
        'x',
        '--kind',
        'notification',
        '--events',
        'sh.keptn.event.evaluation.finished,sh.keptn.event.approval.triggered',
        '--yes',
        '--dry-run',
      ],
      { cwd: tempDir() },
    );
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain(
      "note: sh.keptn.event.evaluation.finished reaches x only in Keptn's own cluster: a remote execution plane receives .triggered events only.",
    );
  });
});

describe('a test tool run by the service', () => {
  it('gets a chart with room for the tool: a writable /tmp and the memory JMeter needs', async () => {
    const { dir, blueprint } = await generateFrom(await resolveAnswers({ kind: 'test-tool', name: 'jm', 'test-tool': 'jmeter' }));
    expect(await chartProblems(dir, blueprint)).toEqual([]);
    expect(readFileSync(join(dir, 'chart/values.yaml'), 'utf8')).toMatch(/limits:\n    cpu: 1\n    memory: 1Gi/);
  });
});

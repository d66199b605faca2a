// A pod of the generated chart stopped as Kubernetes stops it (a rolling update, a drained node):
// the chart rendered by Helm gives the hooks and the grace period, the generated service runs as
// a real process, a stand-in plays the distributor (test/conformance/pod.ts says what each does
// and where that was read). Every event the distributor forwards while it is still subscribed
// must be answered with .started and .finished before the distributor goes.
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edit, generate, linkDependencies } from '../helpers.js';
import { renderChart } from './chart.js';
import { startService } from './contract.js';
import { startDistributorStandIn, stopPod, terminationOf, type Container } from './pod.js';

const GRACE_SECONDS = 10;

describe.each(['1.4', '0.8'])('a pod of the chart for Keptn %s stopped with events arriving', (keptn) => {
  let dir = '';
  let deployment: any;
  beforeAll(async () => {
    ({ dir } = await generate('generic', keptn));
    // An owner's task that takes as long as the event asks: one still running when the pod stops.
    edit(
      dir,
      'src/handler.ts',
      "  ctx.log.info('running task',",
      "  if (typeof properties.waitMs === 'number') await new Promise((r) => setTimeout(r, properties.waitMs as number));\n  ctx.log.info('running task',",
    );
    await linkDependencies(dir);
    await execa('npm', ['run', 'build'], { cwd: dir });
    const { docs, problems } = await renderChart(dir, [], [`terminationGracePeriodSeconds=${GRACE_SECONDS}`]);
    expect(problems).toEqual([]);
    deployment = docs.find((d) => d.kind === 'Deployment');
  });

  const running: { kill: (s: string) => void }[] = [];
  afterAll(() => running.forEach((c) => c.kill('SIGKILL')));

  it('answers each one with .started and .finished before the distributor leaves, and outlives its subscription', async () => {
    const { graceSeconds, containers } = terminationOf(deployment);
    expect(graceSeconds).toBe(GRACE_SECONDS);
    const integration = deployment.spec.template.spec.containers.find((c: any) => c.name !== 'distributor');
    const distributorHook = containers.find((c) => c.container === 'distributor')!.preStop;
    // The window in which the distributor is still subscribed: its preStop sleep.
    expect(distributorHook?.[0]).toMatch(/sleep$/);
    const subscribedSeconds = Number(distributorHook![1]);
    expect(subscribedSeconds).toBeGreaterThan(3);

    const distributor = await startDistributorStandIn();
    // The integration container: the service with the chart's settings, but on a free port (a pod
    // has its port to itself; this machine runs other tests, and maybe another copy of the suite).
    const env = Object.fromEntries(integration.env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
    const service = await startService(
      dir,
      {
        ...env,
        PORT: '0',
        EVENT_BROKER_URL: `${distributor.url}/event`,
        CONFIGURATION_SERVICE_URL: `${distributor.url}/resource-service`,
      },
      // The kubelet kills at the grace period, not execa 5 s after SIGTERM.
      { forceKillAfterDelay: false },
    );
    const { child, port } = service;
    running.push(child);
    const container: Container = { sigterm: () => child.kill('SIGTERM'), sigkill: () => child.kill('SIGKILL'), exited: child };

    const event = (waitMs?: number) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: 'shipyard-controller',
      type: 'sh.keptn.event.db-migrate.triggered',
      datacontenttype: 'application/json',
      shkeptncontext: randomUUID(),
      data: { project: 'p', stage: 'dev', service: 's', 'db-migrate': waitMs ? { waitMs } : {} },
    });
    try {
      // A task longer than the pod has left, running when the pod is told to stop.
      const slow = await distributor.forward(port, event(600_000), Date.now());
      await waitFor(() => distributor.repliesTo(slow!.id).length === 1, 5_000).catch((err) => {
        throw new Error(`${err.message}: ${JSON.stringify(slow)}\n${service.output()}`);
      });

      const start = Date.now();
      const stopped = stopPod(containers, graceSeconds, { [integration.name]: container, distributor: distributor.container }, start);
      // Events while the distributor is still subscribed: early, midway and just before it leaves.
      const at = [1, subscribedSeconds / 2, subscribedSeconds - 1];
      const sent = await Promise.all(
        at.map(async (seconds) => {
          await new Promise((r) => setTimeout(r, seconds * 1000 - (Date.now() - start)));
          return distributor.forward(port, event(), start);
        }),
      );
      const moments = await stopped;
      const gone = moments.find((m) => m.container === 'distributor' && m.what === 'SIGTERM')!.at;
      const exit = moments.find((m) => m.container === integration.name && m.what === 'exited');

      const report = [slow!, ...sent].map((f) => ({
        at: f?.at,
        outcome: f?.outcome,
        statuses: f?.statuses,
        replies: f
          ? distributor
              .repliesTo(f.id)
              .map((r) => `${r.body.type.split('.').pop()}${r.body.data?.status ? ` ${r.body.data.status}` : ''} at ${r.at - start} ms`)
          : [],
      }));
      const context = `${JSON.stringify({ moments, report }, null, 1)}\n${service.output()}`;
      // Every event was in the window and reached the integration.
      expect(
        sent.map((f) => f?.outcome),
        context,
      ).toEqual(at.map(() => 'delivered'));
      // Each got .started and then one .finished, before the distributor unsubscribed and closed
      // its proxy; the slow task, cut short, reports errored.
      for (const f of [slow!, ...sent]) {
        const replies = distributor.repliesTo(f.id);
        expect(
          replies.map((r) => r.body.type.split('.').pop()),
          context,
        ).toEqual(['started', 'finished']);
        expect(
          replies.every((r) => r.at - start < gone),
          context,
        ).toBe(true);
      }
      expect(distributor.repliesTo(slow!.id)[1].body.data).toMatchObject({ status: 'errored', result: 'fail' });
      expect(distributor.repliesTo(sent[0]!.id)[1].body.data).toMatchObject({ status: 'succeeded', result: 'pass' });
      // The integration outlived the distributor's subscription and ended by itself, before SIGKILL.
      expect(exit && exit.at > gone, context).toBe(true);
      expect(
        moments.some((m) => m.what === 'SIGKILL'),
        context,
      ).toBe(false);
      expect((await child).exitCode, context).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await distributor.close();
    }
  });
});

async function waitFor(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

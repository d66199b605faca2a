// The whole promise, for every kind and both Keptn targets: generate non-interactively, install,
// build, pass the project's own tests, run the service as a real process and talk to it over HTTP.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudEvent, HTTP } from 'cloudevents';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { EXTRA, COMBINATIONS, hasSchema, keptnSchema } from '../helpers.js';
import { cli, tempDir } from '../run.js';
import { startKeptnStub } from './keptn-stub.js';
import { KEPTN_VERSIONS } from '../../src/keptn-versions.js';

const flags = (answers: Record<string, string>) => Object.entries(answers).flatMap(([k, v]) => [`--${k}`, v]);

/** Starts `node dist/main.js` and resolves with its port once it logs that it listens. */
async function startService(dir: string, env: Record<string, string>) {
  const child = execa('node', ['dist/main.js'], { cwd: dir, env: { PORT: '0', ...env }, reject: false, all: true });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.all!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"msg":"listening","port":(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', () => reject(new Error(`service exited before listening:\n${out}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/` };
}

describe.concurrent('generated projects', () => {
  it.each(COMBINATIONS)('$kind for Keptn $keptn: installs, builds, passes its tests, runs and answers', { timeout: 240_000 }, async ({ kind, keptn }) => {
    const cwd = tempDir();
    const name = `e2e-${kind}`;
    const gen = await cli([name, '--kind', kind, '--keptn', keptn, ...flags(EXTRA[kind]), '--yes', '--no-git'], { cwd });
    expect(gen.exitCode, `generate:\n${gen.all}`).toBe(0);
    const dir = join(cwd, name);
    expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toContain('"cloudevents"');

    const build = await execa('npm', ['run', 'build'], { cwd: dir, reject: false, all: true });
    expect(build.exitCode, `npm run build:\n${build.all}`).toBe(0);
    const test = await execa('npm', ['test'], { cwd: dir, reject: false, all: true, env: { CI: 'true' } });
    expect(test.exitCode, `npm test:\n${test.all}`).toBe(0);
    expect(test.all!.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/Tests\s+\d+ passed/);

    const stub = await startKeptnStub(join(dir, 'keptn', 'resources'));
    const version = KEPTN_VERSIONS[keptn];
    const service = await startService(dir, {
      EVENT_BROKER_URL: `${stub.url}/event`,
      CONFIGURATION_SERVICE_URL: `${stub.url}${version.resourceServicePath}`,
      WEBHOOK_URL: `${stub.url}/webhook`,
      METRICS_URL: stub.url,
    });
    try {
      expect((await fetch(`${service.url}ready`)).status).toBe(200);
      const sample = sampleEventOf(dir);
      const raw = JSON.parse(readFileSync(join(dir, 'test-events', sample), 'utf8'));
      if (raw.data.deployment?.deploymentURIsLocal) raw.data.deployment.deploymentURIsLocal = [stub.url];
      const event = new CloudEvent(raw);
      const message = HTTP.binary(event);
      const res = await fetch(service.url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
      expect(res.status).toBe(202);

      if (kind === 'notification') {
        await stub.until(() => stub.webhooks.length >= 1);
        expect(stub.webhooks[0].body.text).toContain('sockshop / dev / carts');
        expect(stub.events).toEqual([]);
      } else {
        await stub.until(() => stub.events.length >= 2);
        const [started, finished] = stub.events.map((e) => e.body);
        const task = event.type.split('.')[3];
        expect(started.type).toBe(`sh.keptn.event.${task}.started`);
        expect(finished.type).toBe(`sh.keptn.event.${task}.finished`);
        for (const reply of [started, finished]) {
          expect(reply).toMatchObject({
            specversion: '1.0',
            source: name,
            shkeptncontext: event.shkeptncontext,
            triggeredid: event.id,
            shkeptnspecversion: version.specVersion,
          });
          expect(reply.id).not.toBe(event.id);
          expect(reply.data).toMatchObject({ project: 'sockshop', stage: 'dev', service: 'carts', labels: raw.data.labels });
        }
        expect(finished.data).toMatchObject({ status: 'succeeded', result: 'pass' });
        for (const [phase, reply] of [['started', started], ['finished', finished]]) {
          const schema = `${task}-${phase}`;
          if (!hasSchema(schema)) continue;
          const validate = keptnSchema(schema);
          expect(validate(reply.data), `${schema}: ${JSON.stringify(validate.errors)}`).toBe(true);
        }
        // It read its resources through the version's resource API path.
        for (const r of stub.resourceRequests) expect(r.startsWith(version.resourceServicePath)).toBe(true);
      }
      // The README's command for sending a test event works as printed.
      const port = new URL(service.url).port;
      const send = await execa('npm', ['run', 'send-event', `test-events/${sample}`], { cwd: dir, env: { PORT: port }, reject: false, all: true });
      expect(send.exitCode, send.all).toBe(0);
      expect(send.stdout).toMatch(/HTTP 202/);
    } finally {
      service.child.kill('SIGTERM');
      const exit = await service.child;
      await stub.close();
      expect(exit.exitCode, exit.all).toBe(0);
    }
  });
});

/** The sample event the project's README tells users to send. */
function sampleEventOf(dir: string): string {
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  const m = /npm run send-event test-events\/(\S+)/.exec(readme);
  if (!m) throw new Error(`${dir}/README.md names no sample event`);
  return m[1];
}

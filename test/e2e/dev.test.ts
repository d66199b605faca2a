// The local development loop of a generated project as its owner meets it: `npm run dev`, then
// `npm run send-event`, and what each says when something is not in place. Only free ports.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/answers.js';
import { generateFrom, linkDependencies } from '../helpers.js';

/** A port nothing listens on, and one that something holds. */
async function listen(): Promise<Server> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (s: Server) => (s.address() as AddressInfo).port;
async function freePort(): Promise<number> {
  const s = await listen();
  const port = portOf(s);
  await new Promise((r) => s.close(r));
  return port;
}

describe('the dev loop (npm run dev, npm run send-event) of an SLI provider', () => {
  let dir = '';
  const running: ResultPromise[] = [];
  beforeAll(async () => {
    ({ dir } = await generateFrom(await resolveAnswers({ kind: 'sli-provider', name: 'dev-sli' })));
    await linkDependencies(dir);
    await execa('npm', ['run', 'build'], { cwd: dir });
  });
  afterAll(async () => {
    for (const child of running) child.kill('SIGTERM');
    await Promise.allSettled(running);
  });

  async function dev(env: Record<string, string>) {
    // What `npm run dev` runs once built (npm itself would stand between the test and the signal).
    const child = execa('node', ['dist/dev/dev.js'], { cwd: dir, env, reject: false, all: true, forceKillAfterDelay: 3000 });
    running.push(child);
    let output = '';
    child.all!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { child, output: () => output };
  }

  it('the sample event passes: the stand-in answers the example queries, and a // path does not kill it', async () => {
    const [PORT, DEV_DISTRIBUTOR_PORT] = [String(await freePort()), String(await freePort())];
    const run = await dev({ PORT, DEV_DISTRIBUTOR_PORT });
    for (let i = 0; i < 300 && !/listening on/.test(run.output()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(run.output()).toContain(`distributor stand-in on :${DEV_DISTRIBUTOR_PORT}`);
    // What Locust sends for a target with a trailing slash, and a path that does not decode.
    for (const path of ['//', '/v1/project/p/stage/s/service/x/resource/%E0%A4%A']) {
      const res = await fetch(`http://127.0.0.1:${DEV_DISTRIBUTOR_PORT}${path}`);
      expect(res.status).toBeLessThan(500);
    }
    const send = await execa('npm', ['run', 'send-event', 'test-events/get-sli.triggered.json'], {
      cwd: dir,
      env: { PORT },
      reject: false,
      all: true,
    });
    expect(send.exitCode, send.all).toBe(0);
    for (let i = 0; i < 100 && !/get-sli\.finished/.test(run.output()); i++) await new Promise((r) => setTimeout(r, 100));
    const finished = run.output().slice(run.output().indexOf('"type": "sh.keptn.event.get-sli.finished"'));
    expect(finished).toMatch(/"result": "pass"/);
    expect(run.child.exitCode).toBeNull();
  });

  it('a port in use, no service, a missing file: one line each, saying what to do', async () => {
    const held = await listen();
    try {
      const busy = await dev({ PORT: String(await freePort()), DEV_DISTRIBUTOR_PORT: String(portOf(held)) });
      await busy.child;
      expect(busy.child.exitCode).toBe(1);
      expect(busy.output()).toContain(
        `distributor stand-in: port ${portOf(held)} is in use; stop what listens there or set DEV_DISTRIBUTOR_PORT=<another port>`,
      );
      expect(busy.output()).not.toMatch(/\n\s+at /);
    } finally {
      held.close();
    }
    const nobody = await execa('npm', ['run', '--silent', 'send-event', 'test-events/get-sli.triggered.json'], {
      cwd: dir,
      env: { PORT: String(await freePort()) },
      reject: false,
      all: true,
    });
    expect(nobody.exitCode).toBe(1);
    expect(nobody.all?.trim()).toMatch(
      /^send-event: nothing answers at http:\/\/localhost:\d+\/: start the service first \(npm run dev\), or set PORT$/,
    );
    const missing = await execa('npm', ['run', '--silent', 'send-event', 'test-events/nosuch.json'], {
      cwd: dir,
      reject: false,
      all: true,
    });
    expect(missing.exitCode).toBe(1);
    expect(missing.all?.trim()).toBe('send-event: cannot read test-events/nosuch.json: is it there? (the examples are in test-events/)');
  });
});

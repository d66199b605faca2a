// The service machinery every integration shares: probes, bad requests, task failures, shutdown.
import { connect } from 'node:net';
import { CloudEvent } from 'cloudevents';
import { afterEach, describe, expect, it } from 'vitest';
import type { Integration } from '../src/integration.js';
import { matches } from '../src/keptn.js';
import { expectReplyTo, startStack, type Stack } from './harness.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const triggered = (task = 'my-task') =>
  new CloudEvent<Record<string, unknown>>({
    type: `sh.keptn.event.${task}.triggered`,
    source: 'shipyard-controller',
    shkeptncontext: 'a3e5f16d-8888-4720-82c7-6995062905c1',
    data: { project: 'sockshop', stage: 'dev', service: 'carts', labels: { owner: 'team-a' } },
  });

/** A task integration whose handler is `work`. */
const taskIntegration = (work: Integration['handle']): Integration => ({
  classify: (e) => (e.type.endsWith('.triggered') ? 'task' : 'ignore'),
  handle: work,
});

describe('probes', () => {
  it('answers /health and /ready', async () => {
    stack = await startStack();
    expect((await fetch(`${stack.url}health`)).status).toBe(200);
    expect((await fetch(`${stack.url}ready`)).status).toBe(200);
  });
});

describe('bad requests', () => {
  it('refuses a body that is not a CloudEvent with 400 and a log line', async () => {
    stack = await startStack();
    for (const body of ['not json', '{"hello": "world"}']) {
      const res = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(400);
    }
    expect(stack.logs.filter((l) => l.msg.includes('not a valid CloudEvent'))).toHaveLength(2);
    expect((await fetch(`${stack.url}health`)).status).toBe(200);
  });

  it('survives a client that hangs up halfway through a request', async () => {
    stack = await startStack();
    const { port } = new URL(stack.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"half":');
        setTimeout(() => (socket.destroy(), resolve()), 50);
      });
    });
    await new Promise((r) => setTimeout(r, 50));
    expect((await fetch(`${stack.url}health`)).status).toBe(200);
  });

  it('refuses an oversized body with 413', async () => {
    stack = await startStack({ env: { MAX_BODY_BYTES: '2048' } });
    const res = await fetch(stack.url, { method: 'POST', body: 'x'.repeat(4096) });
    expect(res.status).toBe(413);
  });
});

describe('tasks', () => {
  it('turns a handler that throws into .finished errored with the reason', async () => {
    stack = await startStack({
      integration: taskIntegration(async () => {
        throw new Error('database unreachable');
      }),
    });
    const event = triggered();
    await stack.post(event);
    await stack.broker.until(() => stack!.replies().length >= 2);
    const [started, finished] = stack.replies();
    expectReplyTo(event, started, 'started');
    expectReplyTo(event, finished, 'finished');
    expect(finished.data).toMatchObject({ status: 'errored', result: 'fail', message: 'my-task failed: database unreachable' });
  });

  it('reports a task that runs out of time as errored', async () => {
    stack = await startStack({
      env: { TASK_TIMEOUT_SECONDS: '0.2' },
      integration: taskIntegration(() => new Promise(() => {})),
    });
    await stack.post(triggered());
    await stack.broker.until(() => stack!.replies().length >= 2);
    expect(stack.replies()[1].data).toMatchObject({ status: 'errored', result: 'fail' });
    expect(stack.replies()[1].data.message).toMatch(/did not finish within 0.2 s/);
  });

  it('lets a running task finish on shutdown and refuses new events meanwhile', async () => {
    let release = () => {};
    stack = await startStack({
      integration: taskIntegration(() => new Promise((resolve) => (release = () => resolve({ result: 'pass', message: 'done' })))),
    });
    await stack.post(triggered());
    await stack.broker.until(() => stack!.replies().length >= 1);
    const stopping = stack.service.stop(5000);
    expect((await stack.post(triggered())).status).toBe(503);
    release();
    await stopping;
    expect(stack.replies().map((r) => r.type)).toEqual(['sh.keptn.event.my-task.started', 'sh.keptn.event.my-task.finished']);
    expect(stack.replies()[1].data).toMatchObject({ status: 'succeeded', result: 'pass' });
  });

  it('refuses an event whose body arrives after SIGTERM began, instead of dropping it', async () => {
    stack = await startStack();
    const { port } = new URL(stack.url);
    const body = JSON.stringify({ ...triggered().toJSON(), datacontenttype: 'application/json' });
    const answer = new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/cloudevents+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
        // Headers are in; shutdown starts before the body arrives.
        setTimeout(() => {
          void stack!.service.stop(1000);
          socket.end(body);
        }, 50);
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
    });
    expect(await answer).toMatch(/^HTTP\/1.1 503/);
    expect(stack.replies()).toEqual([]);
  });

  it('refuses an event without shkeptncontext or id instead of inventing them', async () => {
    stack = await startStack();
    for (const body of [
      { specversion: '1.0', id: 'x', source: 's', type: 'sh.keptn.event.my-task.triggered', data: {} },
      { specversion: '1.0', source: 's', type: 'sh.keptn.event.my-task.triggered', shkeptncontext: 'c', data: {} },
    ]) {
      const res = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(400);
    }
    expect(stack.replies()).toEqual([]);
  });

  it('never answers an event that is not a trigger, even if a handler calls it a task', async () => {
    stack = await startStack({ integration: { classify: () => 'task', handle: async () => ({ result: 'pass', message: 'done' }) } });
    const finished = triggered().cloneWith({ type: 'sh.keptn.event.my-task.finished' });
    stack.service.dispatcher.dispatch(finished as never);
    await new Promise((r) => setTimeout(r, 100));
    expect(stack.replies()).toEqual([]);
    expect(stack.logs.some((l) => l.msg === 'not a task trigger: handled without replies')).toBe(true);
  });
});

describe('matches', () => {
  it('follows NATS wildcards', () => {
    expect(matches('sh.keptn.event.test.finished', 'sh.keptn.event.test.finished')).toBe(true);
    expect(matches('sh.keptn.event.test.finished', 'sh.keptn.event.*.finished')).toBe(true);
    expect(matches('sh.keptn.event.dev.delivery.finished', 'sh.keptn.>')).toBe(true);
    expect(matches('sh.keptn.event.test.started', 'sh.keptn.event.*.finished')).toBe(false);
    expect(matches('sh.keptn.event.test.finished.x', 'sh.keptn.event.test.finished')).toBe(false);
  });
});

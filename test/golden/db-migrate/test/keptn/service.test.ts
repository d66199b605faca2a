// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// test/keptn/ (your edits here are merged, and may conflict): your integration's tests go into
// test/handler.test.ts instead.

// The service machinery every integration shares: probes, bad requests, task failures, shutdown.
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { CloudEvent, HTTP } from 'cloudevents';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/keptn/config.js';
import type { Integration } from '../../src/keptn/integration.js';
import { matches } from '../../src/keptn/events.js';
import { log } from '../../src/keptn/log.js';
import { checkDepth, checkKeptnEvent, MAX_JSON_DEPTH, parseEvent } from '../../src/keptn/server.js';
import { RECENT_EVENTS } from '../../src/keptn/tasks.js';
import { distributorLimit, expectReplyTo, runTask, startStack, type Stack } from './harness.js';

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

/** A task integration that passes every task: these tests hold the machinery, not your handler. */
const PASSING = taskIntegration(async () => ({ result: 'pass', message: 'done' }));

describe('probes', () => {
  it('answers /health and /ready', async () => {
    stack = await startStack(PASSING);
    expect((await fetch(`${stack.url}health`)).status).toBe(200);
    expect((await fetch(`${stack.url}ready`)).status).toBe(200);
  });
});

describe('bad requests', () => {
  it('refuses a body that is not a CloudEvent with 400 and a log line', async () => {
    stack = await startStack(PASSING);
    for (const body of ['not json', '{"hello": "world"}']) {
      const res = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(400);
    }
    expect(stack.logs.filter((l) => l.msg.includes('not a valid CloudEvent'))).toHaveLength(2);
    expect((await fetch(`${stack.url}health`)).status).toBe(200);
  });

  it('survives a client that hangs up halfway through a request', async () => {
    stack = await startStack(PASSING);
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
    stack = await startStack(PASSING, { env: { MAX_BODY_BYTES: '2048' } });
    const res = await fetch(stack.url, { method: 'POST', body: 'x'.repeat(4096) });
    expect(res.status).toBe(413);
  });
});

describe('tasks', () => {
  it('turns a handler that throws into .finished errored with the reason', async () => {
    stack = await startStack(
      taskIntegration(async () => {
        throw new Error('database unreachable');
      }),
    );
    const finished = await runTask(stack, triggered());
    expect(finished.data).toMatchObject({ status: 'errored', result: 'fail', message: 'my-task failed: database unreachable' });
  });

  it('reports a task that runs out of time as errored', async () => {
    stack = await startStack(
      taskIntegration(() => new Promise(() => {})),
      { env: { TASK_TIMEOUT_SECONDS: '0.2' } },
    );
    await stack.post(triggered());
    await stack.broker.until(() => stack!.replies().length >= 2);
    expect(stack.replies()[1].data).toMatchObject({ status: 'errored', result: 'fail' });
    expect(stack.replies()[1].data.message).toMatch(/did not finish within 0.2 s/);
  });

  it('lets a running task finish on shutdown and refuses new events meanwhile', async () => {
    let release = () => {};
    stack = await startStack(
      taskIntegration(() => new Promise((resolve) => (release = () => resolve({ result: 'pass', message: 'done' })))),
    );
    await stack.post(triggered());
    await stack.broker.until(() => stack!.replies().length >= 1);
    const stopping = stack.service.stop(5000);
    expect((await stack.post(triggered())).status).toBe(503);
    release();
    await stopping;
    expect(stack.replies().map((r) => r.type)).toEqual(['sh.keptn.event.my-task.started', 'sh.keptn.event.my-task.finished']);
    expect(stack.replies()[1].data).toMatchObject({ status: 'succeeded', result: 'pass' });
  });

  it('keeps answering events for SHUTDOWN_ACCEPT_SECONDS after SIGTERM, while the distributor still forwards them', async () => {
    // As in the chart's pod: SIGTERM comes first, the distributor stays subscribed for most of the
    // grace period, and an event it cannot deliver is gone.
    stack = await startStack(
      taskIntegration((e) => (e.data?.slow ? new Promise(() => {}) : Promise.resolve({ result: 'pass', message: 'done' }))),
    );
    const slow = triggered().cloneWith({ data: { ...triggered().data, slow: true } });
    await stack.post(slow);
    await stack.broker.until(() => stack!.replies().length >= 1);
    const stopping = stack.service.stop(300, 800);
    expect((await fetch(`${stack.url}ready`)).status).toBe(503);
    // Within the grace period a new task runs as usual.
    const early = triggered();
    expect((await stack.post(early)).status).toBe(202);
    await stack.broker.until(() => stack!.replies().filter((r) => r.triggeredid === early.id).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 400));
    // After it, the slow task has reported errored, and a task that comes still gets both replies.
    const late = triggered();
    expect((await stack.post(late)).status).toBe(202);
    await stopping;
    const answers = (e: CloudEvent<unknown>) =>
      stack!
        .replies()
        .filter((r) => r.triggeredid === e.id)
        .map((r) => `${r.type.split('.').pop()} ${r.data.status ?? ''}`.trim());
    expect(answers(slow)).toEqual(['started', 'finished errored']);
    expect(answers(early)).toEqual(['started', 'finished succeeded']);
    expect(answers(late)).toEqual(['started', 'finished errored']);
    expect(stack.replies().find((r) => r.triggeredid === late.id && r.type.endsWith('.finished')).data.message).toMatch(
      /shut down before the task finished/,
    );
  });

  it('runs many tasks at once without a warning (each waits on the shutdown signal)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      stack = await startStack(taskIntegration(() => released.then(() => ({ result: 'pass', message: 'done' }))));
      await Promise.all(Array.from({ length: 20 }, () => stack!.post(triggered())));
      await stack.broker.until(() => stack!.replies().length >= 20);
      expect(stack.service.dispatcher.inFlight).toBe(20);
      release();
      await stack.broker.until(() => stack!.replies().length >= 40);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on a later tick
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('refuses an event whose body arrives after SIGTERM began, instead of dropping it', async () => {
    stack = await startStack(PASSING);
    const { port } = new URL(stack.url);
    const body = JSON.stringify({ ...triggered().toJSON(), datacontenttype: 'application/json' });
    const answer = new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/cloudevents+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
        );
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
    stack = await startStack(PASSING);
    for (const body of [
      { specversion: '1.0', id: 'x', source: 's', type: 'sh.keptn.event.my-task.triggered', data: {} },
      { specversion: '1.0', source: 's', type: 'sh.keptn.event.my-task.triggered', shkeptncontext: 'c', data: {} },
    ]) {
      const res = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
    }
    expect(stack.replies()).toEqual([]);
  });

  it('never answers an event that is not a trigger, even if a handler calls it a task', async () => {
    stack = await startStack({ classify: () => 'task', handle: async () => ({ result: 'pass', message: 'done' }) });
    const finished = triggered().cloneWith({ type: 'sh.keptn.event.my-task.finished' });
    stack.service.dispatcher.dispatch(finished as never);
    await new Promise((r) => setTimeout(r, 100));
    expect(stack.replies()).toEqual([]);
    expect(stack.logs.some((l) => l.msg === 'not a task trigger: handled without replies')).toBe(true);
  });
});

/** Polls `done` every 10 ms; throws after `ms`, a bound against a hang, not a speed check. */
async function waitFor(done: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const LIMIT = 64 * 1024; // the distributor's default, and MAX_EVENT_BYTES's
const finishedAttempts = () => stack!.attempts.filter((a) => a.body.type.endsWith('.finished'));
const givenUp = () => stack!.logs.filter((l) => l.msg === 'reply given up');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("events over Keptn's size limit", () => {
  it.each([
    ['ASCII', 'x'],
    ['emoji and quotes, which take more bytes than characters', '😀"'],
  ])('cuts a 200 KiB message (%s) to fit, keeping status, result and the start', async (_, unit) => {
    const long = `summary first\n${unit.repeat(Math.ceil((200 * 1024) / Buffer.byteLength(unit)))}`;
    stack = await startStack(
      taskIntegration(async () => ({ result: 'warning', message: long })),
      { answer: distributorLimit() },
    );
    const event = triggered();
    await stack.post(event);
    await stack.broker.until(() => stack!.replies().length >= 2);
    const finished = stack.replies()[1];
    // The echoed labels go before any of the message does.
    expectReplyTo(event.cloneWith({ data: { ...event.data, labels: undefined } }), finished, 'finished');
    expect(finished.data).toMatchObject({ status: 'succeeded', result: 'warning' });
    const message: string = finished.data.message;
    expect(message).toMatch(/^summary first\n/);
    expect(message).toMatch(new RegExp(`… \\(cut: \\d+ bytes over Keptn's event limit of ${LIMIT} bytes; labels not echoed\\)$`));
    expect(Buffer.from(message).toString()).toBe(message); // no half of a character
    expect(long.startsWith(message.slice(0, message.lastIndexOf('… (cut:')))).toBe(true);
    // Every POST was taken, and the room was used.
    expect(stack.attempts.map((a) => a.answer)).toEqual([200, 200]);
    expect(stack.attempts[1].bytes).toBeLessThanOrEqual(LIMIT);
    expect(stack.attempts[1].bytes).toBeGreaterThan(LIMIT - 16);
    const warning = stack.logs.find((l) => l.level === 'warn' && /size limit/.test(l.msg));
    expect(warning?.fields).toMatchObject({ limit: LIMIT, bytes: expect.any(Number), cutBytes: expect.any(Number) });
    expect(warning!.fields!.bytes as number).toBeGreaterThan(200 * 1024);
  });

  it('sends a short errored .finished in place of one with a 200 KiB payload, keeping what the schema requires', async () => {
    const times = {
      start: '2024-06-01T10:00:00.000Z',
      end: '2024-06-01T10:05:00.000Z',
      gitCommit: '521747298a3790fde1710f3aa2d03b55020575aa',
    };
    const checks = Array.from({ length: 4000 }, (_, i) => ({ name: `check ${i}`, passed: true, detail: 'x'.repeat(40) }));
    stack = await startStack(
      taskIntegration(async () => ({ result: 'pass', message: 'all 4000 checks passed', payload: { ...times, checks } })),
      { answer: distributorLimit() },
    );
    const event = triggered('test');
    await stack.post(event);
    await stack.broker.until(() => stack!.replies().length >= 2);
    const finished = stack.replies()[1];
    expectReplyTo(event, finished, 'finished');
    expect(finished.data).toMatchObject({ status: 'errored', result: 'fail' });
    expect(finished.data.message).toMatch(new RegExp(`^the test report of (\\d+) bytes exceeded Keptn's event limit of ${LIMIT} bytes`));
    expect(Number(/of (\d+) bytes/.exec(finished.data.message)![1])).toBeGreaterThan(200 * 1024);
    expect(finished.data.message).toMatch(/status succeeded, result pass.*all 4000 checks passed/);
    // test.finished requires test.start, end and gitCommit: the short fields stay, the list goes.
    expect(finished.data.test).toEqual(times);
    expect(stack.attempts.map((a) => a.answer)).toEqual([200, 200]);
    expect(stack.attempts[1].bytes).toBeLessThan(2048);
    const warning = stack.logs.find((l) => l.level === 'warn' && /size limit/.test(l.msg));
    expect(warning?.fields).toMatchObject({ limit: LIMIT, bytes: expect.any(Number), sentBytes: stack.attempts[1].bytes });
  });

  it('refuses a MAX_EVENT_BYTES under 1024', () => {
    expect(() => loadConfig({ MAX_EVENT_BYTES: '512' })).toThrow(/MAX_EVENT_BYTES "512" is invalid: must be a number from 1024/);
    expect(loadConfig({}).maxEventBytes).toBe(LIMIT);
  });
});

describe('a .finished the distributor refuses', () => {
  const passing = () => taskIntegration(async () => ({ result: 'pass', message: 'x'.repeat(100 * 1024) }));

  it('is replaced by a short errored one (a distributor limit below MAX_EVENT_BYTES)', async () => {
    stack = await startStack(passing(), { env: { MAX_EVENT_BYTES: String(1024 * 1024) }, answer: distributorLimit() });
    const event = triggered();
    await stack.post(event);
    await stack.broker.until(() => stack!.replies().length >= 2);
    const finished = stack.replies()[1];
    expectReplyTo(event, finished, 'finished');
    expect(finished.data).toMatchObject({ status: 'errored', result: 'fail' });
    expect(finished.data.message).toBe(
      "my-task: the task's .finished could not be delivered (HTTP 500); it had ended with status succeeded, result pass",
    );
    // The big one with its retry (the harness's sender retries once), then the short one.
    expect(finishedAttempts().map((a) => [a.answer, a.body.data.status])).toEqual([
      [500, 'succeeded'],
      [500, 'succeeded'],
      [200, 'errored'],
    ]);
    expect(givenUp()).toEqual([]);
  });

  it('is replaced at once when refused with 4xx, without retries', async () => {
    stack = await startStack(
      taskIntegration(async () => ({ result: 'pass', message: 'done' })),
      { answer: (_, e) => (e.type.endsWith('.finished') && e.data.status === 'succeeded' ? 400 : 200) },
    );
    await stack.post(triggered());
    await stack.broker.until(() => stack!.replies().length >= 2);
    expect(stack.replies()[1].data.message).toMatch(/could not be delivered \(HTTP 400\)/);
    expect(finishedAttempts().map((a) => [a.answer, a.body.data.status])).toEqual([
      [400, 'succeeded'],
      [200, 'errored'],
    ]);
  });

  it('is given up, with one log line, after one try of the short one when every .finished is refused', async () => {
    stack = await startStack(passing(), { answer: (_, e) => (e.type.endsWith('.finished') ? 500 : 200) });
    await stack.post(triggered());
    await waitFor(() => givenUp().length > 0);
    await new Promise((r) => setTimeout(r, 300)); // would a loop send more?
    expect(finishedAttempts().map((a) => [a.answer, a.body.data.status])).toEqual([
      [500, 'succeeded'],
      [500, 'succeeded'],
      [500, 'errored'],
      [500, 'errored'],
    ]);
    expect(givenUp()).toHaveLength(1);
    expect(givenUp()[0].fields).toMatchObject({ type: 'sh.keptn.event.my-task.finished', error: expect.stringMatching(/HTTP 500/) });
    expect(stack.replies().map((r) => r.type)).toEqual(['sh.keptn.event.my-task.started']);
  });

  it('is not sent again, nor replaced, when it may have arrived (read on a new connection, which then ended)', async () => {
    stack = await startStack(
      taskIntegration(async () => ({ result: 'pass', message: 'done' })),
      {
        // The .started's connection closed after it, so that the .finished goes on a new one.
        answer: (_, e) => (e.type.endsWith('.finished') ? 'drop' : 'close'),
      },
    );
    await stack.post(triggered());
    await waitFor(() => givenUp().length > 0);
    await new Promise((r) => setTimeout(r, 300));
    // Sent once: neither it again nor an errored one in its place, as Keptn counts every copy.
    expect(finishedAttempts().map((a) => [a.answer, a.body.data.status])).toEqual([['drop', 'succeeded']]);
    expect(givenUp()).toHaveLength(1);
    expect(givenUp()[0].fields).toMatchObject({ type: 'sh.keptn.event.my-task.finished', mayHaveArrived: true });
  });
});

describe('replies the distributor cannot take now', () => {
  const done = () => taskIntegration(async () => ({ result: 'pass', message: 'done' }));
  // Production waits 200 ms doubling to 5 s; scaled down so that an outage of seconds is many tries.
  const retrying = { backoffMs: 50, maxBackoffMs: 200 };
  const repliesTo = (event: CloudEvent<unknown>, phase: string) =>
    stack!.replies().filter((r) => r.triggeredid === event.id && r.type.endsWith(`.${phase}`));

  it('survive a distributor outage of 3 s: every task gets one .started and one .finished', async () => {
    stack = await startStack(done(), { env: { REPLY_RETRY_SECONDS: '20' }, sender: retrying, answer: () => 200 });
    const back = stack.outage(3000);
    await sleep(50);
    const events = Array.from({ length: 20 }, () => triggered());
    expect((await Promise.all(events.map((e) => stack!.post(e)))).map((r) => r.status)).toEqual(Array(20).fill(202));
    await back;
    await waitFor(() => stack!.replies().length >= 40);
    expect(events.map((e) => [repliesTo(e, 'started').length, repliesTo(e, 'finished').map((r) => r.data.status)])).toEqual(
      Array(20).fill([1, ['succeeded']]),
    );
    expect(givenUp()).toEqual([]);
    // The outage was met: one warning per reply when its trouble began, not one per attempt.
    const warned = stack.logs.filter((l) => l.msg === 'sending event failed, will retry');
    expect(warned.length).toBeGreaterThan(0);
    expect(warned.length).toBeLessThanOrEqual(40);
  });

  it('a .started refused (4xx): the task still runs, the .started is tried again before the .finished, which goes', async () => {
    let refused = 0;
    stack = await startStack(done(), { answer: (_, e) => (e.type.endsWith('.started') && refused++ === 0 ? 400 : 200) });
    const event = triggered();
    await stack.post(event);
    await stack.broker.until(() => stack!.replies().length >= 2);
    expect(stack.attempts.map((a) => [a.body.type.split('.').pop(), a.answer])).toEqual([
      ['started', 400],
      ['started', 200],
      ['finished', 200],
    ]);
    // The same .started both times (the first cannot have arrived).
    expect(new Set(stack.attempts.slice(0, 2).map((a) => a.body.id)).size).toBe(1);
    expect(stack.replies()[1].data).toMatchObject({ status: 'succeeded', result: 'pass' });
    expect(givenUp()).toEqual([]);
  });

  it('a .started refused for good: one log line for it, and the .finished still goes', async () => {
    stack = await startStack(done(), { answer: (_, e) => (e.type.endsWith('.started') ? 404 : 200) });
    const event = triggered();
    await stack.post(event);
    await stack.broker.until(() => stack!.replies().length >= 1);
    expect(stack.replies().map((r) => r.type)).toEqual(['sh.keptn.event.my-task.finished']);
    expect(givenUp().map((l) => l.fields)).toEqual([
      expect.objectContaining({
        type: 'sh.keptn.event.my-task.started',
        id: event.id,
        shkeptncontext: event.shkeptncontext,
        error: 'HTTP 404',
      }),
    ]);
  });

  it('gives each reply up after REPLY_RETRY_SECONDS with one log line naming the event and its Keptn context', async () => {
    stack = await startStack(done(), { env: { REPLY_RETRY_SECONDS: '0.4' }, sender: retrying, answer: () => 200 });
    const back = stack.outage(4000);
    await sleep(50);
    const event = triggered();
    await stack.post(event);
    await waitFor(() => givenUp().length >= 2);
    await back;
    await sleep(100); // would anything more be sent or logged?
    const fields = {
      id: event.id,
      shkeptncontext: event.shkeptncontext,
      error: expect.stringMatching(/ECONNRESET/),
      attempts: expect.any(Number),
    };
    expect(givenUp().map((l) => l.fields)).toEqual([
      { type: 'sh.keptn.event.my-task.started', ...fields },
      // The errored one that replaced the .finished; the .finished itself was not given up alone.
      { type: 'sh.keptn.event.my-task.finished', ...fields },
    ]);
    expect(stack.logs.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual(['reply given up', 'reply given up']);
    expect(stack.replies()).toEqual([]);
  });

  it(`holds at most REPLY_QUEUE_SIZE replies: new tasks are refused with 503 meanwhile, and every held one is delivered`, async () => {
    stack = await startStack(done(), { env: { REPLY_QUEUE_SIZE: '2', REPLY_RETRY_SECONDS: '20' }, sender: retrying, answer: () => 200 });
    const back = stack.outage(1500);
    await sleep(50);
    const [a, b, c] = [triggered(), triggered(), triggered()];
    expect((await stack.post(a)).status).toBe(202);
    expect((await stack.post(b)).status).toBe(202);
    const refused = await stack.post(c);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ error: 'too many replies wait for the distributor: not taking new tasks' });
    await back;
    await waitFor(() => stack!.replies().length >= 4);
    expect([a, b].map((e) => [repliesTo(e, 'started').length, repliesTo(e, 'finished').length])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    // Refused, not remembered: sent again once there is room, it runs.
    expect((await stack.post(c)).status).toBe(202);
    await waitFor(() => repliesTo(c, 'finished').length === 1);
  });

  it('stops retrying when the service shuts down, instead of holding the shutdown for REPLY_RETRY_SECONDS', async () => {
    stack = await startStack(done(), { env: { REPLY_RETRY_SECONDS: '60' }, sender: retrying, answer: () => 200 });
    const back = stack.outage(3000);
    await sleep(50);
    await stack.post(triggered());
    const first = await Promise.race([stack.service.stop(300).then(() => 'stopped'), back.then(() => 'distributor back')]);
    await back;
    expect(first).toBe('stopped');
    expect(givenUp().map((l) => l.fields!.type)).toEqual(['sh.keptn.event.my-task.started', 'sh.keptn.event.my-task.finished']);
  });
});

describe('a reply made too big by what it echoes', () => {
  it('drops the echoed labels, keeping status, result and message, and says so', async () => {
    const labels = Object.fromEntries(Array.from({ length: 700 }, (_, i) => [`label-${i}`, 'x'.repeat(100)]));
    stack = await startStack(
      taskIntegration(async () => ({ result: 'pass', message: 'all 12 checks passed' })),
      { answer: distributorLimit() },
    );
    const base = triggered();
    const event = base.cloneWith({ data: { ...base.data, labels } });
    await stack.post(event);
    await stack.broker.until(() => stack!.replies().length >= 2);
    const [started, finished] = stack.replies();
    expect(started.data).toEqual({ project: 'sockshop', stage: 'dev', service: 'carts' });
    expect(finished.data).toEqual({
      project: 'sockshop',
      stage: 'dev',
      service: 'carts',
      status: 'succeeded',
      result: 'pass',
      message: `all 12 checks passed (labels not echoed: this reply was over Keptn's event limit of ${LIMIT} bytes with them)`,
    });
    expect(stack.attempts.map((a) => a.answer)).toEqual([200, 200]);
    expect(stack.logs.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      "event over Keptn's size limit: sent without its echoed labels",
      "event over Keptn's size limit: sent without its echoed labels",
    ]);
  });
});

describe('events as they really arrive', () => {
  it('runs an event delivered twice once: one .started, one .finished', async () => {
    let runs = 0;
    stack = await startStack(taskIntegration(async () => (runs++, { result: 'pass', message: 'done' })));
    const event = triggered();
    const first = await stack.post(event);
    const again = await stack.post(event, 'structured');
    expect([first.status, again.status]).toEqual([202, 200]);
    expect(await again.json()).toEqual({ status: 'duplicate', type: event.type });
    await stack.broker.until(() => stack!.replies().length >= 2);
    await sleep(100); // would a second run reply?
    expect(runs).toBe(1);
    expect(stack.replies().map((r) => r.type)).toEqual(['sh.keptn.event.my-task.started', 'sh.keptn.event.my-task.finished']);
    expect(stack.logs.filter((l) => l.msg === 'event received again: not run twice').map((l) => l.fields?.id)).toEqual([event.id]);
  });

  it(`remembers the last ${RECENT_EVENTS} events, forgetting the oldest first`, async () => {
    const seen: string[] = [];
    stack = await startStack({ classify: () => 'listen', handle: async (e) => void seen.push(e.id) });
    const event = (i: number) => triggered().cloneWith({ id: `event-${i}` }) as never;
    for (let i = 0; i <= RECENT_EVENTS; i++) stack.service.dispatcher.dispatch(event(i));
    expect(stack.service.dispatcher.dispatch(event(RECENT_EVENTS))).toBe('duplicate');
    expect(stack.service.dispatcher.dispatch(event(1))).toBe('duplicate');
    expect(stack.service.dispatcher.dispatch(event(0))).toBe('accepted'); // the oldest, forgotten
  });

  it.each([
    ['an empty shkeptncontext', { shkeptncontext: '' }, 'empty shkeptncontext, which every Keptn event carries'],
    [
      'no shkeptncontext on an event of another type',
      { type: 'com.example.triggered', shkeptncontext: undefined },
      'missing shkeptncontext, which every Keptn event carries',
    ],
    ['data an array', { data: [{ project: 'sockshop' }] }, 'data must be a JSON object, not an array'],
    ['data null (which the SDK reads as none)', { data: null }, 'data must be a JSON object: the event has none'],
    ['data a string', { data: 'sockshop' }, 'data must be a JSON object, not a string'],
    ['no data', { data: undefined }, 'data must be a JSON object: the event has none'],
  ])('refuses an event with %s: 400 with the reason, and no reply', async (_, change, reason) => {
    stack = await startStack({ classify: () => 'task', handle: async () => ({ result: 'pass', message: 'done' }) });
    const body = JSON.stringify({ ...triggered().toJSON(), datacontenttype: 'application/json', ...change });
    const res = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: `not a valid CloudEvent: ${reason}` });
    await sleep(100);
    expect(stack.replies()).toEqual([]);
    expect(stack.logs.filter((l) => l.msg === 'request refused: not a valid CloudEvent').map((l) => l.fields?.error)).toEqual([reason]);
  });

  it.each(['binary', 'structured'] as const)(
    'refuses a 1 MB body nested a million deep (%s) before parsing it, and stays up',
    async (mode) => {
      stack = await startStack(PASSING);
      const event = triggered();
      const message = mode === 'binary' ? HTTP.binary(event) : HTTP.structured(event);
      const body =
        mode === 'binary'
          ? '['.repeat(1024 * 1024 - 1)
          : (message.body as string).replace(/"data":\{/, `"data":${'['.repeat(1024 * 1024 - 1024)}{`);
      const res = await fetch(stack.url, { method: 'POST', headers: message.headers as Record<string, string>, body });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: `not a valid CloudEvent: JSON nested deeper than ${MAX_JSON_DEPTH} levels` });
      expect((await fetch(`${stack.url}health`)).status).toBe(200);
    },
  );

  it('finds the depth of a body in one pass, strings and escapes skipped', () => {
    expect(() => checkDepth('[[1]]', 2)).not.toThrow();
    expect(() => checkDepth('[[[1]]]', 2)).toThrow(/^JSON nested deeper than 2 levels$/);
    expect(() => checkDepth('[{"a":"[[[\\"[["}]', 2)).not.toThrow();
    expect(() => checkDepth('[], [], [], []', 1)).not.toThrow();
    // A megabyte of '[' is refused as too deep (at the first level too many, before JSON.parse
    // would spend a second on it); no time limit here: a loaded machine is slower, not wrong.
    const hostile = '['.repeat(1024 * 1024);
    expect(() => checkDepth(hostile, MAX_JSON_DEPTH)).toThrow(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  });
});

describe('a .finished whose connection fails before it is read', () => {
  it.each([
    ['a kept-alive connection that ends (the distributor closing idle ones as it restarts)', 'hang up'],
    ['a reset connection', 'reset'],
  ] as const)('is sent again: %s', async (_, how) => {
    let failed = false;
    stack = await startStack(
      taskIntegration(async () => ({ result: 'pass', message: 'done' })),
      { answer: (_, e) => (e.type.endsWith('.finished') && !failed ? ((failed = true), how) : 200) },
    );
    await stack.post(triggered());
    await stack.broker.until(() => stack!.replies().length >= 2);
    expect(finishedAttempts().map((a) => [a.answer, a.body.data.status])).toEqual([
      [how, 'succeeded'],
      [200, 'succeeded'],
    ]);
    expect(new Set(finishedAttempts().map((a) => a.body.id)).size).toBe(1);
    expect(givenUp()).toEqual([]);
  });
});

describe('gitcommitid', () => {
  it.each(['binary', 'structured'] as const)('is copied to .started and .finished (%s mode)', async (mode) => {
    stack = await startStack(taskIntegration(async () => ({ result: 'pass', message: 'done' })));
    const event = triggered().cloneWith({ gitcommitid: '521747298a3790fde1710f3aa2d03b55020575aa' });
    await stack.post(event, mode);
    await stack.broker.until(() => stack!.replies().length >= 2);
    expect(stack.replies().map((r) => r.gitcommitid)).toEqual([
      '521747298a3790fde1710f3aa2d03b55020575aa',
      '521747298a3790fde1710f3aa2d03b55020575aa',
    ]);
  });

  it('is absent from the replies when the trigger has none', async () => {
    stack = await startStack(taskIntegration(async () => ({ result: 'pass', message: 'done' })));
    await stack.post(triggered());
    await stack.broker.until(() => stack!.replies().length >= 2);
    expect(stack.replies().map((r) => 'gitcommitid' in r)).toEqual([false, false]);
  });

  it('is copied to a .finished cut to fit and to the errored one that replaces a refused .finished', async () => {
    stack = await startStack(
      taskIntegration(async () => ({ result: 'pass', message: 'x'.repeat(200 * 1024) })),
      { answer: (_, e) => (e.type.endsWith('.finished') && e.data.status === 'succeeded' ? 500 : 200) },
    );
    await stack.post(triggered().cloneWith({ gitcommitid: 'abc123' }));
    await stack.broker.until(() => stack!.replies().length >= 2);
    expect(finishedAttempts().map((a) => [a.body.data.status, a.body.gitcommitid])).toEqual([
      ['succeeded', 'abc123'],
      ['succeeded', 'abc123'],
      ['errored', 'abc123'],
    ]);
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

describe('log', () => {
  it('writes the lines of one turn together, in the order they were logged across stdout and stderr', async () => {
    const written: string[] = [];
    const capture = (stream: 'out' | 'err') => (text: string | Uint8Array) =>
      written.push(`${stream} ${[...String(text).matchAll(/"msg":"(\w+)"/g)].map((m) => m[1]).join(',')}`) > 0;
    vi.spyOn(process.stdout, 'write').mockImplementation(capture('out'));
    vi.spyOn(process.stderr, 'write').mockImplementation(capture('err'));
    try {
      log.info('one');
      log.warn('two');
      log.error('three');
      log.info('four');
      log.info('five');
      expect(written).toEqual([]);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      vi.restoreAllMocks();
    }
    expect(written).toEqual(['out one', 'err two,three', 'out four,five']);
  });
});

/** A JSON object nested `depth` deep: {"a":{"a":…1}}. */
const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{"a":1}${'}'.repeat(depth - 1)}`;

/** The SDK's reading of an event, whole, with the service's own rules around it: the reference its parser is held to. */
function sdkParse(headers: IncomingHttpHeaders, body: string) {
  checkDepth(body, MAX_JSON_DEPTH);
  const structured = String(headers['content-type'] ?? '').startsWith('application/cloudevents+json');
  const sent = structured ? (JSON.parse(body) as Record<string, unknown> | null) : undefined;
  const given = (key: string) => (structured ? sent?.[key] : headers[`ce-${key}`]);
  const missing = ['id', 'source', 'type', 'specversion'].filter((key) => typeof given(key) !== 'string' || given(key) === '');
  if (missing.length > 0) throw new Error(`missing required attribute ${missing.join(', ')}`);
  if (given('specversion') !== '1.0') throw new Error(`specversion ${given('specversion')} is not supported: Keptn sends CloudEvents 1.0`);
  const event = HTTP.toEvent({ headers, body }) as CloudEvent<any> | CloudEvent<any>[];
  if (Array.isArray(event)) throw new Error('batched events are not supported');
  event.validate();
  return checkKeptnEvent(event);
}

/** The event as plain JSON, or the error; a time the sender did not give (now) only as its shape. */
function outcome(parse: () => CloudEvent<any>, timeGiven: boolean) {
  try {
    const { time, ...rest } = parse().toJSON();
    return { event: rest, time: timeGiven ? time : /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(String(time)) };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

describe('events as the CloudEvents SDK reads them', () => {
  const ce = {
    'content-type': 'application/json',
    'ce-specversion': '1.0',
    'ce-id': 'e6d7b2c1-1e0f-4d6e-9d0a-4f1c2b3a4d5e',
    'ce-source': 'shipyard-controller',
    'ce-type': 'sh.keptn.event.my-task.triggered',
    'ce-shkeptncontext': 'a3e5f16d-8888-4720-82c7-6995062905c1',
    'ce-time': '2024-06-01T10:00:00.000Z',
  };
  const data = JSON.stringify({ project: 'sockshop', stage: 'dev', service: 'carts', 'my-task': { n: 1 } });
  const without = (key: keyof typeof ce) => Object.fromEntries(Object.entries(ce).filter(([k]) => k !== key));
  const structured = (event: Record<string, unknown>) =>
    [{ 'content-type': 'application/cloudevents+json' }, JSON.stringify(event)] as const;
  const { 'content-type': _, ...attributes } = ce;
  const asStructured = {
    ...Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k.slice(3), v])),
    datacontenttype: 'application/json',
    data: JSON.parse(data),
  };

  // [what, headers, body, read by the service's own parser (not the SDK)]
  const cases: [string, IncomingHttpHeaders, string, boolean][] = [
    ['as the distributor sends it', ce, data, true],
    ['with a charset', { ...ce, 'content-type': 'application/json; charset=utf-8' }, data, true],
    [
      'with extensions',
      { ...ce, 'ce-triggeredid': 'x1', 'ce-gitcommitid': 'abc123', 'ce-subject': 's', 'ce-dataschema': 'https://example.com/s' },
      data,
      true,
    ],
    ['an unreadable time (the SDK makes it now)', { ...ce, 'ce-time': 'yesterday' }, data, true],
    ['no time', without('ce-time'), data, true],
    ['an empty object', ce, '{}', true],
    ['a dataschema that is not a URI', { ...ce, 'ce-dataschema': 'not a uri' }, data, true],
    ['a source that is not a URI reference', { ...ce, 'ce-source': 'a b' }, data, true],
    ['invalid JSON', ce, '{"project":', false],
    ['no ce-id', without('ce-id'), data, false],
    ['no ce-source', without('ce-source'), data, false],
    ['no ce-type', without('ce-type'), data, false],
    ['no ce-specversion', without('ce-specversion'), data, false],
    ['no shkeptncontext', without('ce-shkeptncontext'), data, false],
    ['an empty ce-id', { ...ce, 'ce-id': '' }, data, false],
    ['an empty extension', { ...ce, 'ce-subject': '' }, data, false],
    ['specversion 0.3', { ...ce, 'ce-specversion': '0.3' }, data, false],
    ['specversion 2.0', { ...ce, 'ce-specversion': '2.0' }, data, false],
    ['an extension name with a dash', { ...ce, 'ce-my-ext': 'x' }, data, false],
    ['ce-datacontenttype', { ...ce, 'ce-datacontenttype': 'text/plain' }, data, false],
    ['ce-data', { ...ce, 'ce-data': 'x' }, data, false],
    ['no body', ce, '', false],
    ['a JSON array', ce, '[1]', false],
    ['a JSON string', ce, '"text"', false],
    ['a number', ce, '42', false],
    ['plain words', ce, 'plain words', false],
    ['text/plain', { ...ce, 'content-type': 'text/plain' }, data, false],
    ['no content type', without('content-type'), data, false],
    ['structured', ...structured(asStructured), false],
    ['structured, specversion a number', ...structured({ ...asStructured, specversion: 1 }), false],
    ['structured, specversion 0.3', ...structured({ ...asStructured, specversion: '0.3' }), false],
    ['structured, no id', ...structured({ ...asStructured, id: undefined }), false],
    ['structured, data a string', ...structured({ ...asStructured, data: 'text' }), false],
    ['a batch', { 'content-type': 'application/cloudevents-batch+json' }, JSON.stringify([asStructured]), false],
    ['an empty shkeptncontext', { ...ce, 'ce-shkeptncontext': '' }, data, false],
    ['null', ce, 'null', false],
    [`nested ${MAX_JSON_DEPTH} deep`, ce, nested(MAX_JSON_DEPTH), true],
    [`nested ${MAX_JSON_DEPTH + 1} deep`, ce, nested(MAX_JSON_DEPTH + 1), false],
    ['brackets in strings, which do not nest', ce, JSON.stringify({ text: '[{'.repeat(100), quoted: '\\"[[[' }), true],
    ['structured, an empty shkeptncontext', ...structured({ ...asStructured, shkeptncontext: '' }), false],
    [
      'structured, no shkeptncontext, not a Keptn type',
      ...structured({ ...asStructured, type: 'com.example.x', shkeptncontext: undefined }),
      false,
    ],
    ['structured, data an array', ...structured({ ...asStructured, data: [1] }), false],
    ['structured, data null', ...structured({ ...asStructured, data: null }), false],
    ['structured, no data', ...structured({ ...asStructured, data: undefined }), false],
    [`structured, nested ${MAX_JSON_DEPTH} deep`, ...structured({ ...asStructured, data: JSON.parse(nested(MAX_JSON_DEPTH - 1)) }), false],
  ];

  afterEach(() => vi.restoreAllMocks());

  it.each(cases)('%s: accepted or refused as the SDK did', (_, headers, body, own) => {
    const toEvent = vi.spyOn(HTTP, 'toEvent');
    const timeGiven = typeof headers['ce-time'] === 'string' && !Number.isNaN(Date.parse(headers['ce-time']));
    const ours = outcome(() => parseEvent(headers, body), timeGiven);
    // Only what the distributor sends skips the SDK (a refusal before parsing never reaches it).
    if (own) expect(toEvent).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    expect(ours).toEqual(outcome(() => sdkParse(headers, body), timeGiven));
  });

  it('leaves every event to the SDK when CE_USE_BIG_INT=true, which keeps large integers exact', async () => {
    vi.stubEnv('CE_USE_BIG_INT', 'true');
    vi.resetModules();
    try {
      const fresh = await import('../../src/keptn/server.js');
      expect(typeof fresh.parseEvent(ce, '{"n":12345678901234567890}').data?.n).toBe('bigint');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it.each([
    ['binary', { ...ce, 'ce-specversion': '0.3' }, data],
    ['binary', { ...ce, 'ce-specversion': '2.0' }, data],
    ['structured', ...structured({ ...asStructured, specversion: '0.3' })],
  ] as const)('refuses a %s event of another CloudEvents version, whose attributes the SDK would not check', (_, headers, body) => {
    expect(() => parseEvent(headers, body)).toThrow(/^specversion (0\.3|2\.0) is not supported: Keptn sends CloudEvents 1\.0$/);
  });

  it('keeps extensions in the order they came, as the SDK does', () => {
    const headers = { ...ce, 'ce-zeta': 'z', 'ce-alpha': 'a' };
    expect(Object.keys(parseEvent(headers, data))).toEqual(Object.keys(sdkParse(headers, data)));
  });
});

// Reliability of a generated service running as a real process: replies survive a distributor
// outage, an event delivered twice runs once, SIGTERM lets running tasks finish, and hostile
// requests cost only themselves. Each test
// records figures; afterAll prints them as one table ("reliability: <figure>: <value>").
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CloudEvent, HTTP } from 'cloudevents';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, startService } from '../conformance/contract.js';
import { generate, linkDependencies } from '../helpers.js';

const N = 50; // events sent through the distributor outage
// How long the distributor stand-in refuses replies: longer than the whole retry budget the
// service once had (5 retries, 200 ms doubling: 6.2 s), shorter than REPLY_RETRY_SECONDS (120).
const OUTAGE_MS = 8000;
const M = 20; // events in flight at SIGTERM
const HOLD_MS = 1000; // how long the stand-in holds each .started, to keep tasks in flight
const MAX_BODY_BYTES = 4096; // set low so oversized bodies are cheap to send
const SEED = 20240601; // random bad requests are reproducible

const figures: [string, string | number][] = [];
const figure = (name: string, value: string | number) => figures.push([name, value]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `done` every 20 ms; false when `ms` pass first (the caller asserts, with figures). */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** `work`, or 'timeout' after `ms`. */
async function within<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Reply {
  type: string;
  triggeredid: string;
  status?: string;
  at: number;
}

/**
 * Stands in for the distributor's event endpoint (POST /event). `control.refuseUntil` makes it
 * fail (alternately 503 and a reset connection: the request unread, as when the distributor
 * goes away); `control.holdStartedMs` delays its answer to each .started. `received` is every
 * reply that arrived, `accepted` every one answered 200.
 */
async function startDistributor() {
  const control = { refuseUntil: 0, holdStartedMs: 0 };
  const counts = { answered503: 0, reset: 0 };
  const received: Reply[] = [];
  const accepted: Reply[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    if (req.method !== 'POST' || req.url !== '/event') return void res.writeHead(404).end();
    if (Date.now() < control.refuseUntil) {
      // Both ways a failing distributor refuses: an error status, and a connection reset. (One
      // that reads the request and then hangs up may have forwarded it: the service does not
      // send that one again, and the project's own tests hold it to that.)
      if ((counts.answered503 + counts.reset) % 2 === 0) {
        counts.answered503++;
        return void res.writeHead(503).end();
      }
      counts.reset++;
      return void req.socket.resetAndDestroy();
    }
    let body: any;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return void res.writeHead(400).end();
    }
    const reply: Reply = { type: String(body.type), triggeredid: body.triggeredid, status: body.data?.status, at: Date.now() };
    received.push(reply);
    if (control.holdStartedMs && reply.type.endsWith('.started')) await sleep(control.holdStartedMs);
    accepted.push({ ...reply, at: Date.now() });
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/event`,
    control,
    counts,
    received,
    accepted,
    /** Replies to `id` that were accepted, of one phase. */
    repliesTo: (id: string, phase: 'started' | 'finished') => accepted.filter((r) => r.triggeredid === id && r.type.endsWith(`.${phase}`)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // the service's sender keeps connections alive
      }),
  };
}

/** Lines the service wrote for a failure that should never happen, whatever the input. */
const crashLines = (output: string) =>
  output.split('\n').filter((l) => /unhandled rejection|Uncaught|uncaughtException|FATAL|Segmentation/i.test(l));

describe('reliability of a generated generic service (Keptn 1.0, task db-migrate)', () => {
  let dir = '';
  let triggered: any; // the project's own example event, test-events/db-migrate.triggered.json
  /** A triggered event with a fresh Keptn context; deliver() gives it a fresh id. */
  const fresh = () => ({ ...triggered, shkeptncontext: randomUUID() });

  beforeAll(async () => {
    ({ dir } = await generate('generic', '1.0'));
    await linkDependencies(dir);
    await execa('npm', ['run', 'build'], { cwd: dir });
    triggered = JSON.parse(readFileSync(join(dir, 'test-events', 'db-migrate.triggered.json'), 'utf8'));
  });

  afterAll(() => {
    const width = Math.max(...figures.map(([name]) => name.length));
    console.log(['', ...figures.map(([name, value]) => `reliability: ${name.padEnd(width)}: ${value}`), ''].join('\n'));
  });

  it('distributor fails for 8 s and recovers: no reply is lost', async () => {
    const started = Date.now();
    const distributor = await startDistributor();
    const service = await startService(dir, { EVENT_BROKER_URL: distributor.url });
    try {
      // The outage starts with the first event, so every first attempt meets it.
      distributor.control.refuseUntil = Date.now() + OUTAGE_MS;
      const sent = await Promise.all(Array.from({ length: N }, () => deliver(service.url, fresh(), 'binary')));
      const ids = sent.map((s) => s.event.id);
      const complete = (id: string) => distributor.repliesTo(id, 'started').length > 0 && distributor.repliesTo(id, 'finished').length > 0;
      await until(() => ids.every(complete), OUTAGE_MS + 20_000);

      const received = ids.reduce(
        (n, id) => n + Math.min(1, distributor.repliesTo(id, 'started').length) + Math.min(1, distributor.repliesTo(id, 'finished').length),
        0,
      );
      const duplicates = ids.reduce(
        (n, id) =>
          n + Math.max(0, distributor.repliesTo(id, 'started').length - 1) + Math.max(0, distributor.repliesTo(id, 'finished').length - 1),
        0,
      );
      const strangers = distributor.accepted.filter((r) => !ids.includes(r.triggeredid)).length;
      const outOfOrder = ids.filter(
        (id) => complete(id) && distributor.repliesTo(id, 'finished')[0].at < distributor.repliesTo(id, 'started')[0].at,
      ).length;
      const retriesLogged = (service.output().match(/"msg":"sending event failed, will retry"/g) ?? []).length;
      const lostLogged = (service.output().match(/"msg":"reply given up"/g) ?? []).length;
      const lastReply = distributor.accepted.length ? Math.max(...distributor.accepted.map((r) => r.at)) : NaN;
      figure('outage: events sent', N);
      figure('outage: replies expected', 2 * N);
      figure('outage: replies received', received);
      figure('outage: replies lost', 2 * N - received);
      figure('outage: duplicate replies', duplicates);
      figure('outage: distributor 503 answers', distributor.counts.answered503);
      figure('outage: distributor reset connections', distributor.counts.reset);
      figure('outage: sender retries logged', retriesLogged);
      figure('outage: ms from outage start to last reply', lastReply - (distributor.control.refuseUntil - OUTAGE_MS));

      expect(sent.map((s) => s.status)).toEqual(Array(N).fill(202));
      // Without failed attempts the outage was never met and nothing was tested.
      expect(distributor.counts.answered503 + distributor.counts.reset).toBeGreaterThan(0);
      expect(2 * N - received).toBe(0); // lost
      expect(duplicates).toBe(0);
      expect(strangers).toBe(0);
      expect(outOfOrder).toBe(0);
      expect(lostLogged).toBe(0);
      expect(ids.map((id) => distributor.repliesTo(id, 'finished')[0]?.status)).toEqual(Array(N).fill('succeeded'));
    } finally {
      await service.stop();
      await distributor.close();
      figure('outage: test ms', Date.now() - started);
    }
  });

  it('an event delivered twice runs once; a body nested a million deep is refused in milliseconds', async () => {
    const distributor = await startDistributor();
    const service = await startService(dir, { EVENT_BROKER_URL: distributor.url });
    try {
      const event = new CloudEvent({ ...fresh(), id: randomUUID() });
      const message = HTTP.binary(event);
      const post = (body = message.body as string, headers = message.headers as Record<string, string>) =>
        fetch(service.url, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, body: await r.json() }));
      const first = await post();
      const again = await post();
      await until(() => distributor.repliesTo(event.id, 'finished').length > 0, 10_000);
      await sleep(300); // would a second run reply?
      figure('redelivery: answers to the same event twice', `${first.status}, ${again.status}`);
      expect([first.status, again.status]).toEqual([202, 200]);
      expect(again.body.status).toBe('duplicate');
      expect([distributor.repliesTo(event.id, 'started').length, distributor.repliesTo(event.id, 'finished').length]).toEqual([1, 1]);

      // 1 MB of '[' (MAX_BODY_BYTES is 1 MiB): JSON.parse alone takes about a second over it.
      const times: number[] = [];
      for (const deep of ['['.repeat(1024 * 1024 - 1), `${'{"a":'.repeat(170_000)}1${'}'.repeat(170_000)}`]) {
        const started = performance.now();
        const refused = await post(deep, { ...(message.headers as Record<string, string>), 'ce-id': randomUUID() });
        times.push(performance.now() - started);
        expect(refused).toEqual({ status: 400, body: { error: 'not a valid CloudEvent: JSON nested deeper than 64 levels' } });
      }
      figure('deep JSON: ms to refuse 1 MB of [, and of {"a":', times.map((t) => t.toFixed(0)).join(', '));
      // What sending 1 MB costs anyway: a flat body of that size, refused after it is parsed.
      const { 'ce-shkeptncontext': _, ...without } = message.headers as Record<string, string>;
      const flatStarted = performance.now();
      const flat = await post(JSON.stringify({ text: 'x'.repeat(1024 * 1024 - 20) }), { ...without, 'ce-id': randomUUID() });
      figure('deep JSON: ms to refuse a flat 1 MB body (its upload and parse)', (performance.now() - flatStarted).toFixed(0));
      expect(flat.status).toBe(400);
      // The times are figures, not limits: on a loaded machine everything is slower (npm run bench
      // measures speed); what must hold is the refusal above and the service still healthy.
      expect((await fetch(new URL('/health', service.url))).status).toBe(200);
    } finally {
      await service.stop();
      await distributor.close();
    }
  });

  it('in-flight tasks complete on SIGTERM', async () => {
    const started = Date.now();
    const distributor = await startDistributor();
    // The generic handler finishes at once; holding .started keeps every task in flight.
    distributor.control.holdStartedMs = HOLD_MS;
    const service = await startService(dir, { EVENT_BROKER_URL: distributor.url, SHUTDOWN_GRACE_SECONDS: '10' });
    let exiting: Promise<number | undefined> | undefined;
    try {
      const sent = await Promise.all(Array.from({ length: M }, () => deliver(service.url, fresh(), 'binary')));
      const ids = sent.map((s) => s.event.id);
      const held = await until(
        () => ids.every((id) => distributor.received.some((r) => r.triggeredid === id && r.type.endsWith('.started'))),
        5_000,
      );
      const finishedBefore = ids.filter((id) => distributor.repliesTo(id, 'finished').length > 0).length;

      const sigtermAt = Date.now();
      exiting = service.stop(); // SIGTERM; resolves with the exit code
      // Once it logs "stopping" the service is draining: a new event must be refused (503, or
      // no answer once it has closed), never accepted and then dropped by the exit.
      const draining = await until(() => /"msg":"stopping"/.test(service.output()), 2_000);
      const late = draining
        ? await deliver(service.url, fresh(), 'binary').then(
            (r) => String(r.status),
            (err) => `no answer (${err.cause?.code ?? err.message})`,
          )
        : 'not sent';
      const exitCode = await within(exiting, 20_000);

      const finishedAfter = ids.filter((id) => distributor.repliesTo(id, 'finished').some((r) => r.at >= sigtermAt)).length;
      const loggedInFlight = Number(/"msg":"stopping","signal":"SIGTERM","inFlight":(\d+)/.exec(service.output())?.[1] ?? NaN);
      const statuses = ids.map(
        (id) =>
          distributor
            .repliesTo(id, 'finished')
            .map((r) => r.status)
            .join('+') || 'none',
      );
      figure('sigterm: events sent', M);
      figure('sigterm: in flight at SIGTERM (no .finished yet)', M - finishedBefore);
      figure('sigterm: in flight at SIGTERM (service log)', loggedInFlight);
      figure('sigterm: finished after SIGTERM', finishedAfter);
      figure('sigterm: events without .finished', statuses.filter((s) => s === 'none').length);
      figure('sigterm: event sent while draining answered', late);
      figure('sigterm: exit code', String(exitCode));
      figure('sigterm: ms from SIGTERM to exit', Date.now() - sigtermAt);

      expect(sent.map((s) => s.status)).toEqual(Array(M).fill(202));
      expect(held).toBe(true);
      // Nothing in flight at SIGTERM would test nothing.
      expect(M - finishedBefore).toBeGreaterThan(0);
      // The service's own count, a moment later: some may have finished in between.
      expect(loggedInFlight).toBeGreaterThan(0);
      expect(loggedInFlight).toBeLessThanOrEqual(M - finishedBefore);
      expect(exitCode).toBe(0);
      // Exactly one .finished per event, succeeded or (cut short by the grace period) errored.
      expect(statuses.filter((s) => s !== 'succeeded' && s !== 'errored')).toEqual([]);
      expect(finishedAfter).toBe(M - finishedBefore);
      expect(late).not.toBe('202');
    } finally {
      if (!exiting) await service.stop();
      await distributor.close();
      figure('sigterm: test ms', Date.now() - started);
    }
  });

  it('malformed and hostile requests are refused and cost nothing else', async () => {
    const started = Date.now();
    // Replies, if any slipped through, land here and are counted.
    const distributor = await startDistributor();
    const service = await startService(dir, { EVENT_BROKER_URL: distributor.url, MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
    let exiting: Promise<number | undefined> | undefined;
    try {
      const { port } = new URL(service.url);

      // mulberry32: a small seeded generator, so a failure can be replayed.
      let state = SEED;
      const random = () => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const int = (max: number) => Math.floor(random() * max);
      const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
      const pick = <T>(list: T[]): T => list[int(list.length)];

      type Outcome = { status?: number; error?: string };
      /** One POST / on its own connection. `declared` overrides Content-Length; `chunked` streams. */
      function post(headers: Record<string, string>, body: Buffer, opts: { chunked?: boolean; declared?: number } = {}): Promise<Outcome> {
        return new Promise((resolve) => {
          const h: Record<string, string | number> = { ...headers };
          if (!opts.chunked) h['content-length'] = opts.declared ?? body.length;
          const lying = opts.declared !== undefined && opts.declared > body.length;
          const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: h, agent: false, timeout: 2_000 }, (res) => {
            res.resume();
            resolve({ status: res.statusCode });
            if (lying) req.destroy(); // the promised body will never come
          });
          // An error after the answer (the service closing on an oversized body) changes nothing.
          req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
          req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
          if (opts.chunked) {
            // Several chunks without Content-Length, so only counting the bytes can catch the size.
            for (let i = 0; i < body.length; i += 8192) req.write(body.subarray(i, i + 8192));
            req.end();
          } else if (lying) {
            req.write(body); // a lying Content-Length: the rest never comes, the answer must
          } else req.end(body);
        });
      }

      /** A request cut off mid-body: headers promise more than is sent, then the socket dies. */
      function cutOff(): Promise<Outcome> {
        const body = JSON.stringify({ project: 'sockshop', stage: 'dev', service: 'carts' });
        const sent = 1 + int(body.length - 1);
        const lingerMs = 5 + int(20);
        return new Promise((resolve) => {
          const socket = connect(Number(port), '127.0.0.1', () => {
            socket.write(
              `POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nce-id: ${randomUUID()}\r\nce-source: test\r\n` +
                `ce-specversion: 1.0\r\nce-type: sh.keptn.event.db-migrate.triggered\r\nce-shkeptncontext: ${randomUUID()}\r\n` +
                `content-length: ${body.length + 100}\r\n\r\n${body.slice(0, sent)}`,
            );
            setTimeout(() => socket.destroy(), lingerMs);
          });
          socket.on('error', () => undefined);
          socket.on('close', () => resolve({}));
        });
      }

      const ce = () => ({
        'ce-id': randomUUID(),
        'ce-source': 'shipyard-controller',
        'ce-specversion': '1.0',
        'ce-type': 'sh.keptn.event.db-migrate.triggered',
        'ce-shkeptncontext': randomUUID(),
      });
      const json = { 'content-type': 'application/json' };
      const structured = { 'content-type': 'application/cloudevents+json' };
      const valid = JSON.stringify({ ...fresh(), id: randomUUID() });
      // Events missing a required attribute: the SDK would fill some in, the service must refuse them.
      const notCloudEvents = [
        '{}',
        '[]',
        'null',
        '42',
        '"text"',
        'true',
        '{"data":{}}',
        '{"specversion":"1.0"}',
        '{"id":"x","source":"y","specversion":"1.0"}',
        '{"type":"sh.keptn.event.db-migrate.triggered","shkeptncontext":"ctx2"}', // no id, source, specversion
        '{"id":"x","source":"y","specversion":"1.0","type":"sh.keptn.event.db-migrate.triggered"}', // no shkeptncontext
      ];
      const withoutCeHeaders: Record<string, string>[] = [
        json, // no ce- header at all
        { ...json, 'ce-source': 's', 'ce-type': 't', 'ce-specversion': '1.0' }, // no ce-id
        { ...json, 'ce-id': 'x', 'ce-source': 's', 'ce-specversion': '1.0' }, // no ce-type
        { ...json, 'ce-id': 'x', 'ce-type': 'sh.keptn.event.db-migrate.triggered', 'ce-shkeptncontext': 'c' }, // no ce-source, ce-specversion
        { ...json, 'ce-id': 'x', 'ce-source': 's', 'ce-specversion': '1.0', 'ce-type': 'sh.keptn.event.db-migrate.triggered' }, // no ce-shkeptncontext
        { 'content-type': 'text/plain' },
      ];

      type Case = { kind: string; run: () => Promise<Outcome>; expect: number[] };
      const cases: Case[] = [];
      const add = (count: number, kind: string, expectStatus: number[], run: () => Promise<Outcome>) => {
        for (let i = 0; i < count; i++) cases.push({ kind, run, expect: expectStatus });
      };
      add(30, 'random bytes, structured', [400], () => post(structured, bytes(1 + int(2000))));
      add(20, 'random bytes, binary', [400], () => post({ ...json, ...ce() }, bytes(1 + int(2000))));
      add(10, 'random bytes, no headers', [400], () => post({}, bytes(1 + int(2000))));
      add(30, 'invalid JSON (truncated event)', [400], () => post(structured, Buffer.from(valid.slice(0, 1 + int(valid.length - 1)))));
      add(30, 'JSON that is not a CloudEvent', [400], () => post(structured, Buffer.from(pick(notCloudEvents))));
      add(10, 'batch of events', [400], () =>
        post({ 'content-type': 'application/cloudevents-batch+json' }, Buffer.from(`[${valid},${valid}]`)),
      );
      add(30, 'binary without ce- headers', [400], () => post(pick(withoutCeHeaders), Buffer.from(JSON.stringify(triggered.data))));
      add(10, 'another CloudEvents version', [400], () =>
        post({ ...json, ...ce(), 'ce-specversion': pick(['0.3', '2.0']) }, Buffer.from(JSON.stringify(triggered.data))),
      );
      add(15, 'binary with data not an object', [400], () =>
        post({ ...ce(), 'content-type': pick(['text/plain', 'application/json']) }, Buffer.from(pick(['"text"', '42', 'plain words', '']))),
      );
      add(10, 'body over MAX_BODY_BYTES', [413], () => post(structured, bytes(MAX_BODY_BYTES + 1 + int(64 * 1024))));
      add(10, 'body over MAX_BODY_BYTES, chunked', [413], () =>
        post(structured, bytes(MAX_BODY_BYTES + 1 + int(64 * 1024)), { chunked: true }),
      );
      add(10, 'Content-Length of 1 GB, body never sent', [413], () => post(structured, Buffer.from('{'), { declared: 1024 ** 3 }));
      add(25, 'cut off mid-body', [], cutOff);

      // Shuffled and sent 10 at a time, so bad requests overlap as they would under attack.
      for (let i = cases.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [cases[i], cases[j]] = [cases[j], cases[i]];
      }
      const results: (Case & Outcome)[] = [];
      let healthFailures = 0;
      // Bounded: a service that stops answering fails the count below instead of the test timeout.
      const deadline = Date.now() + 40_000;
      for (let i = 0; i < cases.length && Date.now() < deadline; i += 10) {
        const batch = cases.slice(i, i + 10);
        results.push(...(await Promise.all(batch.map(async (c) => ({ ...c, ...(await c.run()) })))));
        // Alive after every batch: a crash shows up next to the requests that caused it.
        const health = await fetch(new URL('/health', service.url)).then(
          (r) => r.status,
          () => 0,
        );
        if (health !== 200) healthFailures++;
      }
      const healthAfter = await fetch(new URL('/health', service.url)).then(
        (r) => r.status,
        () => 0,
      );
      // Still serves real work afterwards.
      const good = await deliver(service.url, fresh(), 'binary').catch(() => undefined);
      const goodId = good?.event.id ?? 'none';
      if (good) await until(() => distributor.repliesTo(goodId, 'finished').length > 0, 10_000);
      const crashes = crashLines(service.output()).length + healthFailures;
      exiting = service.stop();
      const exitCode = await within(exiting, 20_000);

      const answered = results.filter((r) => r.expect.length > 0);
      const wrong = answered.filter((r) => !r.expect.includes(r.status ?? 0)).map((r) => `${r.kind}: ${r.status ?? r.error}`);
      const byKind = new Map<string, string[]>();
      for (const r of results) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), String(r.status ?? r.error ?? 'cut')]);
      figure('hostile: bad requests tried', results.length);
      figure('hostile: 4xx answers', results.filter((r) => r.status !== undefined && r.status >= 400 && r.status < 500).length);
      figure('hostile: 400 answers', results.filter((r) => r.status === 400).length);
      figure('hostile: 413 answers', results.filter((r) => r.status === 413).length);
      figure('hostile: cut off (no answer expected)', results.length - answered.length);
      figure('hostile: unexpected answers', wrong.length);
      figure('hostile: replies sent for bad requests', distributor.accepted.filter((r) => r.triggeredid !== goodId).length);
      figure('hostile: /health after', healthAfter);
      figure('hostile: crashes', crashes);
      figure('hostile: exit code on SIGTERM afterwards', String(exitCode));
      figure('hostile: test ms', Date.now() - started);

      expect(answered.length).toBeGreaterThanOrEqual(200);
      expect(wrong, [...byKind].map(([k, v]) => `${k}: ${[...new Set(v)].join(',')}`).join('\n')).toEqual([]);
      expect(healthAfter).toBe(200);
      expect(crashes).toBe(0);
      expect(good?.status).toBe(202);
      expect(distributor.repliesTo(goodId, 'finished').map((r) => r.status)).toEqual(['succeeded']);
      // Only the good event may cause replies.
      expect(distributor.accepted.filter((r) => r.triggeredid !== goodId)).toEqual([]);
      expect(exitCode).toBe(0);
    } finally {
      if (!exiting) await service.stop();
      await distributor.close();
    }
  });
});

// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// test/keptn/ (your edits here are merged, and may conflict): your integration's tests go into
// test/handler.test.ts instead.

// Starts the service in-process against a local stand-in for the distributor, and sends it events
// the way the distributor does.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CloudEvent, HTTP } from 'cloudevents';
import { loadConfig } from '../../src/keptn/config.js';
import { startDevBroker } from '../../src/dev/dev-broker.js';
import type { Integration } from '../../src/keptn/integration.js';
import type { SenderOptions } from '../../src/keptn/events.js';
import type { Log } from '../../src/keptn/log.js';
import { startService } from '../../src/keptn/service.js';

export const RESOURCES = fileURLToPath(new URL('../../keptn/resources', import.meta.url));

/**
 * How long a test waits for what must happen (a process to end, a file to appear): a bound against
 * a hang, not a speed check, so a slow or loaded machine is only slower. vitest.config.ts has the
 * one limit per test.
 */
export const PATIENCE_MS = 120_000;

/** Keeps log lines for assertions instead of printing them. */
export function memoryLog() {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  const log: Log = { info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

export interface StackOptions {
  /** Extra environment; a function gets the stand-in's URL (e.g. for WEBHOOK_URL). */
  env?: Record<string, string> | ((brokerUrl: string) => Record<string, string>);
  resourcesDir?: string;
  /**
   * How the distributor stand-in answers each event the service POSTs: a status (an event answered
   * 2xx is passed on and shows in replies(), any other is not); 'close': 200 and the connection
   * closed; 'drop': passed on, then the connection ends without an answer; 'hang up': the
   * connection ends without an answer, and 'reset': it is reset, both unread and not passed on.
   * Every attempt shows in stack.attempts. Default: 200.
   */
  answer?: (body: string, event: any) => Answer;
  /** The sender's retries; by default one retry after 10 ms, so that failures show quickly. */
  sender?: SenderOptions;
}

export type Answer = number | 'close' | 'drop' | 'hang up' | 'reset';

/** One POST of an event by the service, and how the stand-in answered it. */
export interface Attempt {
  bytes: number;
  body: any;
  answer: Answer;
}

/** Answers like Keptn's distributor: 500 to a body over `limit` bytes (API_PROXY_MAX_PAYLOAD_BYTES_KB). */
export const distributorLimit =
  (limit = 64 * 1024) =>
  (body: string) =>
    Buffer.byteLength(body) > limit ? 500 : 200;

/** The service running `integration` (your tests pass the one of src/handler.ts), with the stand-in. */
export async function startStack(integration: Integration, options: StackOptions = {}) {
  const broker = await startDevBroker({ resourcesDir: options.resourcesDir ?? RESOURCES });
  const gate = options.answer ? await startGate(`${broker.url}/event`, options.answer) : undefined;
  const config = loadConfig({
    PORT: '0',
    EVENT_BROKER_URL: gate ? gate.url : `${broker.url}/event`,
    CONFIGURATION_SERVICE_URL: `${broker.url}/resource-service`,
    ...(typeof options.env === 'function' ? options.env(broker.url) : options.env),
  });
  const { log, lines } = memoryLog();
  const service = await startService(integration, config, {
    log,
    sender: options.sender ?? { retries: 1, backoffMs: 10 },
  });
  const url = `http://127.0.0.1:${service.port}/`;
  return {
    broker,
    service,
    url,
    logs: lines,
    /** Replies the service sent, as plain objects. */
    replies: () => broker.events.map((e) => e.body),
    /** With `answer`: every event the service POSTed, in order, whatever the answer. */
    attempts: gate?.attempts ?? [],
    /** With `answer`: the distributor stand-in goes away (connections refused) for `ms`, then returns. */
    outage: (ms: number) => gate!.outage(ms),
    /** POST an event in binary mode (as the distributor does) or structured mode. */
    async post(event: CloudEvent<unknown>, mode: 'binary' | 'structured' = 'binary') {
      const message = mode === 'binary' ? HTTP.binary(event) : HTTP.structured(event);
      return fetch(url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
    },
    async close() {
      await service.stop(1000);
      await gate?.close();
      await broker.close();
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** The distributor's /event route in front of the broker, answering as `answer` says. */
async function startGate(brokerEventUrl: string, answer: NonNullable<StackOptions['answer']>) {
  const attempts: Attempt[] = [];
  let down = false;
  const server = createServer(async (req, res) => {
    // A request on a connection kept alive from before the outage: nothing arrives either.
    if (down) return void req.socket.resetAndDestroy();
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    const status = answer(text, body);
    attempts.push({ bytes: Buffer.byteLength(text), body, answer: status });
    if (status === 'hang up') return void req.socket.destroy();
    if (status === 'reset') return void req.socket.resetAndDestroy();
    if (status === 'drop' || status === 'close' || (status >= 200 && status < 300)) {
      const passed = await fetch(brokerEventUrl, {
        method: 'POST',
        headers: { 'content-type': String(req.headers['content-type']) },
        body: text,
      });
      if (status === 'drop') return void req.socket.destroy();
      return void res.writeHead(passed.status, status === 'close' ? { connection: 'close' } : {}).end();
    }
    res.writeHead(status).end();
  });
  server.on('connection', (socket) => down && socket.resetAndDestroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/event`,
    attempts,
    /**
     * Takes nothing for `ms`, as a restarting distributor (requests being answered finish): every
     * connection is reset, which the sender, like a refused one, knows was not read. The port stays
     * this server's: closed and opened again, it could go to another process on the machine.
     */
    async outage(ms: number): Promise<void> {
      down = true;
      server.closeIdleConnections();
      await new Promise((r) => setTimeout(r, ms));
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // the service's sender keeps connections alive
      }),
  };
}

/**
 * A task as Keptn runs it: posts `event` (a .triggered) the way the distributor does, which the
 * service accepts (202), waits for its .started and .finished, holds both to the reply rules
 * (expectReplyTo) and returns the .finished, as a plain object.
 */
export async function runTask(stack: Stack, event: CloudEvent<Record<string, unknown>>, mode: 'binary' | 'structured' = 'binary') {
  const res = await stack.post(event, mode);
  if (res.status !== 202) throw new Error(`the service answered ${event.type} with ${res.status}, not 202 (accepted)`);
  await stack.broker.until(() => stack.replies().length >= 2);
  const [started, finished] = stack.replies();
  expectReplyTo(event, started, 'started');
  expectReplyTo(event, finished, 'finished');
  return finished;
}

/** An event from test-events/, as a CloudEvent, with changes applied to its data. */
export function testEvent(file: string, data: Record<string, unknown> = {}): CloudEvent<Record<string, unknown>> {
  const raw = JSON.parse(readFileSync(new URL(`../../test-events/${file}`, import.meta.url), 'utf8'));
  return new CloudEvent({ ...raw, data: { ...raw.data, ...data } });
}

/** The reply rules every .started/.finished must follow (Keptn spec). */
export function expectReplyTo(triggered: CloudEvent<Record<string, any>>, reply: any, phase: 'started' | 'finished') {
  const errors: string[] = [];
  const want = (ok: boolean, what: string) => ok || errors.push(what);
  want(reply.type === triggered.type.replace(/triggered$/, phase), `type ${reply.type}`);
  want(reply.source === 'prometheus-sli', `source ${reply.source}`);
  want(reply.specversion === '1.0', `specversion ${reply.specversion}`);
  want(reply.id !== triggered.id && typeof reply.id === 'string', 'a new id');
  want(reply.shkeptncontext === triggered.shkeptncontext, 'shkeptncontext copied');
  want(reply.triggeredid === triggered.id, `triggeredid ${reply.triggeredid}`);
  want(reply.shkeptnspecversion === '0.2.4', `shkeptnspecversion ${reply.shkeptnspecversion}`);
  for (const key of ['project', 'stage', 'service', 'labels']) {
    want(JSON.stringify(reply.data?.[key]) === JSON.stringify(triggered.data?.[key]), `data.${key} copied`);
  }
  if (errors.length > 0) throw new Error(`bad ${phase} reply: ${errors.join(', ')}\n${JSON.stringify(reply, null, 2)}`);
}

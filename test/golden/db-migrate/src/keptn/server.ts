// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// src/keptn/ (your edits here are merged, and may conflict): your integration's code goes into
// src/handler.ts instead.

// The HTTP face of the service: health probes for Kubernetes, and the endpoint the distributor
// posts events to (binary mode; structured mode works too).
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { CloudEvent, HTTP } from 'cloudevents';
import type { Config } from './config.js';
import type { KeptnData, KeptnEvent } from './events.js';
import { errorMessage, type Log } from './log.js';
import type { Dispatcher } from './tasks.js';

export function createHttpServer(config: Config, dispatcher: Dispatcher, log: Log) {
  let accepting = true;
  let ready = true;

  const server = createServer((req, res) => {
    // A client that drops the connection mid-request must cost that request only, never the
    // service with its running tasks.
    handle(req, res).catch((err) => {
      log.warn('request failed', { error: errorMessage(err) });
      if (!res.headersSent) send(res, 400, { error: errorMessage(err) });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Events come to `/`: only other paths need the URL parser.
    const path = req.url === '/' ? '/' : new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/health') return send(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === '/ready') {
      return ready ? send(res, 200, { status: 'ready' }) : send(res, 503, { status: 'shutting down' });
    }
    if (path !== '/') return send(res, 404, { error: `no route ${path}` });
    if (req.method !== 'POST') return send(res, 405, { error: 'events are POSTed to /' });
    if (!accepting) return send(res, 503, { error: 'shutting down, not taking new events' });

    const body = await readBody(req, config.maxBodyBytes);
    if (body === undefined) {
      log.warn('request refused: body too large', { limit: config.maxBodyBytes });
      return send(res, 413, { error: `body larger than ${config.maxBodyBytes} bytes` });
    }
    let event: KeptnEvent;
    try {
      event = parseEvent(req.headers, body);
    } catch (err) {
      log.warn('request refused: not a valid CloudEvent', { error: errorMessage(err) });
      return send(res, 400, { error: `not a valid CloudEvent: ${errorMessage(err)}` });
    }
    // SIGTERM may have come while the body was arriving: a task started now would not be waited for.
    if (!accepting) return send(res, 503, { error: 'shutting down, not taking new events' });
    const outcome = dispatcher.dispatch(event);
    if (outcome === 'busy') return send(res, 503, { error: 'too many replies wait for the distributor: not taking new tasks' });
    // A duplicate was taken before: answered as a success, so that it is not sent again.
    send(res, outcome === 'accepted' ? 202 : 200, { status: outcome, type: event.type });
  }

  return {
    server,
    /** /ready turns 503, so Kubernetes stops routing to this pod; events are still taken. */
    stopReadiness(): void {
      ready = false;
    },
    /** Stop taking events (503), and stop being ready. */
    stopAccepting(): void {
      ready = false;
      accepting = false;
    },
  };
}

const REQUIRED = ['id', 'source', 'type', 'specversion'] as const;

/**
 * Deepest nesting of objects and arrays an event may have (Keptn's own events nest some 6 deep).
 * A body nested deeper is refused before it is parsed: JSON.parse takes about a second over 1 MB
 * of `[`, and what it builds from a deep one overflows the stack of whatever walks it later.
 */
export const MAX_JSON_DEPTH = 64;

/** The event a request carries, or an error saying why it is not a valid one (the 400's reason). */
export function parseEvent(headers: IncomingHttpHeaders, body: string): KeptnEvent {
  checkDepth(body, MAX_JSON_DEPTH);
  // The SDK fills in a missing id or source rather than refusing the event: check what was sent.
  const structured = String(headers['content-type'] ?? '').startsWith('application/cloudevents+json');
  const sent = structured ? (JSON.parse(body) as Record<string, unknown> | null) : undefined;
  const given = (key: string) => (structured ? sent?.[key] : headers[`ce-${key}`]);
  const missing = REQUIRED.filter((key) => typeof given(key) !== 'string' || given(key) === '');
  if (missing.length > 0) throw new Error(`missing required attribute ${missing.join(', ')}`);
  // The SDK's validate() checks nothing of an event of another version; Keptn sends only 1.0.
  const version = given('specversion');
  if (version !== '1.0') throw new Error(`specversion ${version} is not supported: Keptn sends CloudEvents 1.0`);
  const event = (structured ? undefined : fromBinary(headers, body)) ?? (HTTP.toEvent({ headers, body }) as KeptnEvent | KeptnEvent[]);
  if (Array.isArray(event)) throw new Error('batched events are not supported');
  event.validate();
  return checkKeptnEvent(event);
}

/**
 * What every Keptn event has and a reply needs: a Keptn context to copy (an empty one would
 * make a reply that belongs to no sequence), and data that is an object (project, stage,
 * service, the task's own fields).
 */
export function checkKeptnEvent(event: KeptnEvent): KeptnEvent {
  if (typeof event.shkeptncontext !== 'string' || event.shkeptncontext === '') {
    throw new Error(`${event.shkeptncontext === '' ? 'empty' : 'missing'} shkeptncontext, which every Keptn event carries`);
  }
  const data: unknown = event.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data) || ArrayBuffer.isView(data)) {
    if (data === undefined || data === null) throw new Error('data must be a JSON object: the event has none');
    throw new Error(
      `data must be a JSON object, not ${Array.isArray(data) ? 'an array' : typeof data === 'object' ? 'binary data' : `a ${typeof data}`}`,
    );
  }
  return event;
}

/**
 * Throws when `text`, read as JSON, nests objects and arrays deeper than `max`. One pass over the
 * characters, skipping strings; text that is not JSON is left to the parser's own error.
 */
export function checkDepth(text: string, max: number): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: its brackets do not count (a backslash escapes the next character).
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) throw new Error(`JSON nested deeper than ${max} levels`);
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
}

/** Content types the SDK parses as JSON in binary mode (it compares them whole). */
const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8']);
/** ce- headers the SDK treats apart from plain attributes and extensions (ce-time is read below). */
const SPECIAL = new Set(['ce-data', 'ce-datacontenttype', 'ce-datacontentencoding', 'ce-schemaurl']);
/** With CE_USE_BIG_INT=true the SDK reads JSON keeping large integers exact: it reads every event then. */
const BIG_INT = process.env.CE_USE_BIG_INT === 'true';

/**
 * The event as the SDK's HTTP.toEvent() makes it, for what the distributor sends: binary mode,
 * CloudEvents 1.0 (parseEvent has refused any other version), a JSON object body, plain ce-
 * headers. Undefined for anything else, which the SDK parses instead (with its errors). Read here
 * because the SDK's parser takes some 50 µs per event, a third of it building error objects that
 * it throws only for bad events; test/keptn/service.test.ts holds the two equal.
 */
function fromBinary(headers: IncomingHttpHeaders, body: string): KeptnEvent | undefined {
  const contentType = headers['content-type'];
  if (BIG_INT || contentType === undefined || !JSON_TYPES.has(contentType) || body[0] !== '{') return undefined;
  const attributes: Record<string, unknown> = {};
  for (const name in headers) {
    if (!name.startsWith('ce-')) continue;
    const value = headers[name];
    if (typeof value !== 'string' || value === '' || !/^ce-[a-z0-9]+$/.test(name) || SPECIAL.has(name)) return undefined;
    attributes[name.slice(3)] = value;
  }
  if (typeof attributes.time === 'string') attributes.time = isoTime(attributes.time);
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return undefined; // the SDK's error says what is wrong
  }
  return new CloudEvent<KeptnData>({ ...attributes, datacontenttype: contentType, data } as KeptnEvent, false);
}

/** ce-time as the SDK reads it: an unreadable time becomes now. */
function isoTime(value: string): string {
  const time = new Date(Date.parse(value));
  return (Number.isNaN(time.getTime()) ? new Date() : time).toISOString();
}

/** The request body as text, or undefined once it grows past `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return drop(req);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return drop(req);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function drop(req: IncomingMessage): undefined {
  req.resume();
  return undefined;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', connection: status >= 400 ? 'close' : 'keep-alive' });
  res.end(JSON.stringify(body));
}

// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// src/keptn/ (your edits here are merged, and may conflict): your integration's code goes into
// src/handler.ts instead.

// Keptn's event rules (https://github.com/keptn/spec): what a reply must copy from the event it
// answers, and how it reaches Keptn.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { CloudEvent, HTTP } from 'cloudevents';
import type { Config } from './config.js';
import { errorMessage, type Log } from './log.js';

export interface KeptnData {
  project?: string;
  stage?: string;
  service?: string;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

export type KeptnEvent = CloudEvent<KeptnData>;
export type Status = 'succeeded' | 'errored' | 'unknown';
export type Result = 'pass' | 'warning' | 'fail';

/** What a task reports in its .finished event. */
export interface Outcome {
  status?: Status;
  result: Result;
  message: string;
  /** The task's own payload, sent as data.<task>. */
  payload?: Record<string, unknown>;
}

/** `sh.keptn.event.<task>.triggered` → `<task>`; undefined for any other type. */
export function taskOf(type: string): string | undefined {
  return /^sh\.keptn\.event\.([a-z0-9-]+)\.triggered$/.exec(type)?.[1];
}

/** Does `type` match a subscription, with NATS wildcards (`*` one segment, `>` the rest)? */
export function matches(type: string, subscription: string): boolean {
  const want = subscription.split('.');
  const got = type.split('.');
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '>') return got.length > i;
    if (i >= got.length || (want[i] !== '*' && want[i] !== got[i])) return false;
  }
  return got.length === want.length;
}

/** A `.started` or `.finished` reply to a triggered event. */
export function reply(
  triggered: KeptnEvent,
  phase: 'started' | 'finished',
  config: Pick<Config, 'name' | 'specVersion'>,
  extra: Record<string, unknown> = {},
): KeptnEvent {
  const { project, stage, service, labels } = triggered.data ?? {};
  // Keptn 1.x's lighthouse reads slo.yaml at the commit named by get-sli.finished's gitcommitid:
  // every reply carries the trigger's, when it has one (Keptn before 0.13 sends none).
  const { gitcommitid } = triggered;
  return new CloudEvent<KeptnData>({
    id: randomUUID(), // the SDK's own ids cost more, drawing fresh random bytes for each
    type: triggered.type.replace(/\.triggered$/, `.${phase}`),
    source: config.name,
    datacontenttype: 'application/json',
    shkeptncontext: triggered.shkeptncontext,
    triggeredid: triggered.id,
    shkeptnspecversion: config.specVersion,
    ...(gitcommitid !== undefined && gitcommitid !== null ? { gitcommitid } : {}),
    data: { project, stage, service, ...(labels ? { labels } : {}), ...extra },
  });
}

/** Bytes of the body the sender POSTs for `event` (structured mode). */
export function eventBytes(event: KeptnEvent): number {
  return Buffer.byteLength(HTTP.structured(event).body as string);
}

/** How fitEvent() made an event fit; undefined when it fitted as it was. */
export type Fitting =
  | { how: 'message cut'; bytes: number; cutBytes: number }
  | { how: 'report dropped'; bytes: number; fits: boolean };

/**
 * `event` as it can be sent within `maxBytes` (MAX_EVENT_BYTES: the distributor refuses larger
 * bodies with 500, so an event over it would never reach Keptn and its sequence would wait
 * forever). First data.message is cut, keeping its start; if the rest is still too large (a huge
 * task payload), a .finished becomes an errored one that says so, without the payload.
 */
export function fitEvent(event: KeptnEvent, maxBytes: number): { event: KeptnEvent; fitting?: Fitting } {
  const bytes = eventBytes(event);
  if (bytes <= maxBytes) return { event };
  const data = event.data ?? {};
  const fits = (e: KeptnEvent) => eventBytes(e) <= maxBytes;

  if (typeof data.message === 'string') {
    const message = data.message;
    const total = Buffer.byteLength(message);
    // The message cut to its first `n` characters, with a note of how much is gone.
    const cut = (n: number) => {
      if (n > 0 && /[\uD800-\uDBFF]/.test(message[n - 1])) n--; // never split a surrogate pair
      const kept = message.slice(0, n);
      const gone = total - Buffer.byteLength(kept);
      const note = `… (cut: ${gone} bytes over Keptn's event limit of ${maxBytes} bytes)`;
      return { event: event.cloneWith({ data: { ...data, message: kept + note } }), gone };
    };
    if (fits(cut(0).event)) {
      // The longest start that fits: lo always fits, hi never (the whole message did not, nor
      // does any start longer than the limit, every character being a byte at least).
      let lo = 0;
      let hi = Math.min(message.length, maxBytes + 1);
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (fits(cut(mid).event)) lo = mid;
        else hi = mid;
      }
      const fitted = cut(lo);
      return { event: fitted.event, fitting: { how: 'message cut', bytes, cutBytes: fitted.gone } };
    }
  }

  // Too large even without its message: what remains is the task's payload (or the labels).
  const task = /^sh\.keptn\.event\.([a-z0-9-]+)\.[a-z]+$/.exec(event.type)?.[1];
  const payload = task ? data[task] : undefined;
  const kept = payload && typeof payload === 'object' && !Array.isArray(payload) ? { [task!]: essentials(payload as Record<string, unknown>) } : {};
  const { project, stage, service, labels } = data;
  const keys = { project, stage, service };
  let candidates: KeptnData[];
  if (event.type.endsWith('.finished')) {
    const why =
      `the ${task} report of ${bytes} bytes exceeded Keptn's event limit of ${maxBytes} bytes (MAX_EVENT_BYTES) and was dropped; ` +
      `the task had ended with status ${String(data.status)}, result ${String(data.result)}`;
    const excerpt = typeof data.message === 'string' && data.message.trim() !== '' ? `; its message began: ${excerptOf(data.message, 300)}` : '';
    const outcome = { status: 'errored', result: 'fail', message: why };
    candidates = [
      { ...keys, ...(labels ? { labels } : {}), ...outcome, message: why + excerpt, ...kept },
      { ...keys, ...(labels ? { labels } : {}), ...outcome, ...kept },
      { ...keys, ...outcome, ...kept },
      { ...keys, ...outcome },
    ];
  } else {
    candidates = [{ ...keys, ...(labels ? { labels } : {}), ...kept }, { ...keys, ...kept }, keys];
  }
  // The first that fits, in order of what it keeps; labels and the short payload fields go last.
  const events = candidates.map((candidate) => event.cloneWith({ data: candidate }));
  const fitted = events.find(fits);
  return { event: fitted ?? events[events.length - 1], fitting: { how: 'report dropped', bytes, fits: fitted !== undefined } };
}

/**
 * What of a task payload survives when the payload is dropped: its short top-level strings,
 * numbers and booleans. Keptn's schemas require some of them (test.finished: test.start, end and
 * gitCommit; get-sli.finished: get-sli.start and end), all short; lists and long texts, which make a
 * report large, go.
 */
export function essentials(payload: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(payload).filter(
      ([, v]) => typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && Buffer.byteLength(v) <= 256),
    ),
  );
}

/** The start of `text`, at most `chars` characters, on one line. */
function excerptOf(text: string, chars: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= chars) return line;
  const n = /[\uD800-\uDBFF]/.test(line[chars - 1]) ? chars - 1 : chars;
  return `${line.slice(0, n)}…`;
}

export interface SenderOptions {
  /** Attempts after the first one. */
  retries?: number;
  /** First wait between attempts; doubles each time. */
  backoffMs?: number;
}

/** Thrown by a sender that gave up on an event. */
export class SendError extends Error {
  constructor(
    message: string,
    /** Why the last attempt failed: `HTTP 500`, `connect ECONNREFUSED …`. */
    readonly reason: string,
    /**
     * False only when no attempt can have reached Keptn: each was answered with an error status or
     * failed before the whole request was written. A request written in full and then met by a
     * dropped connection or silence may have been taken: sending another event in its place could
     * make two.
     */
    readonly mayHaveArrived: boolean,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

/**
 * Sends events to the distributor as structured CloudEvents, each made to fit `maxEventBytes`
 * first (see fitEvent). Retries with exponential backoff while the distributor is unreachable or
 * answers 5xx; throws a SendError when it finally gives up. Plain node:http with kept-alive
 * connections: every task sends two events, and fetch() costs several times more.
 */
export function createSender(config: Pick<Config, 'eventBrokerUrl' | 'maxEventBytes'>, log: Log, options: SenderOptions = {}) {
  const retries = options.retries ?? 5;
  const backoffMs = options.backoffMs ?? 200;
  const url = new URL(config.eventBrokerUrl);
  const client = url.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets: 32 });
  // Made once: node:http turns a URL into these options on every request otherwise.
  const target = { ...urlToHttpOptions(url), method: 'POST', agent, timeout: 10_000 };

  /** The answer's status; on failure, an error that says whether the request was written in full. */
  function post(body: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = client.request({ ...target, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      let written = false;
      req.on('finish', () => (written = true));
      req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', (err) => reject(Object.assign(err, { written })));
      req.end(body);
    });
  }

  return async function send(event: KeptnEvent): Promise<void> {
    let message = HTTP.structured(event);
    const { event: fitted, fitting } =
      Buffer.byteLength(message.body as string) > config.maxEventBytes ? fitEvent(event, config.maxEventBytes) : { event, fitting: undefined };
    if (fitting) message = HTTP.structured(fitted);
    if (fitting?.how === 'message cut') {
      log.warn("event over Keptn's size limit: its message was cut", {
        type: event.type,
        bytes: fitting.bytes,
        limit: config.maxEventBytes,
        cutBytes: fitting.cutBytes,
      });
    } else if (fitting) {
      log.warn(
        fitting.fits
          ? "event over Keptn's size limit even without its message: sent without its report"
          : "event over Keptn's size limit even without its report: sent anyway",
        { type: event.type, bytes: fitting.bytes, limit: config.maxEventBytes, sentBytes: Buffer.byteLength(message.body as string) },
      );
    }
    let lastError = '';
    let mayHaveArrived = false;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
      try {
        const status = await post(message.body as string, message.headers as Record<string, string>);
        if (status >= 200 && status < 300) return;
        lastError = `HTTP ${status}`;
        if (status < 500) break; // the event itself was refused: retrying will not help
      } catch (err) {
        lastError = errorMessage(err);
        if ((err as { written?: boolean }).written !== false) mayHaveArrived = true;
      }
      log.warn('sending event failed, will retry', { type: event.type, attempt: attempt + 1, error: lastError });
    }
    throw new SendError(`could not send ${event.type} to ${config.eventBrokerUrl}: ${lastError}`, lastError, mayHaveArrived);
  };
}

export type Send = ReturnType<typeof createSender>;

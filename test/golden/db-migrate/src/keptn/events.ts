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
  | { how: 'labels dropped'; bytes: number }
  | { how: 'message cut'; bytes: number; cutBytes: number; labelsDropped: boolean }
  | { how: 'report dropped'; bytes: number; fits: boolean };

/**
 * `event` as it can be sent within `maxBytes` (MAX_EVENT_BYTES: the distributor refuses larger
 * bodies with 500, so an event over it would never reach Keptn and its sequence would wait
 * forever). What Keptn does not need goes first, and the message says what went:
 * 1. the echoed labels. Keptn keeps the sequence's own and gives them to every later task
 *    (0.8.7:shipyard-controller/handler/shipyardcontroller.go appendTriggerEventProperties
 *    merges the sequence's .triggered data; 1.4.5:shipyard-controller/models/sequence_execution.go
 *    GetNextTriggeredEventData its InputProperties). What it reads of a task's .finished is
 *    project, stage, service (models/eventscope.go NewEventScope refuses a reply without them),
 *    status and result (sequence_execution.go CompleteCurrentTask), and the rest of data merged
 *    for the next task, data.message cleared. (The lighthouse copies a get-sli.finished's labels
 *    into its evaluation.finished: 1.4.5:lighthouse-service/event_handler/evaluate_sli_handler.go.)
 * 2. the end of data.message, keeping its start;
 * 3. if still too large (a huge task payload), a .finished becomes an errored one that says so,
 *    without the payload: the next task would read a report that is not there.
 * Status and result stay as the task reported them in 1 and 2.
 */
export function fitEvent(event: KeptnEvent, maxBytes: number): { event: KeptnEvent; fitting?: Fitting } {
  const bytes = eventBytes(event);
  if (bytes <= maxBytes) return { event };
  const all = event.data ?? {};
  const fits = (e: KeptnEvent) => eventBytes(e) <= maxBytes;
  const { labels, ...unlabelled } = all;
  const labelsDropped = labels !== undefined;
  const data: KeptnData = unlabelled;

  if (labelsDropped) {
    const note = ` (labels not echoed: this reply was over Keptn's event limit of ${maxBytes} bytes with them)`;
    const candidate = event.cloneWith({ data: typeof data.message === 'string' ? { ...data, message: data.message + note } : data });
    if (fits(candidate)) return { event: candidate, fitting: { how: 'labels dropped', bytes } };
  }

  if (typeof data.message === 'string') {
    const message = data.message;
    const total = Buffer.byteLength(message);
    const also = labelsDropped ? '; labels not echoed' : '';
    // The message cut to its first `n` characters, with a note of how much is gone.
    const cut = (n: number) => {
      if (n > 0 && /[\uD800-\uDBFF]/.test(message[n - 1])) n--; // never split a surrogate pair
      const kept = message.slice(0, n);
      const gone = total - Buffer.byteLength(kept);
      const note = `… (cut: ${gone} bytes over Keptn's event limit of ${maxBytes} bytes${also})`;
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
      return { event: fitted.event, fitting: { how: 'message cut', bytes, cutBytes: fitted.gone, labelsDropped } };
    }
  }

  // Too large even without labels and message: what remains is the task's payload. Once it is
  // gone there is room again, for the labels too.
  const task = /^sh\.keptn\.event\.([a-z0-9-]+)\.[a-z]+$/.exec(event.type)?.[1];
  const payload = task ? data[task] : undefined;
  const kept =
    payload && typeof payload === 'object' && !Array.isArray(payload) ? { [task!]: essentials(payload as Record<string, unknown>) } : {};
  const { project, stage, service } = data;
  const keys = { project, stage, service };
  let candidates: KeptnData[];
  if (event.type.endsWith('.finished')) {
    const why =
      `the ${task} report of ${bytes} bytes exceeded Keptn's event limit of ${maxBytes} bytes (MAX_EVENT_BYTES) and was dropped; ` +
      `the task had ended with status ${String(data.status)}, result ${String(data.result)}`;
    const excerpt =
      typeof data.message === 'string' && data.message.trim() !== '' ? `; its message began: ${excerptOf(data.message, 300)}` : '';
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

/** One warning for an event that was made to fit, saying how. */
function logFitting(log: Log, event: KeptnEvent, fitting: Fitting, limit: number, sentBytes: number): void {
  const fields = { type: event.type, triggeredid: event.triggeredid, bytes: fitting.bytes, limit, sentBytes };
  if (fitting.how === 'labels dropped') {
    log.warn("event over Keptn's size limit: sent without its echoed labels", fields);
  } else if (fitting.how === 'message cut') {
    const what = fitting.labelsDropped ? 'its message was cut and its echoed labels dropped' : 'its message was cut';
    log.warn(`event over Keptn's size limit: ${what}`, { ...fields, cutBytes: fitting.cutBytes });
  } else {
    log.warn(
      fitting.fits
        ? "event over Keptn's size limit even without its message: sent without its report"
        : "event over Keptn's size limit even without its report: sent anyway",
      fields,
    );
  }
}

export interface SenderOptions {
  /** Attempts after the first one, at most (tests); otherwise only the time limit bounds them. */
  retries?: number;
  /** First wait between attempts; doubles each time, up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** Thrown by a sender that gave up on an event. */
export class SendError extends Error {
  constructor(
    message: string,
    /** Why the last attempt failed: `HTTP 500`, `connect ECONNREFUSED …`, `read ECONNRESET`. */
    readonly reason: string,
    /**
     * False only when no attempt can have reached Keptn: each was answered with an error status or
     * failed before the whole request was written. A request written in full and then met by a
     * dropped connection or silence may have been taken: sending it (or another event in its
     * place) again could make two.
     */
    readonly mayHaveArrived: boolean,
    /** Attempts made. */
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

/**
 * How long one attempt waits for the distributor's answer. On a remote execution plane the
 * distributor forwards each event to Keptn's API and waits up to API_PROXY_HTTP_TIMEOUT (30 s,
 * 1.4.5:distributor/pkg/config/envconfig.go) before answering 500: waiting longer than that sees
 * its answer instead of cutting it off, which would leave the event "may have arrived".
 */
const ANSWER_TIMEOUT_MS = 35_000;

/**
 * Sends events to the distributor as structured CloudEvents, each made to fit `maxEventBytes`
 * first (see fitEvent). Plain node:http with kept-alive connections: every task sends two events,
 * and fetch() costs several times more.
 *
 * An event the distributor cannot take now is kept and sent again, with exponential backoff
 * (200 ms doubling up to 5 s), for up to `replyRetryMs` (REPLY_RETRY_SECONDS, 2 minutes by
 * default): a distributor restart costs a delay, not the reply. Kept are only the events being
 * sent (`pending`); the dispatcher takes no new task while `replyQueueSize` of them wait, so the
 * memory they hold is bounded. What is final and what is sent again follows the distributor's
 * /event route (0.8.7:distributor/pkg/lib/events/forwarder.go, 1.0.0 and
 * 1.4.5:distributor/pkg/forwarder/forwarder.go handleEvent):
 * - a refused connection, an error before the request was written, a reset, a kept-alive
 *   connection that ends before any answer: not read (see post()), again;
 * - 5xx: the distributor could not read or forward the event (it answers 500 to every failure,
 *   the Keptn API's unreachability on a remote plane included), and has not passed it on: again;
 * - 4xx (408 and 429 aside): final; the distributor's own route answers none, so it is the URL
 *   or a proxy in front refusing this event, which another try will not change;
 * - the request written in full on a new connection, which then ended without an answer, or
 *   no answer within 35 s: it may have been forwarded, and is never sent again. Keptn counts
 *   every .started and .finished it receives, by id or not
 *   (1.4.5:shipyard-controller/internal/db/mongodb_sequence_execution_repo.go AppendTaskEvent
 *   pushes each; models/sequence_execution.go IsFinished wants as many .finished as .started;
 *   0.8.7:shipyard-controller/handler/shipyardcontroller.go handleFinishedEvent proceeds on the
 *   last .started): a second .started leaves the task open forever.
 * The send rejects with a SendError when it gives up; `signal` (the service shutting down)
 * stops further attempts.
 */
export function createSender(
  config: Pick<Config, 'eventBrokerUrl' | 'maxEventBytes' | 'replyRetryMs'>,
  log: Log,
  options: SenderOptions = {},
) {
  const retries = options.retries ?? Infinity;
  const backoffMs = options.backoffMs ?? 200;
  const maxBackoffMs = options.maxBackoffMs ?? 5000;
  const url = new URL(config.eventBrokerUrl);
  const client = url.protocol === 'https:' ? https : http;
  // No cap on sockets: a request queued for one of a capped pool's is bounded by nothing
  // (destroyed there, it never settles), and the bench's outage left some queued for good.
  const agent = new client.Agent({ keepAlive: true });
  // Made once: node:http turns a URL into these options on every request otherwise.
  const target = { ...urlToHttpOptions(url), method: 'POST', agent };
  let pending = 0;

  /**
   * The answer's status. On failure, an error that says whether the request may have been read:
   * written in full on a new connection, and then the connection ended without an answer, or no
   * answer came in time. Not read: a reset (RST: a kernel answers data its socket never read
   * with one), and a kept-alive connection that ends before any answer, which is how a request
   * meets the distributor closing its idle connections as it restarts (Go's Server.Shutdown
   * closes only idle ones and lets a request being handled finish: 1.4.5:distributor/pkg/
   * forwarder/forwarder.go Start). Only a distributor that dies while forwarding the request
   * could then have passed it on: sent again, such a .finished finds its task closed, and Keptn
   * drops it (1.4.5 handleTaskEvent: no open task for it; 0.8.7 handleFinishedEvent: no
   * .started left).
   */
  function post(body: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = client.request({ ...target, headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      let written = false;
      let timedOut = false;
      // From the start, a wait for one of the agent's sockets included (a socket timeout would not
      // count that wait): an attempt is bounded, whatever it waits for.
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s`));
      }, ANSWER_TIMEOUT_MS);
      req.on('response', () => clearTimeout(timer));
      req.on('finish', () => (written = true));
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const reset = (err.code === 'ECONNRESET' && err.syscall !== undefined) || err.code === 'EPIPE';
        const unread = !written || reset || (req.reusedSocket && !timedOut);
        reject(Object.assign(err, { mayHaveArrived: !unread }));
      });
      req.end(body);
    });
  }

  /** Resolves after `ms`, or at once when `signal` aborts. */
  function pause(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  async function send(event: KeptnEvent, signal?: AbortSignal): Promise<void> {
    let message = HTTP.structured(event);
    const { event: fitted, fitting } =
      Buffer.byteLength(message.body as string) > config.maxEventBytes
        ? fitEvent(event, config.maxEventBytes)
        : { event, fitting: undefined };
    if (fitting) message = HTTP.structured(fitted);
    if (fitting) logFitting(log, event, fitting, config.maxEventBytes, Buffer.byteLength(message.body as string));
    const body = message.body as string;
    const headers = message.headers as Record<string, string>;
    const deadline = Date.now() + config.replyRetryMs;
    let lastError: string;
    let attempts = 0;
    pending++;
    try {
      for (;;) {
        attempts++;
        try {
          const status = await post(body, headers);
          if (status >= 200 && status < 300) {
            if (attempts > 1) log.info('event delivered after retries', { type: event.type, triggeredid: event.triggeredid, attempts });
            return;
          }
          lastError = `HTTP ${status}`;
          if (status < 500 && status !== 408 && status !== 429) break; // refused for good
        } catch (err) {
          lastError = errorMessage(err);
          if ((err as { mayHaveArrived?: boolean }).mayHaveArrived !== false) {
            throw new SendError(`could not send ${event.type} to ${config.eventBrokerUrl}: ${lastError}`, lastError, true, attempts);
          }
        }
        const wait = Math.min(maxBackoffMs, backoffMs * 2 ** (attempts - 1)) * (0.8 + 0.4 * Math.random());
        if (attempts > retries || Date.now() + wait > deadline || signal?.aborted) break;
        // One line when the trouble starts, not one per attempt: an outage makes many.
        if (attempts === 1) {
          log.warn('sending event failed, will retry', {
            type: event.type,
            triggeredid: event.triggeredid,
            error: lastError,
            forSeconds: config.replyRetryMs / 1000,
          });
        }
        await pause(wait, signal);
        if (signal?.aborted) break;
      }
      throw new SendError(`could not send ${event.type} to ${config.eventBrokerUrl}: ${lastError}`, lastError, false, attempts);
    } finally {
      pending--;
    }
  }

  /** Events being sent: neither delivered nor given up yet. */
  return Object.defineProperty(send, 'pending', { get: () => pending }) as typeof send & { readonly pending: number };
}

export type Send = ReturnType<typeof createSender>;

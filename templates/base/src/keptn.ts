// Keptn's event rules (https://github.com/keptn/spec): what a reply must copy from the event it
// answers, and how it reaches Keptn.
import http from 'node:http';
import https from 'node:https';
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
  return new CloudEvent<KeptnData>({
    type: triggered.type.replace(/\.triggered$/, `.${phase}`),
    source: config.name,
    datacontenttype: 'application/json',
    shkeptncontext: triggered.shkeptncontext,
    triggeredid: triggered.id,
    shkeptnspecversion: config.specVersion,
    data: { project, stage, service, ...(labels ? { labels } : {}), ...extra },
  });
}

export interface SenderOptions {
  /** Attempts after the first one. */
  retries?: number;
  /** First wait between attempts; doubles each time. */
  backoffMs?: number;
}

/**
 * Sends events to the distributor as structured CloudEvents. Retries with exponential backoff while
 * the distributor is unreachable or answers 5xx; throws when it finally gives up. Plain node:http
 * with kept-alive connections: every task sends two events, and fetch() costs several times more.
 */
export function createSender(config: Pick<Config, 'eventBrokerUrl'>, log: Log, options: SenderOptions = {}) {
  const retries = options.retries ?? 5;
  const backoffMs = options.backoffMs ?? 200;
  const url = new URL(config.eventBrokerUrl);
  const client = url.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets: 32 });

  function post(body: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = client.request(url, { method: 'POST', agent, headers, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', reject);
      req.end(body);
    });
  }

  return async function send(event: KeptnEvent): Promise<void> {
    const message = HTTP.structured(event);
    let lastError = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
      try {
        const status = await post(message.body as string, message.headers as Record<string, string>);
        if (status >= 200 && status < 300) return;
        lastError = `HTTP ${status}`;
        if (status < 500) break; // the event itself was refused: retrying will not help
      } catch (err) {
        lastError = errorMessage(err);
      }
      log.warn('sending event failed, will retry', { type: event.type, attempt: attempt + 1, error: lastError });
    }
    throw new Error(`could not send ${event.type} to ${config.eventBrokerUrl}: ${lastError}`);
  };
}

export type Send = ReturnType<typeof createSender>;

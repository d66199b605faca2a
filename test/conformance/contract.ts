// The event contract, checked against a generated service running as a real process: events
// delivered the way the distributor delivers them, replies held to Keptn's rules and schemas.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CloudEvent, HTTP } from 'cloudevents';
import { execa, type ResultPromise } from 'execa';
import type { Blueprint } from '../../src/blueprint.js';
import { hasSchema, keptnSchema } from '../helpers.js';
import type { startKeptnStub } from './keptn-stub.js';

type Stub = Awaited<ReturnType<typeof startKeptnStub>>;

export const EXAMPLES = new URL('../keptn-spec/examples/', import.meta.url);

/** A spec example event (test/keptn-spec/examples/<name>.json) as plain JSON. */
export function example(name: string): any {
  return JSON.parse(readFileSync(new URL(`${name}.json`, EXAMPLES), 'utf8'));
}

/**
 * Starts `node dist/main.js` in `dir`; resolves once it logs the port it listens on. `options`
 * for the process, e.g. `forceKillAfterDelay: false` where the test plays the kubelet.
 */
export async function startService(dir: string, env: Record<string, string>, options: { forceKillAfterDelay?: false } = {}) {
  const child: ResultPromise<{ all: true; reject: false }> = execa('node', ['dist/main.js'], {
    cwd: dir,
    env: { PORT: '0', ...env },
    reject: false,
    all: true,
    ...options,
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.all.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"msg":"listening","port":(\d+)/.exec(output);
      if (m) resolve(Number(m[1]));
    });
    void child.then(() => reject(new Error(`service exited before listening:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    child,
    output: () => output,
    /** SIGTERM, as Kubernetes stops a pod; resolves with the exit code. */
    async stop(): Promise<number | undefined> {
      child.kill('SIGTERM');
      return (await child).exitCode;
    },
  };
}

/** POSTs `raw` (with a fresh id) as the distributor does: binary mode, or structured mode. */
export async function deliver(url: string, raw: any, mode: 'binary' | 'structured') {
  const event = new CloudEvent({ ...raw, id: randomUUID() });
  const message = mode === 'binary' ? HTTP.binary(event) : HTTP.structured(event);
  const res = await fetch(url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
  return { event, status: res.status };
}

const quiet = () => new Promise((r) => setTimeout(r, 300));

export type Expectation = 'task' | 'listen' | 'ignore';

/**
 * Delivers one event and collects what it caused: the replies that answer it (by triggeredid)
 * and the webhook calls. Waits for .finished of a task, for the webhook call of a listener, and a
 * quiet moment in every case so that extra messages would be seen.
 */
export async function exchange(stub: Stub, url: string, raw: any, mode: 'binary' | 'structured', expect: Expectation) {
  const webhooksBefore = stub.webhooks.length;
  const eventsBefore = stub.events.length;
  const { event, status } = await deliver(url, raw, mode);
  const replies = () => stub.events.filter((e) => e.body.triggeredid === event.id).map((e) => e.body);
  if (expect === 'task') await stub.until(() => replies().some((r) => r.type.endsWith('.finished')), 15_000);
  if (expect === 'listen') await stub.until(() => stub.webhooks.length > webhooksBefore);
  await quiet();
  return {
    event,
    status,
    replies: replies(),
    otherEvents: stub.events.slice(eventsBefore).filter((e) => e.body.triggeredid !== event.id),
    webhooks: stub.webhooks.slice(webhooksBefore).map((w) => w.body),
  };
}

/** Everything wrong with the replies to `triggered`, by Keptn's rules and the spec's schemas. */
export function replyProblems(triggered: CloudEvent<any>, replies: any[], blueprint: Blueprint): string[] {
  const problems: string[] = [];
  const want = (ok: unknown, what: string) => ok || problems.push(what);
  const task = triggered.type.replace(/^sh\.keptn\.event\./, '').replace(/\.triggered$/, '');
  const types = replies.map((r) => r.type);
  want(
    types.join() === `sh.keptn.event.${task}.started,sh.keptn.event.${task}.finished`,
    `replies are [${types.join(', ')}], not .started then .finished`,
  );
  for (const r of replies) {
    const phase = r.type?.split('.').pop();
    want(r.specversion === '1.0', `${phase}: specversion ${r.specversion}`);
    want(r.source === blueprint.name, `${phase}: source ${r.source} is not ${blueprint.name}`);
    want(typeof r.id === 'string' && r.id !== triggered.id, `${phase}: id is not new`);
    want(r.shkeptncontext === triggered.shkeptncontext, `${phase}: shkeptncontext not copied`);
    want(r.triggeredid === triggered.id, `${phase}: triggeredid ${r.triggeredid} is not ${triggered.id}`);
    want(
      r.shkeptnspecversion === blueprint.keptn.specVersion,
      `${phase}: shkeptnspecversion ${r.shkeptnspecversion} is not ${blueprint.keptn.specVersion}`,
    );
    for (const key of ['project', 'stage', 'service', 'labels']) {
      want(JSON.stringify(r.data?.[key]) === JSON.stringify(triggered.data?.[key]), `${phase}: data.${key} not copied`);
    }
    const schema = `${task}-${phase}`;
    if (hasSchema(schema)) {
      const validate = keptnSchema(schema);
      want(validate(r.data), `${phase}: data breaks the ${schema} schema: ${JSON.stringify(validate.errors)}`);
    }
    if (phase === 'finished') {
      want(['succeeded', 'errored', 'unknown'].includes(r.data?.status), `finished: status ${r.data?.status}`);
      want(['pass', 'warning', 'fail'].includes(r.data?.result), `finished: result ${r.data?.result}`);
      want(typeof r.data?.message === 'string' && r.data.message.length > 0, 'finished: no message');
    }
  }
  return problems;
}

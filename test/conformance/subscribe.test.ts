// keptn/subscribe.sh of the webhook-service runtime, run with bash against a local stand-in of
// Keptn's API (./keptn-api-stub.ts) and a recording `keptn` CLI: it subscribes the webhook-service
// once per event type, writes the ids into webhook.yaml and uploads it, and fails in one clear line.
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { resolveAnswers } from '../../src/answers.js';
import { q } from '../../src/escape.js';
import { TEMPLATES } from '../../src/plan.js';
import { toBlueprint, type Blueprint } from '../../src/blueprint.js';
import { compileTemplates } from '../../src/templates.js';
import { generateFrom } from '../helpers.js';
import { tempDir } from '../run.js';
import { integration, startKeptnApiStub, type Integration, type KeptnApiStub, type Subscription } from './keptn-api-stub.js';
import { need, shellcheck } from './tools.js';

const EVALUATION = 'sh.keptn.event.evaluation.finished';
const APPROVAL = 'sh.keptn.event.approval.triggered';
const TOKEN = 'tok3n-S3cr3t-do-not-print';
const WEBHOOK_ID = 'b1a1f1e0c0ffee0000000000000000000000beef';
const OLD_WEBHOOK_ID = 'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REGISTRATION = '/controlPlane/v1/uniform/registration';

/** webhook.yaml as the webhook-service runtime writes it: one webhook per event type. */
const WEBHOOK_YAML = (evaluationId: string, approvalId: string) => `apiVersion: webhookconfig.keptn.sh/v1beta1
kind: WebhookConfig
metadata:
  name: webhook-configuration
spec:
  webhooks:
    - type: "${EVALUATION}"
      subscriptionID: "${evaluationId}"
      sendFinished: false
      envFrom:
        - name: url
          secretRef:
            name: n-webhook
            key: url
      requests:
        - url: "{{.env.url}}"
          method: POST
          headers:
            - key: Content-Type
              value: application/json
          payload: |-
            {"text": "- type: \\"${APPROVAL}\\"", "note": "subscriptionID: kept"}
    - type: "${APPROVAL}"
      subscriptionID: "${approvalId}"
      sendFinished: true
      requests:
        - url: https://hooks.example.com/approve
          method: POST
          payload: "{}"
`;
const PLACEHOLDER = WEBHOOK_YAML('<run keptn/subscribe.sh>', '');

let blueprint: Blueprint;
let script: string;

beforeAll(async () => {
  await need('jq', 'jq');
  await need('curl', 'curl');
  blueprint = toBlueprint(await resolveAnswers({ kind: 'notification', name: 'notify', events: `${EVALUATION},${APPROVAL}` }));
  const template = compileTemplates(TEMPLATES)
    .get('webhook-service')
    ?.find(([path]) => path === join('keptn', 'subscribe.sh.ejs'));
  if (!template) throw new Error('templates/webhook-service/keptn/subscribe.sh.ejs is missing');
  script = template[1]({ ...blueprint, ...blueprint.view, a: blueprint.answers, q });
});

/** Keptn's registry: an older webhook-service registration (before 0.16 a moved pod registers anew), the current one, and another integration. */
function registry(current: Subscription[] = []): Integration[] {
  return [
    integration('webhook-service', OLD_WEBHOOK_ID, '2024-05-01T10:00:00.123456Z', [
      { id: 'stale-evaluation', event: EVALUATION, filter: { projects: ['sockshop'], stages: ['dev'], services: ['carts'] } },
    ]),
    integration('webhook-service', WEBHOOK_ID, '2024-05-02T10:00:00Z', structuredClone(current)),
    integration('job-executor-service', 'c'.repeat(40), '2024-05-03T10:00:00Z'),
  ];
}

/** Subscriptions that must not be reused: the same event with another filter. */
const LOOKALIKES: Subscription[] = [
  { id: 'other-stage', event: EVALUATION, filter: { projects: ['sockshop'], stages: ['prod'], services: ['carts'] } },
  { id: 'project-only', event: EVALUATION, filter: { projects: ['sockshop'], stages: null, services: null } },
  { id: 'two-services', event: APPROVAL, filter: { projects: ['sockshop'], stages: ['dev'], services: ['carts', 'orders'] } },
  { id: 'other-event', event: 'sh.keptn.event.test.triggered', filter: { projects: ['sockshop'], stages: ['dev'], services: ['carts'] } },
];

interface Fixture {
  dir: string;
  script: string;
  webhook: string;
  calls: string;
  stub: KeptnApiStub;
  run(env?: Record<string, string | undefined>): ReturnType<typeof runScript>;
}

/** A project folder with keptn/subscribe.sh and webhook.yaml, a recording `keptn`, and the API stub; all removed when the test ends. */
async function fixture(integrations: Integration[], webhookYaml = PLACEHOLDER): Promise<Fixture> {
  const dir = tempDir('cki-subscribe-');
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const stub = await startKeptnApiStub(TOKEN, integrations);
  onTestFinished(() => stub.close());

  const file = join(dir, 'keptn', 'subscribe.sh');
  const webhook = join(dir, 'keptn', 'resources', 'webhook', 'webhook.yaml');
  mkdirSync(join(dir, 'keptn', 'resources', 'webhook'), { recursive: true });
  writeFileSync(file, script, { mode: 0o755 });
  writeFileSync(webhook, webhookYaml);

  // `keptn` records each call's arguments (one a line, then ---) and a copy of the file it uploads.
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const calls = join(dir, 'keptn-calls');
  writeFileSync(
    join(bin, 'keptn'),
    `#!/usr/bin/env bash
set -eu
{ printf '%s\\n' "$@"; echo ---; } >>"$KEPTN_CALLS"
for arg in "$@"; do case $arg in --resource=*) cp "\${arg#--resource=}" "$KEPTN_CALLS.uploaded" ;; esac; done
`,
  );
  chmodSync(join(bin, 'keptn'), 0o755);
  const env = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: dir,
    TMPDIR: dir,
    KEPTN_CALLS: calls,
    KEPTN_ENDPOINT: stub.endpoint,
    KEPTN_API_TOKEN: TOKEN,
  };
  return { dir, script: file, webhook, calls, stub, run: (extra = {}) => runScript(file, { ...env, ...extra }) };
}

/** Runs the script from another folder (it must find its files itself), with only the given environment. */
function runScript(file: string, env: Record<string, string | undefined>) {
  const clean = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  return execa('bash', [file], { cwd: '/', env: clean, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60_000 });
}

/** The `keptn` calls, each as its arguments. */
function keptnCalls(f: Fixture): string[][] {
  let text: string;
  try {
    text = readFileSync(f.calls, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('---\n')
    .filter(Boolean)
    .map((call) => call.split('\n').filter(Boolean));
}

const ADD_RESOURCE = [
  'add-resource',
  '--project=sockshop',
  '--stage=dev',
  '--service=carts',
  '--resource=resources/webhook/webhook.yaml',
  '--resourceUri=webhook/webhook.yaml',
];
const posts = (stub: KeptnApiStub) => stub.requests.filter((r) => r.method === 'POST');

describe('keptn/subscribe.sh (webhook-service runtime)', () => {
  it('bakes in the event types, the example coordinates and the pick-up delay of the release', () => {
    expect(script).toMatch(/^#!\/usr\/bin\/env bash\n/);
    expect(script).toContain(`EVENTS=(\n  ${EVALUATION}\n  ${APPROVAL}\n)`);
    expect(script).toContain('PROJECT="${PROJECT:-sockshop}"');
    expect(script).toContain('Uniform → webhook-service → Add subscription');
    expect(blueprint.keptn.release).toBe('1.4.5');
    expect(script).toContain('after about 5 s');
  });

  it('creates one subscription per event type, writes the ids and uploads webhook.yaml', async () => {
    const f = await fixture(registry(LOOKALIKES));
    const r = await f.run();
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);

    // Found by name, then the newest webhook-service's list, then one POST per event to it.
    expect(f.stub.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      `GET ${REGISTRATION}`,
      `GET ${REGISTRATION}/${WEBHOOK_ID}/subscription`,
      `POST ${REGISTRATION}/${WEBHOOK_ID}/subscription`,
      `POST ${REGISTRATION}/${WEBHOOK_ID}/subscription`,
    ]);
    expect(f.stub.requests[0].query).toEqual({ name: 'webhook-service' });
    expect(f.stub.requests.every((q) => q.token === TOKEN)).toBe(true);
    expect(posts(f.stub).map((p) => p.body)).toEqual([
      { event: EVALUATION, filter: { projects: ['sockshop'], stages: ['dev'], services: ['carts'] } },
      { event: APPROVAL, filter: { projects: ['sockshop'], stages: ['dev'], services: ['carts'] } },
    ]);

    const created = f.stub.integrations[1].subscriptions.slice(LOOKALIKES.length);
    expect(created.map((s) => s.event)).toEqual([EVALUATION, APPROVAL]);
    for (const s of created) expect(s.id).toMatch(UUID);
    const [evaluationId, approvalId] = created.map((s) => s.id);
    expect(r.stdout).toContain(`subscribed ${EVALUATION} (${evaluationId})\nsubscribed ${APPROVAL} (${approvalId})\n`);
    expect(r.stdout).not.toContain('already subscribed');
    expect(r.stdout).toMatch(/after about 5 s.*before sending events\.$/);

    // Only the two subscriptionID lines changed, and Keptn got the file with the ids.
    const expected = WEBHOOK_YAML(evaluationId, approvalId);
    expect(readFileSync(f.webhook, 'utf8')).toBe(expected);
    expect(keptnCalls(f)).toEqual([ADD_RESOURCE]);
    expect(readFileSync(`${f.calls}.uploaded`, 'utf8')).toBe(expected);
    // Its temporary folder (under TMPDIR) is gone.
    expect(readdirSync(f.dir).filter((e) => e.startsWith('subscribe.'))).toEqual([]);
  });

  it('is idempotent: a second run creates nothing and writes the same ids', async () => {
    const f = await fixture(registry(LOOKALIKES));
    expect((await f.run()).exitCode).toBe(0);
    const after = readFileSync(f.webhook, 'utf8');
    const subscriptions = structuredClone(f.stub.integrations);
    f.stub.requests.length = 0;

    const r = await f.run();
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(posts(f.stub)).toEqual([]);
    expect(f.stub.integrations).toEqual(subscriptions);
    expect(readFileSync(f.webhook, 'utf8')).toBe(after);
    const [evaluationId, approvalId] = f.stub.integrations[1].subscriptions.slice(LOOKALIKES.length).map((s) => s.id);
    expect(r.stdout).toContain(`already subscribed ${EVALUATION} (${evaluationId})\nalready subscribed ${APPROVAL} (${approvalId})\n`);
    expect(r.stdout).not.toContain('after about');
    expect(keptnCalls(f)).toEqual([ADD_RESOURCE, ADD_RESOURCE]);
  });

  it('reuses subscriptions made in the Bridge (0 POSTs), keeping the one webhook.yaml already names', async () => {
    const dev = { projects: ['sockshop'], stages: ['dev'], services: ['carts'] };
    const f = await fixture(
      registry([
        ...LOOKALIKES,
        { id: 'bridge-evaluation', event: EVALUATION, filter: dev },
        // Made twice (Keptn never deduplicates): the one webhook.yaml names wins over the first.
        { id: 'bridge-approval-1', event: APPROVAL, filter: dev },
        { id: 'bridge-approval-2', event: APPROVAL, filter: dev },
      ]),
      // And a webhook.yaml without a newline at its end, which stays so.
      WEBHOOK_YAML('<run keptn/subscribe.sh>', 'bridge-approval-2').replace(/\n$/, ''),
    );
    const r = await f.run();
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(posts(f.stub)).toEqual([]);
    expect(r.stdout).toContain(
      `already subscribed ${EVALUATION} (bridge-evaluation)\nalready subscribed ${APPROVAL} (bridge-approval-2)\n`,
    );
    expect(readFileSync(f.webhook, 'utf8')).toBe(WEBHOOK_YAML('bridge-evaluation', 'bridge-approval-2').replace(/\n$/, ''));
    expect(keptnCalls(f)).toEqual([ADD_RESOURCE]);
  });

  it('takes PROJECT, STAGE and SERVICE from the environment', async () => {
    const f = await fixture(registry());
    const r = await f.run({ PROJECT: 'shop', STAGE: 'hardening', SERVICE: 'orders' });
    expect(r.exitCode).toBe(0);
    expect(posts(f.stub).map((p) => (p.body as Subscription).filter)).toEqual([
      { projects: ['shop'], stages: ['hardening'], services: ['orders'] },
      { projects: ['shop'], stages: ['hardening'], services: ['orders'] },
    ]);
    expect(keptnCalls(f)).toEqual([['add-resource', '--project=shop', '--stage=hardening', '--service=orders', ...ADD_RESOURCE.slice(4)]]);
  });

  it('401: one line with the status and Keptn message, exit 1, the token never printed', async () => {
    const f = await fixture(registry());
    f.stub.faults.unauthorized = true;
    const r = await f.run();
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`subscribe.sh: 401 from GET ${f.stub.endpoint}${REGISTRATION}?name=webhook-service: invalid token`);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(posts(f.stub)).toEqual([]);
    expect(readFileSync(f.webhook, 'utf8')).toBe(PLACEHOLDER);
    expect(keptnCalls(f)).toEqual([]);
  });

  it('a wrong token is answered 401 too, and neither token is printed', async () => {
    const f = await fixture(registry());
    const wrong = 'wrong-t0ken-value';
    const r = await f.run({ KEPTN_API_TOKEN: wrong });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^subscribe\.sh: 401 from GET .*: invalid token$/);
    expect(f.stub.requests[0].token).toBe(wrong);
    expect(r.stdout + r.stderr).not.toContain(wrong);
  });

  it('5xx: one line with the status and the text of an HTML error page, exit 1', async () => {
    const f = await fixture(registry());
    f.stub.faults.serverError = true;
    const r = await f.run();
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `subscribe.sh: 500 from GET ${f.stub.endpoint}${REGISTRATION}?name=webhook-service: 500 Internal Server Error 500 Internal Server Error`,
    );
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(readFileSync(f.webhook, 'utf8')).toBe(PLACEHOLDER);
    expect(keptnCalls(f)).toEqual([]);
  });

  it('no webhook-service registered: asks whether it runs, exit 1, nothing created', async () => {
    const f = await fixture(registry());
    f.stub.faults.noWebhookService = true;
    const r = await f.run();
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `subscribe.sh: no webhook-service is registered with Keptn at ${f.stub.endpoint}: is the webhook-service running? (Keptn 0.10 or later)`,
    );
    expect(f.stub.requests.map((q) => q.method)).toEqual(['GET']);
    expect(keptnCalls(f)).toEqual([]);
  });

  it('no answer at all: one line naming the request, exit 1', async () => {
    const f = await fixture(registry());
    const endpoint = f.stub.endpoint;
    await f.stub.close();
    const r = await f.run({ KEPTN_ENDPOINT: endpoint });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^subscribe\\.sh: no answer from GET ${endpoint.replace(/\./g, '\\.')}${REGISTRATION}\\?name=webhook-service: \\(7\\) .+$`,
      ),
    );
  });

  it.each([
    [
      'KEPTN_API_TOKEN',
      /^subscribe\.sh: KEPTN_API_TOKEN is not set: .*e\.g\. KEPTN_API_TOKEN=\$\(kubectl get secret keptn-api-token .*\)$/,
    ],
    ['KEPTN_ENDPOINT', /^subscribe\.sh: KEPTN_ENDPOINT is not set: .*e\.g\. KEPTN_ENDPOINT=https:\/\/keptn\.example\.com\/api$/],
  ])('missing %s: one line naming it with an example, exit 2, no request', async (variable, message) => {
    const f = await fixture(registry());
    const r = await f.run({ [variable]: undefined });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(f.stub.requests).toEqual([]);
  });

  it('missing jq: one line naming it, exit 2', async () => {
    const f = await fixture(registry());
    // A PATH with what the script needs up to its tool check, but no jq.
    const bin = join(f.dir, 'nojq');
    mkdirSync(bin);
    for (const tool of ['bash', 'dirname', 'curl', 'keptn']) {
      const found = await execa('sh', ['-c', `command -v ${tool}`], { env: { PATH: `${join(f.dir, 'bin')}:${process.env.PATH}` } });
      writeFileSync(join(bin, tool), `#!/bin/sh\nexec ${found.stdout} "$@"\n`, { mode: 0o755 });
    }
    const r = await execa(join(bin, 'bash'), [f.script], {
      env: { PATH: bin, KEPTN_ENDPOINT: f.stub.endpoint, KEPTN_API_TOKEN: TOKEN },
      extendEnv: false,
      reject: false,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('subscribe.sh: jq is missing: this script needs curl, jq and the keptn CLI');
    expect(f.stub.requests).toEqual([]);
  });

  it('a webhook.yaml without a webhook for an event: exit 2 before anything changes on Keptn', async () => {
    const f = await fixture(registry(), PLACEHOLDER.replace(`- type: "${APPROVAL}"`, '- type: "sh.keptn.event.approval.finished"'));
    const r = await f.run();
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      `subscribe.sh: resources/webhook/webhook.yaml has no webhook for ${APPROVAL}: a \`- type: "${APPROVAL}"\` line followed directly by its subscriptionID line`,
    );
    expect(f.stub.requests).toEqual([]);
    expect(keptnCalls(f)).toEqual([]);
  });

  it('passes bash -n and shellcheck', async () => {
    const dir = tempDir('cki-subscribe-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'subscribe.sh');
    writeFileSync(file, script);
    expect((await execa('bash', ['-n', file], { reject: false })).stderr).toBe('');
    expect(await shellcheck(file)).toEqual([]);
  });
});

describe('keptn/subscribe.sh in generated webhook-service projects', () => {
  const PROJECTS = [
    { kind: 'notification', keptn: '0.13', events: `${EVALUATION},sh.keptn.event.release.finished` },
    { kind: 'notification', keptn: '1.4', events: `${EVALUATION},sh.keptn.event.release.finished` },
    { kind: 'generic', keptn: '0.10', task: 'db-migrate' },
    { kind: 'generic', keptn: '1.4', task: 'db-migrate' },
  ];

  it.each(PROJECTS)('$kind for Keptn $keptn: subscribes every webhook of its webhook.yaml, then changes nothing', async (answers) => {
    const { dir, blueprint } = await generateFrom(
      await resolveAnswers({ ...answers, name: 'hook', runtime: 'webhook-service', endpoint: 'https://hooks.example.com' }),
    );
    onTestFinished(() => rmSync(join(dir, '..'), { recursive: true, force: true }));
    const webhook = join(dir, 'keptn', 'resources', 'webhook', 'webhook.yaml');
    const before = readFileSync(webhook, 'utf8');
    const types = [...before.matchAll(/^ {4}- type: "(.+)"\n {6}subscriptionID: /gm)].map((m) => m[1]);
    expect(types).toEqual(blueprint.subscriptions);

    const f = await fixture(registry());
    const bin = join(f.dir, 'bin');
    const env = {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: f.dir,
      TMPDIR: f.dir,
      KEPTN_CALLS: f.calls,
      KEPTN_ENDPOINT: f.stub.endpoint,
      KEPTN_API_TOKEN: TOKEN,
    };
    const first = await runScript(join(dir, 'keptn', 'subscribe.sh'), env);
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    const created = f.stub.integrations[1].subscriptions;
    expect(created.map((s) => s.event)).toEqual(blueprint.subscriptions);
    const after = readFileSync(webhook, 'utf8');
    expect(after).toBe(
      created.reduce(
        (text, s) =>
          text.replace(
            `- type: "${s.event}"\n      subscriptionID: "not subscribed yet: run keptn/subscribe.sh"`,
            `- type: "${s.event}"\n      subscriptionID: "${s.id}"`,
          ),
        before,
      ),
    );

    const second = await runScript(join(dir, 'keptn', 'subscribe.sh'), env);
    expect(second.exitCode).toBe(0);
    expect(posts(f.stub)).toHaveLength(blueprint.subscriptions.length);
    expect(readFileSync(webhook, 'utf8')).toBe(after);
    expect(keptnCalls(f)).toEqual([ADD_RESOURCE, ADD_RESOURCE]);
  });
});

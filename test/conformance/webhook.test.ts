// The webhook-service runtime: every kind and message format for every Keptn minor from 0.10,
// checked by the rules of the webhook-service release that minor gets (./webhook.ts models each
// release family): webhook.yaml as that release decodes it, and every request as that release
// makes it for the spec's example events and for hostile ones, rendered by Go's text/template.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { resolveAnswers, type Answers } from '../../src/answers.js';
import { InputError } from '../../src/errors.js';
import { KEPTN_MINORS, keptnVersion, since } from '../../src/keptn-versions.js';
import type { Blueprint } from '../../src/blueprint.js';
import { sharedProjects } from '../helpers.js';
import { cli, tempDir } from '../run.js';
import { scriptProblems, uploadedUris } from './keptn-files.js';
import {
  ALPHA,
  answersTo,
  BETA,
  betaBuildTemplate,
  betaUrlProblems,
  curlArgs,
  eventMap,
  eventRefusal,
  eventVariants,
  exampleEvent,
  parseCommandLine,
  parseWebhookConfig,
  renderOnce,
  secretLooking,
  ServiceError,
  WEBHOOK_FAMILIES,
  WEBHOOK_FILE,
  webhookConfigProblems,
  webhookFamily,
  webhookProblems,
  withSubscription,
  type CloudEventJson,
  type WebhookConfig,
} from './webhook.js';

/** Keptn minors that have a webhook-service: 0.10 on. */
const MINORS = KEPTN_MINORS.filter((m) => keptnVersion(m)!.webhook);
/** The notification's events: task events with and without a spec example (no trigger: see below). */
const notificationEvents = (_keptn: string) =>
  [
    'sh.keptn.event.evaluation.finished',
    'sh.keptn.event.deployment.finished',
    'sh.keptn.event.test.started',
    'sh.keptn.event.release.finished',
    // No spec example: test-finished with its type and task key changed.
    'sh.keptn.event.db-migrate.finished',
  ].join(',');

const PROJECTS: { what: string; answers: (keptn: string) => Answers }[] = [
  {
    what: 'notification slack',
    answers: (keptn) => ({ kind: 'notification', webhook: 'slack', events: notificationEvents(keptn), name: 'wh-slack' }),
  },
  // A Power Automate workflow's host, port included as Teams shows it.
  {
    what: 'notification teams',
    answers: (keptn) => ({
      kind: 'notification',
      webhook: 'teams',
      endpoint: 'https://prod-00.westus.logic.azure.com:443',
      events: notificationEvents(keptn),
      name: 'wh-teams',
    }),
  },
  {
    what: 'notification generic',
    answers: (keptn) => ({
      kind: 'notification',
      webhook: 'generic',
      endpoint: 'https://hooks.example.com',
      events: notificationEvents(keptn),
      name: 'wh-generic',
    }),
  },
  {
    what: 'generic task',
    answers: () => ({
      kind: 'generic',
      task: 'db-migrate',
      // db-migrate has no spec example (derived from test-triggered); release has one.
      events: 'sh.keptn.event.db-migrate.triggered,sh.keptn.event.release.triggered',
      endpoint: 'https://ci.example.com/job/deploy/buildWithParameters',
      name: 'wh-task',
    }),
  },
];
const CASES = PROJECTS.flatMap((p) => MINORS.map((keptn) => ({ ...p, keptn })));

const { generate: generateWebhook, project, once } = sharedProjects('webhook-service');

/** Every spec example whose type the project handles (derived where the spec has none), in every variant. */
const eventsFor = (blueprint: Blueprint) => blueprint.subscriptions.flatMap((type) => eventVariants(exampleEvent(type)));

describe.concurrent.each(CASES)('$what through the webhook-service of Keptn $keptn', ({ answers, keptn }) => {
  it('has a webhook.yaml its release accepts, and every request becomes a valid call for every example and hostile event', async () => {
    const { dir, blueprint } = await project(answers(keptn), keptn);
    const events = eventsFor(blueprint);
    // Each subscription gets the spec's example and its variants.
    expect(events.length).toBe(blueprint.subscriptions.length * eventVariants(exampleEvent(blueprint.subscriptions[0])).length);
    expect(await webhookProblems(dir, blueprint, events)).toEqual([]);
  });

  it('writes the format of its release', async () => {
    const { dir, blueprint } = await project(answers(keptn), keptn);
    const config = parse(readFileSync(join(dir, WEBHOOK_FILE), 'utf8')) as WebhookConfig;
    const family = webhookFamily(blueprint.keptn.release);
    expect(config.apiVersion).toBe(family.beta ? BETA : ALPHA);
    for (const w of config.spec.webhooks) {
      expect(w.requests.every((r) => typeof r === (family.beta ? 'object' : 'string'))).toBe(true);
      expect('sendStarted' in w).toBe(family.sendStarted);
    }
  });

  it('says in its README what the release answers to an event that finds no webhook (before subscribe.sh ran)', async () => {
    const { dir, blueprint } = await project(answers(keptn), keptn);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const section = readme.split('### Until webhook.yaml has the subscription ids')[1]?.split(' ## ')[0] ?? '';
    const replies = blueprint.keptn.webhook!.unmatchedReplies;
    if (blueprint.answers.kind === 'generic')
      expect(section).toMatch(/answers the task's `\.triggered` with `\.started` and an errored `\.finished`/);
    else if (replies.length === 0) expect(section).toMatch(/webhook-service then sends nothing back/);
    else {
      const type = blueprint.subscriptions[0];
      for (const reply of replies) expect(section).toContain(`\`${type.replace(/\.[a-z]+$/, reply)}\``);
      const quiet = since((v) => v.webhook?.unmatchedReplies.length === 0);
      expect(section).toContain(`Before Keptn ${quiet} the webhook-service does this for any event; from ${quiet} on`);
    }
  });

  it('has an add-resources.sh that uploads webhook/webhook.yaml', async () => {
    const { dir, blueprint } = await project(answers(keptn), keptn);
    expect(uploadedUris(dir)).toContain('webhook/webhook.yaml');
    const script = readFileSync(join(dir, 'keptn/add-resources.sh'), 'utf8');
    const key = `add-resources\0${script}\0${JSON.stringify(blueprint.keptn.cli)}\0${blueprint.keptn.release}\0${blueprint.resources.map((r) => r.uri)}`;
    expect(await once(key, () => scriptProblems(dir, blueprint))).toEqual([]);
  });
});

describe.concurrent('what the generator refuses', () => {
  it.each(PROJECTS)('$what on --keptn 0.9: one line naming --runtime and --keptn', async ({ answers }) => {
    const cwd = tempDir('cki-webhook-cli-');
    try {
      const a = answers('0.9');
      const flags = Object.entries({ ...a, name: undefined }).flatMap(([k, v]) => (v === undefined ? [] : [`--${k}`, v]));
      const r = await cli([a.name, ...flags, '--runtime', 'webhook-service', '--keptn', '0.9', '--no-install'], { cwd });
      expect(r.exitCode).not.toBe(0);
      const output = String(r.all);
      const lines = output.trim().split('\n');
      expect(lines, output).toHaveLength(1);
      expect(lines[0]).toMatch(/--runtime/);
      expect(lines[0]).toMatch(/--keptn 0\.9/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it.each(['0.10', '0.12', '0.13', '1.4'])(
    'a notification on a .triggered event on Keptn %s, which the webhook-service would answer',
    async (keptn) => {
      const a = {
        kind: 'notification',
        name: 'wh-x',
        runtime: 'webhook-service',
        keptn,
        events: 'sh.keptn.event.evaluation.finished,sh.keptn.event.approval.triggered',
      };
      await expect(resolveAnswers(a)).rejects.toThrow(InputError);
      await expect(resolveAnswers(a)).rejects.toThrow(/--events .*approval\.triggered.* with --runtime webhook-service/);
      const family = webhookFamily(keptnVersion(keptn)!.release);
      const notify = { sendFinished: false, sendStarted: false, requests: ['curl'] };
      // The model agrees: before 0.13 a .started nobody finishes; at every release a failed call
      // ends the approval with an errored .finished (1.4.5:webhook-service/handler/handler.go:127-156).
      if (!keptnVersion(keptn)!.webhook!.sendStarted)
        expect(answersTo(family, notify, 'sh.keptn.event.approval.triggered', 'succeeded')).toEqual({ started: 1, finished: 0 });
      expect(answersTo(family, notify, 'sh.keptn.event.approval.triggered', 'failed').finished).toBeGreaterThan(0);
    },
  );
});

describe.concurrent('a webhook.yaml its webhook-service release would fail on is caught', () => {
  const SLACK = PROJECTS[0].answers;
  const TEAMS = PROJECTS[1].answers;
  const GENERIC = PROJECTS[2].answers;
  const TASK = PROJECTS[3].answers;

  /** A freshly generated project whose webhook.yaml text is changed; fails loudly when the target is gone. */
  async function changed(answers: Answers, keptn: string, change: (text: string) => string) {
    const { dir, blueprint } = await generateWebhook(answers, keptn);
    const file = join(dir, WEBHOOK_FILE);
    const before = readFileSync(file, 'utf8');
    const after = change(before);
    if (after === before) throw new Error('the mutation target is gone: webhook.yaml did not change');
    writeFileSync(file, after);
    const problems = await webhookProblems(dir, blueprint, eventsFor(blueprint));
    return { problems, text: problems.join('\n'), dir, blueprint };
  }
  const replace = (from: string | RegExp, to: string) => (text: string) => text.replaceAll(from, to);

  it('the v1beta1 request shape on Keptn 0.14: decoded as []string, the whole file is skipped', async () => {
    const beta = readFileSync(join((await project(SLACK('1.4'), '1.4')).dir, WEBHOOK_FILE), 'utf8');
    const { text } = await changed(SLACK('0.14'), '0.14', () => beta);
    expect(text).toMatch(
      /webhook\.yaml\/spec\/webhooks\/0\/requests\/0 must be string \(webhook-service 0\.13\.6–0\.14\.3 decodes requests as \[\]string: a mapping fails yaml\.v3, and the whole file is skipped/,
    );
    expect(text).toMatch(
      /webhook\.yaml\/apiVersion must be equal to one of the allowed values \(webhook-service 0\.13\.6–0\.14\.3 has only v1alpha1/,
    );
    // The same shape under v1alpha1 is refused as well.
    const { text: alpha } = await changed(SLACK('0.14'), '0.14', () => beta.replace(BETA, ALPHA));
    expect(alpha).toMatch(/requests\/0 must be string/);
  });

  it.each(['0.14', '1.4'])('a Slack webhook URL written into the file instead of {{.env.path}}, Keptn %s', async (keptn) => {
    const { text } = await changed(
      SLACK(keptn),
      keptn,
      replace('https://hooks.slack.com/{{.env.path}}', 'https://hooks.slack.com/services/T000/B000/XXXX'),
    );
    expect(text).toMatch(
      /the URL https:\/\/hooks\.slack\.com\/services\/T000\/B000\/XXXX must be the endpoint followed by \{\{\.env\.path\}\}/,
    );
    expect(text).toMatch(/holds what looks like a secret \(a Slack incoming webhook's path/);
  });

  it("a secret in a generic task's --endpoint query: refused by the generator, and flagged in a file that has one", async () => {
    const answers = { ...TASK('1.4'), endpoint: 'https://ci.example.com/job/deploy/buildWithParameters?token=s3cr3tT0ken' };
    await expect(resolveAnswers({ ...answers, keptn: '1.4', runtime: 'webhook-service' })).rejects.toThrow(
      /--endpoint .* must not carry a secret in its query/,
    );
    const { text } = await changed(TASK('1.4'), '1.4', (yaml) =>
      yaml.replace(/url: "(https:\/\/ci\.example\.com[^"]*)"/, 'url: "$1?token=s3cr3tT0ken"'),
    );
    expect(text).toMatch(/holds what looks like a secret \(the query parameter token\)/);
  });

  it.each(['0.14', '1.4'])(
    'a label inserted raw into the JSON payload, Keptn %s: fails with hostile labels and with a missing label',
    async (keptn) => {
      const { problems, dir, blueprint } = await changed(
        GENERIC(keptn),
        keptn,
        replace('"shkeptncontext":"{{.shkeptncontext}}"', '"team":"{{.data.labels.team}}","shkeptncontext":"{{.shkeptncontext}}"'),
      );
      const about = (variant: string) => problems.filter((p) => p.includes(`(${variant})`)).join('\n');
      // The spec's example has labels, but no team.
      expect(about('as the spec has it')).toMatch(/fails: could not parse request: .*map has no entry for key "team"/);
      expect(about('only project, stage and service')).toMatch(/fails: could not parse request: .*map has no entry for key "labels"/);
      expect(about('hostile labels and message')).toMatch(/fails: could not execute request: curl command contains denied character/);
      // With the label there and harmless, it renders (and only the message has an extra field).
      const event = exampleEvent('sh.keptn.event.evaluation.finished');
      event.data.labels.team = 'platform';
      const harmless = (await webhookProblems(dir, blueprint, [event])).join('\n');
      expect(harmless).not.toMatch(/ fails: /);
      expect(harmless).toMatch(/the notification sends \{"type":"sh\.keptn\.event\.evaluation\.finished",.*"team":"platform"/);
    },
  );

  it('a % in a v1beta1 payload: buildBetaCurlRequest reads it as a verb; {{"\\x25"}} is the way', async () => {
    const { text } = await changed(TASK('1.4'), '1.4', replace('{"type":"sh.keptn', '{"pct":"100%","type":"sh.keptn'));
    // Two passes after the payload (options, then the URL): the % eats both, and the URL is lost.
    expect(text).toMatch(
      /a % in the payload as written is a format verb to buildBetaCurlRequest's fmt\.Sprintf .*: it becomes .*100%!!\(string=https:\/\/ci\.example\.com\/job\/deploy\/buildWithParameters\)/,
    );
    expect(text).toMatch(/--data is not JSON/);
    expect(text).toMatch(/calls \["%!!\(MISSING\)s\(MISSING\)","%!s\(MISSING\)"\]/);
    const fixed = await changed(TASK('1.4'), '1.4', replace('{"type":"sh.keptn', '{"pct":"100{{"\\x25"}}","type":"sh.keptn'));
    // Only the extra field is left: the payload renders to the JSON meant, "100%".
    expect(fixed.problems.length).toBeGreaterThan(0);
    expect(fixed.problems.filter((p) => !/the task's call sends \{"pct":"100%","type"/.test(p))).toEqual([]);
  });

  it.each(['0.14', '1.4'])('a MessageCard for Teams, Keptn %s', async (keptn) => {
    const card =
      '{"@type":"MessageCard","@context":"https://schema.org/extensions","summary":"Keptn","title":"Keptn: {{.type}}","sections":[{"facts":[{"name":"Project","value":"{{.data.project}}"}]}]}';
    const { text } = await changed(TEAMS(keptn), keptn, replace(/\{"type":"message".*?\}\]\}(?=' |$)/gm, card));
    expect(text).toMatch(/not a Workflows message: type "MessageCard"/);
  });

  it('a $schema in the Teams card: the webhook-service refuses every $', async () => {
    const { text } = await changed(
      TEAMS('1.4'),
      '1.4',
      replace(
        '"content":{"type":"AdaptiveCard",',
        '"content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard",',
      ),
    );
    expect(text).toMatch(/fails: could not execute request: curl command contains denied character '\$'/);
  });

  it('a templated host on Keptn 1.4: url.Parse fails before rendering', async () => {
    const { text } = await changed(TASK('1.4'), '1.4', replace('url: "https://ci.example.com/', 'url: "https://{{.env.host}}/'));
    expect(text).toMatch(/refuses it before rendering, whatever the event: .*host "\{\{\.env\.host\}\}" holds a template/);
  });

  it('.triggeredid in a task payload: a .triggered event has none (missingkey=error)', async () => {
    const { text } = await changed(TASK('1.4'), '1.4', replace('"triggeredid":"{{.id}}"', '"triggeredid":"{{.triggeredid}}"'));
    expect(text).toMatch(
      /db-migrate\.triggered \(as the spec has it\).*fails: could not parse request: .*map has no entry for key "triggeredid" \(and Keptn gets 1 errored \.finished\)/,
    );
  });

  it('an unknown field, and sendStarted before Keptn 0.13: dropped without a word by the real decoder', async () => {
    const { text } = await changed(
      SLACK('0.12'),
      '0.12',
      replace('      sendFinished: false\n', '      sendFinished: false\n      sendStarted: false\n      timeout: 30\n'),
    );
    expect(text).toMatch(/must NOT have additional properties: sendStarted \(unknown to webhook-service 0\.12\.7, which ignores it/);
    expect(text).toMatch(
      /must NOT have additional properties: timeout \(unknown to webhook-service 0\.12\.7, whose yaml\.v3 Unmarshal drops it/,
    );
  });
});

describe('the model of the webhook-service, against its source', () => {
  it('groups the tags into the families whose code differs', () => {
    expect(WEBHOOK_FAMILIES.map((f) => f.name)).toEqual([
      '0.10.0',
      '0.11.4',
      '0.12.7',
      '0.13.6–0.14.3',
      '0.15.1',
      '0.16.2–0.18.2',
      '0.19.3–1.4.5',
    ]);
    expect(() => webhookFamily('0.15.0')).toThrow(/not modelled/);
  });

  it("agrees with the version table's webhook facts", () => {
    for (const minor of MINORS) {
      const wh = keptnVersion(minor)!.webhook!;
      const family = webhookFamily(keptnVersion(minor)!.release);
      expect(wh.apiVersion === BETA, minor).toBe(family.beta);
      expect(wh.sendStarted, minor).toBe(family.sendStarted);
    }
    expect(keptnVersion('0.9')!.webhook).toBeUndefined();
  });

  const F = (tag: string) => webhookFamily(tag);

  it('builds the v1beta1 curl string with the Sprintf of buildBetaCurlRequest', async () => {
    // The run of the research (Go, fmt.Sprintf as 1.4.5:handler/handler.go:296-316 calls it).
    const pct = { url: 'https://example.com', method: 'POST', payload: '{"pct":"100%"}' };
    const headers = {
      url: 'https://example.com/a%20b',
      method: 'POST',
      headers: [{ key: 'Content-Type', value: 'application/json' }],
      payload: '{"a":1}',
      options: '--max-time 30',
    };
    const out = await renderOnce({ pct: betaBuildTemplate(pct), headers: betaBuildTemplate(headers) }, {}, {});
    expect(out.pct).toEqual({ output: `curl --request POST --data '{"pct":"100%!"(string=https://example.com)}' %!s(MISSING)`, error: '' });
    // A % in the URL is safe: it is the last argument, never part of a format.
    expect(out.headers.output).toBe(
      `curl --request POST --header 'Content-Type: application/json' --data '{"a":1}' --max-time 30 https://example.com/a%20b`,
    );
  });

  it('parses a command as parseCommandLine does', () => {
    const p = (s: string, tag = '1.4.5') => parseCommandLine(F(tag), s);
    expect(p(`curl 'a''b' x'y' "c d" e\\ f`)).toEqual(['curl', 'a', 'b', 'xy', 'c d', 'e f']);
    // No escapes inside quotes; a newline is no separator.
    expect(p(`curl 'a\\' b`)).toEqual(['curl', 'a\\', 'b']);
    expect(p('curl a\nb')).toEqual(['curl', 'a\nb']);
    // Empty arguments are dropped from 0.12.
    expect(p(`curl -d '' x`)).toEqual(['curl', '-d', 'x']);
    expect(p(`curl -d '' x`, '0.11.4')).toEqual(['curl', '-d', '', 'x']);
    expect(() => p(`curl 'open`)).toThrow(ServiceError);
    // Byte by byte: ü (C3 BC) comes back as Ã¼.
    expect(p(`curl 'ü'`)).toEqual(['curl', 'Ã¼']);
  });

  it('refuses what CmdCurlExecutor refuses, where the family does', () => {
    const refused = (tag: string, s: string) => {
      try {
        curlArgs(F(tag), s);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(curlArgs(F('1.4.5'), `curl --request POST https://x.example.com`)).toEqual([
      'curl',
      '--request',
      'POST',
      'https://x.example.com',
      '--fail-with-body',
    ]);
    for (const c of ['$', '|', ';', '>', '`', ' &', '/var/run'])
      expect(refused('1.4.5', `curl -d 'a${c}b' https://x`), c).toMatch(/denied character/);
    expect(refused('1.4.5', `curl 'https://x?a=1&b=2'`)).toBeUndefined();
    expect(refused('1.4.5', ` curl https://x`)).toMatch(/only curl commands/);
    expect(refused('1.4.5', `curl --data-binary x -oops https://x`)).toMatch(/invalid option '-o'/);
    expect(refused('1.4.5', `curl -d @/etc/passwd https://x`)).toMatch(/@ in --data/);
    expect(refused('0.11.4', `curl -d @/etc/passwd https://x`)).toBeUndefined();
    expect(refused('1.4.5', `curl https://x -d`)).toMatch(/panics/);
    // The words: after rendering on 0.12–0.14 (anywhere), only host:port before 0.12, not at all in Curl from 0.15.
    expect(refused('0.14.3', `curl -d '{"p":"kubernetes-demo"}' https://x`)).toMatch(/invalid URL kubernetes/);
    expect(refused('0.14.3', `curl https://local\\host`)).toMatch(/invalid URL localhost/);
    expect(refused('0.11.4', `curl -d '{"p":"kubernetes-demo"}' https://x`)).toBeUndefined();
    expect(refused('0.11.4', `curl https://kubernetes:443`)).toMatch(/invalid URL kubernetes:443/);
    expect(refused('1.4.5', `curl -d '{"p":"kubernetes-demo"}' https://x`)).toBeUndefined();
  });

  it('checks a v1beta1 URL before rendering: words, a literal scheme and host', () => {
    // Go's url.Parse on these (go1.19): the template joins the host unless a / comes first.
    expect(betaUrlProblems(F('1.4.5'), 'https://hooks.slack.com/{{.env.path}}')).toEqual([]);
    expect(betaUrlProblems(F('1.4.5'), 'https://hooks.slack.com{{.env.path}}').join()).toMatch(
      /'invalid character "\{" in host name' before rendering, so the request fails/,
    );
    expect(betaUrlProblems(F('1.4.5'), 'https://prod-00.westus.logic.azure.com:443{{.env.path}}').join()).toMatch(
      /'invalid port ":443\{\{\.env\.path\}\}" after host'/,
    );
    expect(betaUrlProblems(F('1.4.5'), 'https://prod-00.westus.logic.azure.com:443/{{.env.path}}')).toEqual([]);
    expect(betaUrlProblems(F('1.4.5'), 'https://{{.env.host}}/x').join()).toMatch(/holds a template: .*the request fails/);
    expect(betaUrlProblems(F('0.15.1'), 'https://{{.env.host}}/x').join()).toMatch(/which 0\.15\.1 only logs/);
    expect(betaUrlProblems(F('1.4.5'), '{{.env.url}}').join()).toMatch(/no literal scheme:\/\/host/);
    expect(betaUrlProblems(F('1.4.5'), 'https://svc.ns.svc.cluster.local/x').join()).toMatch(/denied URL 'svc\.cluster\.local'/);
    expect(betaUrlProblems(F('0.15.1'), 'https://svc.ns.svc.cluster.local/x')).toEqual([]);
    expect(betaUrlProblems(F('1.4.5'), 'https://user:pw@x.example.com/').join()).toMatch(/credentials/);
  });

  it('tells a secret in a URL', () => {
    expect(secretLooking('https://hooks.slack.com/services/T000/B000/XXXX')).toMatch(/Slack/);
    expect(secretLooking('https://x.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=1')).toBeDefined();
    expect(secretLooking('https://ci.example.com/job/deploy/buildWithParameters?token=x')).toMatch(/token/);
    expect(secretLooking('https://ci.example.com/job/deploy/build')).toBeUndefined();
    expect(secretLooking('https://hooks.slack.com')).toBeUndefined();
  });

  it('drops an event that go-utils cannot decode or that lacks project, stage or service', () => {
    const example = exampleEvent('sh.keptn.event.evaluation.finished');
    const variants = Object.fromEntries(eventVariants(example).map((e) => [(e as any)._variant, eventRefusal(e)]));
    expect(variants['data.result a number']).toMatch(/data\.result is a number/);
    expect(Object.entries(variants).filter(([, why]) => why)).toHaveLength(1);
    expect(eventRefusal({ ...example, data: { ...example.data, service: '' } })).toMatch(/project, stage and service must be present/);
  });

  it('gives templates the event as KeptnContextExtendedCE has it', async () => {
    const triggered = withSubscription(exampleEvent('sh.keptn.event.approval.triggered'), 's1');
    const out = await renderOnce(
      {
        id: '{{.triggeredid}}',
        dct: '{{.datacontenttype}}',
        time: '{{.time}}',
        sub: '{{.data.temporaryData.distributor.subscriptionID}}',
        commit: '{{.gitcommitid}}',
      },
      eventMap(F('1.4.5'), triggered),
      {},
    );
    expect(out.id.error).toMatch(/map has no entry for key "triggeredid"/);
    expect(out.dct.error).toMatch(/map has no entry for key "datacontenttype"/);
    expect(out.time.output).toBe('0001-01-01T00:00:00Z');
    expect(out.sub.output).toBe('s1');
    expect(out.commit.output).toBe(triggered.gitcommitid);
    expect((await renderOnce({ commit: '{{.gitcommitid}}' }, eventMap(F('0.12.7'), triggered), {})).commit.error).toMatch(
      /no entry for key "gitcommitid"/,
    );
  });

  it('answers Keptn as each family does', () => {
    const note = { sendFinished: false, sendStarted: false, requests: ['a'] };
    const task = { sendFinished: true, requests: ['a', 'b'] };
    const finished = 'sh.keptn.event.evaluation.finished';
    const approval = 'sh.keptn.event.approval.triggered';
    expect(answersTo(F('1.4.5'), note, finished, 'succeeded')).toEqual({ started: 0, finished: 0 });
    expect(answersTo(F('1.4.5'), note, finished, 'failed')).toEqual({ started: 0, finished: 0 });
    // 0.10.0 sends an errored .finished to any event it fails on.
    expect(answersTo(F('0.10.0'), note, finished, 'failed')).toEqual({ started: 0, finished: 1 });
    // A notification's failing call on a .triggered event ends that task errored (1.4.5:handler/handler.go:127-156).
    expect(answersTo(F('1.4.5'), note, approval, 'failed')).toEqual({ started: 0, finished: 1 });
    expect(answersTo(F('1.4.5'), task, 'sh.keptn.event.db-migrate.triggered', 'succeeded')).toEqual({ started: 1, finished: 1 });
    expect(answersTo(F('1.4.5'), { ...task, sendFinished: false }, 'sh.keptn.event.db-migrate.triggered', 'succeeded')).toEqual({
      started: 2,
      finished: 0,
    });
  });

  it('decodes webhook.yaml by the family: sendStarted from 0.13, objects from 0.15, the four methods', () => {
    const webhook = (extra: object, request: unknown = 'curl https://x') => ({
      apiVersion: ALPHA,
      kind: 'WebhookConfig',
      spec: { webhooks: [{ type: 'sh.keptn.event.test.triggered', subscriptionID: 'id', requests: [request], ...extra }] },
    });
    expect(webhookConfigProblems(webhook({ sendStarted: false }), F('0.13.6'))).toEqual([]);
    expect(webhookConfigProblems(webhook({ sendStarted: false }), F('0.12.7')).join()).toMatch(
      /sendStarted \(unknown to webhook-service 0\.12\.7/,
    );
    const beta = (method: string) => ({ ...webhook({}, { url: 'https://x', method }), apiVersion: BETA });
    expect(webhookConfigProblems(beta('POST'), F('1.4.5'))).toEqual([]);
    expect(webhookConfigProblems(beta('post'), F('1.4.5')).join()).toMatch(/method must be equal to one of the allowed values/);
    expect(webhookConfigProblems(beta('POST'), F('0.14.3')).join()).toMatch(/apiVersion/);
    expect(webhookConfigProblems({ ...webhook({}), apiVersion: 'v1' }, F('1.4.5')).join()).toMatch(/apiVersion .*rejects the file/);
    expect(webhookConfigProblems(webhook({ subscriptionID: '' }), F('1.4.5')).join()).toMatch(
      /subscriptionID must NOT have fewer than 1 characters/,
    );
    expect(parseWebhookConfig('a: 1\na: 2\n').problems.join()).toMatch(/does not parse/);
  });

  it('on Keptn 0.12–0.14 a Keptn name with a denied word fails the notification after rendering; from 0.15 the words are checked on the URL only', async () => {
    for (const [keptn, fails] of [
      ['0.14', true],
      ['1.4', false],
    ] as const) {
      const { dir, blueprint } = await project(PROJECTS[0].answers(keptn), keptn);
      const event = exampleEvent('sh.keptn.event.evaluation.finished') as CloudEventJson;
      event.data.service = 'kubernetes-dashboard';
      const problems = (await webhookProblems(dir, blueprint, [event], ['https://keptn.example.com/bridge'])).join('\n');
      if (fails) expect(problems).toMatch(/fails: could not execute request: curl command contains invalid URL kubernetes/);
      else expect(problems).not.toMatch(/ fails: |kubernetes/);
    }
  });
});

// The service's settings are stated once, in src/service-settings.ts (and a kind's own in its env):
// whatever repeats a default in a generated project — config.ts's DEFAULTS, the README's table and
// prose, the Dockerfile, send-event, the chart's values.yaml and the values deployment.yaml sets —
// is rendered from the table. Checked twice: as generated, everything agrees with the table; and
// rendered from a table whose every default is changed, everything shows the changed one, so a
// default that a template writes itself (agreeing with the table today) is found.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveAnswers } from '../../src/answers.js';
import { toBlueprint, type Blueprint } from '../../src/blueprint.js';
import { KEPTN_MINORS } from '../../src/keptn-versions.js';
import { q } from '../../src/escape.js';
import { renderPlan } from '../../src/plan.js';
import { changedTemplates, PRESET_COMBINATIONS } from '../helpers.js';

/** The settings deployment.yaml sets from values.yaml or to their default (the others it derives or leaves). */
const SET_BY_CHART = [
  'PORT',
  'EVENT_BROKER_URL',
  'CONFIGURATION_SERVICE_URL',
  'TASK_TIMEOUT_SECONDS',
  'REPLY_RETRY_SECONDS',
  'REPLY_QUEUE_SIZE',
];

/** What a rendered service project says about each setting's default that differs from `b`'s tables. */
function settingProblems(plan: Map<string, string>, b: Pick<Blueprint, 'settings' | 'env' | 'keptn'>): string[] {
  const problems: string[] = [];
  const file = (path: string) => plan.get(path) ?? (problems.push(`${path}: missing`), '');
  const expectIn = (path: string, what: string, found: unknown, want: string) => {
    if (String(found) !== want) problems.push(`${path}: ${what} is ${JSON.stringify(found)}, the table says ${JSON.stringify(want)}`);
  };
  const settings = Object.values(b.settings);
  const port = b.settings.PORT.default;

  // config.ts: DEFAULTS holds every setting, in the table's order, with its default.
  const block = /^export const DEFAULTS = \{\n([^}]*)\};$/m.exec(file('src/keptn/config.ts'))?.[1] ?? '';
  const defaults = [...block.matchAll(/^ {2}(\w+): '([^']*)',$/gm)].map((m) => `${m[1]}=${m[2]}`);
  expectIn('src/keptn/config.ts', 'DEFAULTS', defaults.join(' '), settings.map((s) => `${s.name}=${s.default}`).join(' '));

  // README: a row per setting (and per kind setting) with its default and help; the dev ports.
  const readme = file('README.md');
  for (const s of [...settings, ...b.env]) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${s.name}\` |`));
    const [, shown, help] = row?.split(' | ') ?? [];
    expectIn('README.md', `the default of ${s.name}`, shown, s.default ? q.code(s.default) : '(none)');
    if ('value' in s) continue;
    expectIn('README.md', `the help of ${s.name}`, help?.replace(/ \|$/, ''), s.help);
  }
  expectIn('README.md', 'the port npm run dev serves', /# the service on :(\S+)/.exec(readme)?.[1], port);

  // The image and the dev tools listen and send where PORT says.
  const dockerfile = file('Dockerfile');
  expectIn('Dockerfile', 'ENV PORT', /^ENV .*\bPORT=(\S+)/m.exec(dockerfile)?.[1], port);
  expectIn('Dockerfile', 'EXPOSE', /^EXPOSE (\S+)$/m.exec(dockerfile)?.[1], port);
  expectIn('src/dev/send-event.ts', 'the default port', /process\.env\.PORT \?\? (\w+)/.exec(file('src/dev/send-event.ts'))?.[1], port);

  // The chart: each variable deployment.yaml sets from values.yaml has the setting's default there;
  // each it sets to a literal, the default itself.
  const values = parse(file('chart/values.yaml'));
  const set = [...file('chart/templates/deployment.yaml').matchAll(/- name: (\w+)\n\s+value: (.+)/g)];
  const checked: string[] = [];
  for (const [, name, value] of set) {
    const setting = b.settings[name] ?? b.env.find((e) => e.name === name);
    if (!setting) continue;
    const path = /^\{\{ \.Values\.([\w.]+) \| quote \}\}$/.exec(value)?.[1];
    const at = (keys: string[]) => keys.reduce((v, key) => v?.[key], values);
    if (path) expectIn('chart/values.yaml', path, at(path.split('.')), setting.default);
    else if (value.startsWith('"')) expectIn('chart/templates/deployment.yaml', name, JSON.parse(value), setting.default);
    else continue;
    checked.push(name);
  }
  for (const name of [...SET_BY_CHART, ...b.env.filter((e) => !e.secret).map((e) => e.name)])
    if (!checked.includes(name)) problems.push(`chart/templates/deployment.yaml: ${name} not set from values.yaml or to its default`);
  for (const e of b.env) expectIn('chart/values.yaml', `integration.${e.value}`, values?.integration?.[e.value], e.default);
  const kib = /own default of (\S+) KiB/.exec(file('chart/values.yaml'))?.[1];
  if (b.keptn.maxPayloadKB)
    expectIn('chart/values.yaml', 'the KiB of MAX_EVENT_BYTES', kib, String(Number(b.settings.MAX_EVENT_BYTES.default) / 1024));

  // A kind's setting read in its code falls back to the default of its env entry.
  for (const [path, text] of plan)
    for (const m of path.startsWith('src/') ? text.matchAll(/\benv\.(\w+) \|\| '([^']*)'/g) : [])
      expectIn(path, `the fallback of ${m[1]}`, m[2], b.env.find((e) => e.name === m[1])?.default ?? '(no env entry)');
  return problems;
}

/** The same tables with every default changed: numbers grown (a whole number of KiB), texts lengthened. */
function changed(b: Blueprint): Blueprint {
  const other = (value: string, i: number) => (/^\d+$/.test(value) ? String(Number(value) * 3 + 1024 * (i + 1)) : `${value}-changed`);
  return {
    ...b,
    settings: Object.fromEntries(Object.values(b.settings).map((s, i) => [s.name, { ...s, default: other(s.default, i) }])),
    env: b.env.map((e, i) => ({ ...e, default: other(e.default || `unset${i}`, i) })),
  };
}

const SERVICES = PRESET_COMBINATIONS.filter(({ answers }) => (answers.runtime ?? 'service') === 'service');

describe("the service's settings", () => {
  it.each(SERVICES.map((c) => [c.label, c.answers] as const))(
    "%s: every default in the project is the table's, in every Keptn minor",
    async (_, answers) => {
      for (const keptn of KEPTN_MINORS) {
        const b = toBlueprint(await resolveAnswers({ ...answers, keptn }));
        expect(settingProblems(renderPlan(b), b), `Keptn ${keptn}`).toEqual([]);
        const other = changed(b);
        expect(settingProblems(renderPlan(other), other), `Keptn ${keptn}, every default changed`).toEqual([]);
      }
    },
  );

  it('finds a default that a template writes itself', async () => {
    const b = changed(toBlueprint(await resolveAnswers({ kind: 'test-tool', name: 'x' })));
    const literal = (file: string, from: string | RegExp, to: string) =>
      settingProblems(renderPlan(b, changedTemplates([[file, from, to]])), b);
    expect(
      literal('base/src/keptn/config.ts.ejs', /<% for \(const s of Object\.values\(settings\)\) \{ -%>/, "  PORT: '8080',\n$&"),
    ).not.toEqual([]);
    expect(literal('base/README.md.ejs', '<%- q.code(s.default) %>', '`3600`')).not.toEqual([]);
    expect(literal('base/chart/values.yaml.ejs', '<%= settings.REPLY_QUEUE_SIZE.default %>', '1000')).not.toEqual([]);
    expect(
      literal(
        'base/chart/templates/deployment.yaml.ejs',
        '<%- q.yaml(settings.EVENT_BROKER_URL.default) %>',
        '"http://localhost:8081/event"',
      ),
    ).not.toEqual([]);
    expect(literal('base/Dockerfile.ejs', 'EXPOSE <%= settings.PORT.default %>', 'EXPOSE 8080')).not.toEqual([]);
    expect(literal('base/src/dev/send-event.ts.ejs', '<%= settings.PORT.default %>', '8080')).not.toEqual([]);
    expect(literal('test-tool-custom/src/handler.ts.ejs', '<%- q.ts(timeout.default) %>', "'10'")).not.toEqual([]);
  });
});

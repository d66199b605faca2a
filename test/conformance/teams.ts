// The --webhook teams message: what a Teams Workflows webhook ("Post to a channel when a webhook
// request is received") takes, an Adaptive Card 1.4 in a message attachment, checked with the
// Adaptive Cards JavaScript library; and the MessageCard of the retired Office 365 connectors, the
// format of projects generated before, for the mutation and regenerate tests.
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { execa } from 'execa';
import { TEMPLATES } from '../../src/plan.js';
import { changedTemplates } from '../helpers.js';
import { tempDir } from '../run.js';

// The package's lib/ is ES modules without file extensions, which Node cannot load; its dist/ bundle
// (UMD) is the same library in one file.
type AdaptiveCards = typeof import('adaptivecards');
const AC: AdaptiveCards = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js');

export const CARD_VERSION = '1.4';
export const BRIDGE = 'https://keptn.example.com/bridge';

/** The Keptn spec's example events, vendored in test/keptn-spec/examples. */
export const SPEC_EXAMPLES = readdirSync(new URL('../keptn-spec/examples', import.meta.url))
  .filter((f) => f.endsWith('.json'))
  .sort();
export const specExample = (file: string) => JSON.parse(readFileSync(new URL(`../keptn-spec/examples/${file}`, import.meta.url), 'utf8'));

/**
 * What the Adaptive Cards library makes of a card, read as a 1.4 host reads it: the events of
 * parsing (unknown elements, invalid values, properties newer than 1.4), the failures of its
 * validation (card type, version, required properties), and how it writes the card back. Whatever
 * the library does not know it drops, so a card that is not written back unchanged has something
 * a renderer would not show.
 */
export function libraryProblems(content: unknown): string[] {
  const [major, minor] = CARD_VERSION.split('.').map(Number);
  const context = new AC.SerializationContext(new AC.Version(major, minor));
  const card = new AC.AdaptiveCard();
  card.parse(content, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    problems.push(`library (parse): ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of card.validateProperties().validationEvents)
    problems.push(`library (validation): ${AC.ValidationEvent[e.event]}: ${e.message}`);
  if (card.version?.toString() !== CARD_VERSION)
    problems.push(`library: reads card version ${card.version?.toString()}, not ${CARD_VERSION}`);
  const written = card.toJSON(context);
  if (!isDeepStrictEqual(written, content)) problems.push(`library: writes the card back as ${JSON.stringify(written)}`);
  return problems;
}

const FACT_COLOURS: Record<string, string> = { pass: 'Good', warning: 'Warning', fail: 'Attention' };

/**
 * Text as a card's Markdown shows it: CommonMark's backslash escapes of ASCII punctuation undone,
 * and the zero-width space that keeps `{{` from being a DATE()/TIME() function dropped.
 */
export const shownText = (text: string) => text.replace(/\\([!-/:-@[-`{-~])/g, '$1').replaceAll('{\u200b{', '{{');

/** A Markdown link (`[text](url)`) a card would render: brackets not escaped. */
const LIVE_LINK = /(?<!\\)\[[^\]]*(?<!\\)\]\(/;

/** An event whose text tries to ping, link and format: what anyone who can publish an event may send. */
export const HOSTILE_EVENT = (() => {
  const event = specExample('evaluation-finished.json');
  return {
    ...event,
    shkeptncontext: '../../admin?x=1#y',
    data: {
      ...event.data,
      project: '[Keptn Bridge](https://evil.example)',
      message: 'see [Keptn Bridge](https://evil.example) **now** <at>all</at> {{DATE(2017-02-14T06:08:39Z, SHORT)}}',
      labels: { '- build': '_[x](https://evil.example)_' },
    },
  };
})();

/**
 * Everything wrong with `message` as the Teams message for `event`: the Workflows envelope, the
 * card by the library, its version, the facts of the event (what the MessageCard showed: project,
 * stage, service, result, score, Keptn context), the colour of the result, and the Bridge button
 * exactly when there is a Bridge URL.
 */
export function workflowsProblems(message: any, event: any, bridge?: string): string[] {
  const problems: string[] = [];
  const want = (ok: boolean, what: string): boolean => {
    if (!ok) problems.push(what);
    return ok;
  };
  if (!want(message?.type === 'message', `not a Workflows message: type is ${JSON.stringify(message?.type)}`)) return problems;
  want(
    isDeepStrictEqual(Object.keys(message).sort(), ['attachments', 'type']),
    `message has other fields than type and attachments: ${Object.keys(message)}`,
  );
  if (!want(Array.isArray(message.attachments) && message.attachments.length === 1, 'not exactly one attachment')) return problems;
  const attachment = message.attachments[0];
  want(attachment.contentType === 'application/vnd.microsoft.card.adaptive', `attachment contentType ${attachment.contentType}`);
  want(attachment.contentUrl === null, `attachment contentUrl ${JSON.stringify(attachment.contentUrl)}, not null`);
  const card = attachment.content;
  want(card?.type === 'AdaptiveCard', `card type is ${JSON.stringify(card?.type ?? card?.['@type'])}, not AdaptiveCard`);
  want(card?.$schema === 'http://adaptivecards.io/schemas/adaptive-card.json', `card $schema ${card?.$schema}`);
  want(card?.version === CARD_VERSION, `card version ${JSON.stringify(card?.version)}, not "${CARD_VERSION}"`);
  problems.push(...libraryProblems(card));
  if (card?.type !== 'AdaptiveCard') return problems;

  const d = event.data ?? {};
  const body: any[] = card.body ?? [];
  const title = body[0];
  const what = event.type
    .replace(/^sh\.keptn\.event\./, '')
    .split('.')
    .join(' ');
  want(
    title?.type === 'TextBlock' && shownText(title.text ?? '') === `Keptn: ${what}` && title.weight === 'Bolder',
    `no title TextBlock "Keptn: ${what}"`,
  );
  want(title?.color === FACT_COLOURS[d.result], `title colour ${title?.color} for result ${d.result}`);
  const factSets = body.filter((e) => e.type === 'FactSet');
  want(factSets.length === 1, `${factSets.length} FactSets, not 1`);
  const facts = new Map<string, string>((factSets[0]?.facts ?? []).map((f: any) => [f.title, f.value]));
  const score = Number(d.evaluation?.score);
  const expected: [string, unknown][] = [
    ['Project', d.project],
    ['Stage', d.stage],
    ['Service', d.service],
    ['Result', d.result],
    ['Score', Number.isFinite(score) ? String(score) : undefined],
    ['Keptn context', event.shkeptncontext],
  ];
  const shownFacts = new Map([...facts].map(([k, v]) => [shownText(k), shownText(v)]));
  for (const [name, value] of [...expected, ...Object.entries(d.labels ?? {})]) {
    const shown = value === undefined || value === '' ? undefined : String(value);
    want(shownFacts.get(name) === shown, `fact ${name}: ${JSON.stringify(shownFacts.get(name))}, not ${JSON.stringify(shown)}`);
  }
  // The event's message in a TextRun, which shows no Markdown (a TextBlock would render its links).
  if (d.message) {
    const runs = body.filter((e) => e.type === 'RichTextBlock').flatMap((e) => e.inlines ?? []);
    want(
      runs.some((r: any) => r.type === 'TextRun' && shownText(r.text) === d.message),
      `the event's message "${d.message}" is not shown as a TextRun`,
    );
  }
  const markdown = [...body.filter((e) => e.type === 'TextBlock').map((e) => e.text as string), ...[...facts].flat()];
  for (const text of markdown) want(!LIVE_LINK.test(text), `a Markdown link in ${JSON.stringify(text)}`);

  const opens = (card.actions ?? []).filter((a: any) => a.type === 'Action.OpenUrl');
  const link =
    bridge && d.project && event.shkeptncontext
      ? `${bridge.replace(/\/+$/, '')}/project/${encodeURIComponent(d.project)}/sequence/${encodeURIComponent(event.shkeptncontext)}`
      : undefined;
  if (link)
    want(
      opens.length === 1 && opens[0].title === 'Open in Keptn Bridge' && opens[0].url === link,
      `no "Open in Keptn Bridge" action to ${link}: ${JSON.stringify(card.actions)}`,
    );
  else want(card.actions === undefined, `actions without a Bridge link: ${JSON.stringify(card.actions)}`);
  return problems;
}

/**
 * Runs the built formatter of a generated notification project (dist/handler.js) on events, in a
 * Node process of its own, as the service would: one message per event.
 */
export async function formatWithProject(dir: string, events: unknown[], bridge?: string): Promise<any[]> {
  const input = join(tempDir('teams-events-'), 'events.json');
  writeFileSync(input, JSON.stringify(events));
  const script = [
    "import { readFileSync } from 'node:fs';",
    `const { formatMessage } = await import(${JSON.stringify(join(dir, 'dist/handler.js'))});`,
    `const events = JSON.parse(readFileSync(${JSON.stringify(input)}, 'utf8'));`,
    `process.stdout.write(JSON.stringify(events.map((e) => formatMessage(e, ${JSON.stringify(bridge)}))));`,
  ].join('\n');
  const run = await execa('node', ['--input-type=module', '-e', script], { cwd: dir });
  return JSON.parse(run.stdout);
}

/** The Teams formatter of the templates before Workflows: an Office 365 connector MessageCard. */
export const MESSAGE_CARD_FORMATTER = `const COLOURS: Record<string, string> = { pass: '2EB67D', warning: 'ECB22E', fail: 'E01E5A' };

/**
 * The message for one event, for a Microsoft Teams incoming webhook (a message card): this is the
 * place to change what people read. Facts list where it happened; a button opens the Bridge.
 */
export function formatMessage(event: KeptnEvent, bridgeUrl?: string) {
  const s = summarize(event, bridgeUrl);
  const facts = (
    [
      ['Project', s.project],
      ['Stage', s.stage],
      ['Service', s.service],
      ['Result', s.result],
      ['Score', s.score?.toString()],
      ['Keptn context', s.shkeptncontext],
    ] as const
  )
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ({ name, value }));
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: headline(s),
    themeColor: COLOURS[s.result ?? ''] ?? '8C8C8C',
    title: \`Keptn: \${s.what}\`,
    text: s.message ?? headline(s),
    sections: [{ facts }],
    potentialAction: s.link ? [{ '@type': 'OpenUri', name: 'Open in Keptn Bridge', targets: [{ os: 'default', uri: s.link }] }] : [],
  };
}
`;

/** The project's own Teams tests of the templates before Workflows. */
const MESSAGE_CARD_TESTS = `
  it('is a Teams message card with facts and a colour for the result', () => {
    const message = formatMessage(testEvent(EXAMPLES[0], { result: 'fail' }) as never, BRIDGE) as any;
    expect(message).toMatchObject({ '@type': 'MessageCard', '@context': 'https://schema.org/extensions', themeColor: 'E01E5A' });
    expect(message.sections[0].facts).toContainEqual({ name: 'Project', value: <%- q.ts(example.project) %> });
    expect(message.potentialAction[0]).toMatchObject({ '@type': 'OpenUri', name: 'Open in Keptn Bridge' });
  });
`;

const TEAMS_BRANCH = "<% } else if (format.id === 'teams') { -%>\n";
const NEXT_BRANCH = '<% } else { -%>';

/** Replaces the teams branch of a template (up to the generic one) with `branch`. */
function replaceTeamsBranch(path: string, branch: string, also: [from: string, to: string][] = []): void {
  let text = readFileSync(path, 'utf8');
  const start = text.indexOf(TEAMS_BRANCH);
  const end = text.indexOf(NEXT_BRANCH, start);
  if (start < 0 || end < 0) throw new Error(`${path} no longer has a teams branch before the generic one`);
  text = text.slice(0, start + TEAMS_BRANCH.length) + branch + text.slice(end);
  for (const [from, to] of also) {
    if (!text.includes(from)) throw new Error(`${path} no longer contains ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  writeFileSync(path, text);
}

/** A copy of the templates with one change to the notification handler; fails loudly if the target text is gone. */
export function changedHandlerTemplates(from: string, to: string): string {
  return changedTemplates([['notification/src/handler.ts.ejs', from, to]]);
}

/**
 * A copy of the templates whose teams format is the MessageCard again: the formatter only
 * (`testsToo` false, the mutation), or with the project's own tests of then (an older release).
 */
export function messageCardTemplates(testsToo = false): string {
  const dir = tempDir('message-card-templates-');
  cpSync(TEMPLATES, dir, { recursive: true });
  replaceTeamsBranch(join(dir, 'notification/src/handler.ts.ejs'), MESSAGE_CARD_FORMATTER);
  if (testsToo) {
    replaceTeamsBranch(join(dir, 'notification/test/handler.test.ts.ejs'), MESSAGE_CARD_TESTS, [
      ["format.id === 'teams' ? 'attachments[0].content.fallbackText' : 'text'", "format.id === 'teams' ? 'summary' : 'text'"],
    ]);
  }
  return dir;
}

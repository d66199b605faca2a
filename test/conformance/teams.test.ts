// --webhook teams posts what a Teams Workflows webhook takes: a message with one Adaptive Card 1.4,
// checked with the Adaptive Cards library, for every example event of the Keptn spec. The
// generated project is built and its own formatter runs in Node, as in the service.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/answers.js';
import { generateFrom, linkDependencies } from '../helpers.js';
import {
  BRIDGE,
  changedHandlerTemplates,
  formatWithProject,
  HOSTILE_EVENT,
  libraryProblems,
  messageCardTemplates,
  SPEC_EXAMPLES,
  specExample,
  workflowsProblems,
} from './teams.js';

/** A teams notification project from `templates` (the current ones by default), built. */
async function builtTeamsProject(templates?: string): Promise<string> {
  const answers = await resolveAnswers({ kind: 'notification', name: 'teams-card', webhook: 'teams' });
  const { dir } = await generateFrom(answers, templates);
  await linkDependencies(dir);
  await execa('npm', ['run', 'build'], { cwd: dir });
  return dir;
}

/** The spec's examples, and evaluation.finished with the results no example has. */
const withResult = (result: string) => {
  const event = specExample('evaluation-finished.json');
  return { ...event, data: { ...event.data, result } };
};
const CASES: [name: string, event: any][] = [
  ...SPEC_EXAMPLES.map((f): [string, any] => [f, specExample(f)]),
  ['evaluation-finished.json with result warning', withResult('warning')],
  ['evaluation-finished.json with result fail', withResult('fail')],
  ['evaluation-finished.json with hostile text', HOSTILE_EVENT],
];
const EVENTS = CASES.map(([, event]) => event);

/** Every problem of every message, for each event with and without a Bridge URL. */
async function problemsOf(dir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const bridge of [undefined, BRIDGE, `${BRIDGE}/`]) {
    const messages = await formatWithProject(dir, EVENTS, bridge);
    messages.forEach((message, i) => {
      for (const p of workflowsProblems(message, EVENTS[i], bridge)) problems.push(`${CASES[i][0]} (bridge ${bridge ?? 'unset'}): ${p}`);
    });
  }
  return problems;
}

describe('--webhook teams: a Teams Workflows message with an Adaptive Card', () => {
  let dir: string;
  // The first build waits for the shared dependencies to install.
  beforeAll(async () => {
    dir = await builtTeamsProject();
  });

  it('runs on every example event of the Keptn spec', () => {
    for (const name of ['evaluation-finished.json', 'approval-triggered.json', 'deployment-finished.json', 'test-finished.json']) {
      expect(SPEC_EXAMPLES).toContain(name);
    }
    expect(SPEC_EXAMPLES.length).toBeGreaterThan(30);
  });

  it('is a valid Workflows message for every example, with the facts, colour and Bridge button', async () => {
    expect(await problemsOf(dir)).toEqual([]);
  });

  it('shows evaluation.finished as the MessageCard did: facts, score, colour, link', async () => {
    const event = specExample('evaluation-finished.json');
    const [message] = await formatWithProject(dir, [event], BRIDGE);
    const card = message.attachments[0].content;
    expect(card.body[0]).toEqual({
      type: 'TextBlock',
      text: 'Keptn: evaluation finished',
      size: 'Medium',
      weight: 'Bolder',
      wrap: true,
      color: 'Good',
    });
    expect(card.body.find((e: any) => e.type === 'FactSet').facts).toEqual([
      { title: 'Project', value: 'sockshop' },
      { title: 'Stage', value: 'dev' },
      { title: 'Service', value: 'carts' },
      { title: 'Result', value: 'pass' },
      { title: 'Score', value: '0' },
      { title: 'Keptn context', value: event.shkeptncontext },
      { title: 'label-key', value: 'label-value' },
    ]);
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open in Keptn Bridge', url: `${BRIDGE}/project/sockshop/sequence/${event.shkeptncontext}` },
    ]);
    expect(card.fallbackText).toBe('Keptn: evaluation finished · in sockshop / dev / carts · result: pass · score: 0');
  });

  it('colours the title by result: pass Good, warning Warning, fail Attention', async () => {
    const events = ['pass', 'warning', 'fail'].map(withResult);
    const messages = await formatWithProject(dir, events);
    expect(messages.map((m) => m.attachments[0].content.body[0].color)).toEqual(['Good', 'Warning', 'Attention']);
    messages.forEach((m, i) => expect(workflowsProblems(m, events[i])).toEqual([]));
  });

  it("has no MessageCard left in the project's handler", () => {
    const handler = readFileSync(join(dir, 'src/handler.ts'), 'utf8');
    expect(handler).not.toMatch(/MessageCard|potentialAction|themeColor/);
    expect(handler).toContain("contentType: 'application/vnd.microsoft.card.adaptive'");
  });
});

describe('the Teams checks catch', () => {
  it('a MessageCard instead of the Adaptive Card (the templates before Workflows)', async () => {
    const dir = await builtTeamsProject(messageCardTemplates());
    const problems = (await problemsOf(dir)).join('\n');
    expect(problems).toMatch(/evaluation-finished\.json \(bridge unset\): not a Workflows message: type is undefined/);
    expect(problems).toMatch(/approval-triggered\.json \(bridge https:\/\/keptn\.example\.com\/bridge\): not a Workflows message/);
  });

  it.each([
    [
      'the score fact left out',
      "      ['Score', s.score?.toString()],\n",
      '',
      /evaluation-finished\.json \(bridge unset\): fact Score: undefined, not "0"/,
    ],
    [
      'a Bridge button without a Bridge URL',
      '...(s.link ? { actions:',
      '...(true ? { actions:',
      /\(bridge unset\): .*PropertyCantBeNull: Property "url" must be set[^]*actions without a Bridge link/,
    ],
    ['a card of version 1.5', "version: '1.4',", "version: '1.5',", /card version "1\.5", not "1\.4"/],
    [
      'the result colour of the MessageCard',
      "fail: 'Attention'",
      "fail: 'E01E5A'",
      /with result fail \(bridge unset\): library \(parse\): InvalidPropertyValue: Invalid value "E01E5A" for property "color"[^]*title colour E01E5A for result fail/,
    ],
    [
      'facts not escaped for Markdown',
      '[{ title: markdown(title), value: markdown(value) }]',
      '[{ title, value }]',
      /with hostile text \(bridge unset\): a Markdown link in "\[Keptn Bridge\]\(https:\/\/evil\.example\)"/,
    ],
  ])('%s', async (_, from, to, message) => {
    const dir = await builtTeamsProject(changedHandlerTemplates(from, to));
    expect((await problemsOf(dir)).join('\n')).toMatch(message);
  });

  it("the event's message in a TextBlock, where its Markdown link would render", () => {
    const card = (text: any) => ({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              { type: 'TextBlock', text: 'Keptn: evaluation finished', size: 'Medium', weight: 'Bolder', wrap: true, color: 'Good' },
              text,
            ],
          },
        },
      ],
    });
    const message = HOSTILE_EVENT.data.message;
    const asRun = workflowsProblems(
      card({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: message.replace('{{', '{\u200b{') }] }),
      HOSTILE_EVENT,
    ).join('\n');
    expect(asRun).not.toMatch(/message|Markdown link/);
    const asBlock = workflowsProblems(card({ type: 'TextBlock', text: message, wrap: true }), HOSTILE_EVENT).join('\n');
    expect(asBlock).toMatch(/is not shown as a TextRun/);
    expect(asBlock).toMatch(/a Markdown link in "see \[Keptn Bridge\]\(https:\/\/evil\.example\)/);
  });

  it('a MessageCard in the Workflows envelope: by the card type and by the library, which drops all of it', () => {
    const event = specExample('evaluation-finished.json');
    const messageCard = {
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      summary: 'Keptn',
      sections: [{ facts: [{ name: 'Project', value: 'sockshop' }] }],
    };
    const message = {
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: messageCard }],
    };
    const problems = workflowsProblems(message, event).join('\n');
    expect(problems).toMatch(/card type is "MessageCard", not AdaptiveCard/);
    expect(problems).toMatch(/card version undefined/);
    expect(problems).toMatch(/library: reads card version 1\.0, not 1\.4/);
    expect(problems).toMatch(/library: writes the card back as \{"type":"AdaptiveCard"/);
  });

  it.each([
    [
      'an element type that is not in 1.4',
      (c: any) => c.body.push({ type: 'Table', columns: [], rows: [] }),
      /UnknownElementType: Unknown element type "Table"/,
    ],
    ['a property of 1.5', (c: any) => (c.body[0].style = 'heading'), /UnsupportedProperty: Property "style" is supported in version 1\.5/],
    [
      'a colour that is not in the palette',
      (c: any) => (c.body[0].color = 'red'),
      /InvalidPropertyValue: Invalid value "red" for property "color"/,
    ],
    [
      'facts named like the MessageCard',
      (c: any) => (c.body.find((e: any) => e.type === 'FactSet').facts = [{ name: 'Project', value: 'sockshop' }]),
      /library: writes the card back/,
    ],
    ['a version the library does not know', (c: any) => (c.version = '1.7'), /UnsupportedCardVersion/],
    ['an OpenUrl without url', (c: any) => delete c.actions[0].url, /PropertyCantBeNull: Property "url" must be set/],
  ])('%s (by the library)', (_, change, message) => {
    const card = {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
      body: [
        { type: 'TextBlock', text: 'Keptn: evaluation finished', size: 'Medium', weight: 'Bolder', wrap: true, color: 'Good' },
        { type: 'FactSet', facts: [{ title: 'Project', value: 'sockshop' }] },
      ],
      actions: [{ type: 'Action.OpenUrl', title: 'Open in Keptn Bridge', url: `${BRIDGE}/project/sockshop/sequence/x` }],
    };
    expect(libraryProblems(card)).toEqual([]);
    change(card);
    expect(libraryProblems(card).join('\n')).toMatch(message);
  });
});

import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { formatMessage, integration, SUBSCRIPTIONS } from '../src/handler.js';
import { matches } from '../src/keptn/events.js';
import { startStack, testEvent, type Stack } from './keptn/harness.js';

/** The examples in test-events/: one per subscription. */
const EXAMPLES = readdirSync(new URL('../test-events', import.meta.url)).filter((f) => f.endsWith('.json'));

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** The service with WEBHOOK_URL pointing at the stand-in's /webhook. */
const start = () => startStack(integration, { env: (broker) => ({ WEBHOOK_URL: `${broker}/webhook` }) });

const settle = () => new Promise((r) => setTimeout(r, 150));

/** The line people read first in a slack message. */
const readable = (body: any): string => body.text;

describe('notifications', () => {
  it('has an example event for every subscription', () => {
    for (const subscription of SUBSCRIPTIONS) {
      expect(EXAMPLES.some((f) => matches(testEvent(f).type, subscription))).toBe(true);
    }
  });

  it.each(EXAMPLES)('posts exactly one message for %s and sends nothing to Keptn', async (file) => {
    stack = await start();
    const event = testEvent(file);
    expect((await stack.post(event)).status).toBe(202);
    await stack.broker.until(() => stack!.broker.webhooks.length >= 1);
    await settle();
    expect(stack.broker.webhooks).toHaveLength(1);
    expect(stack.broker.webhooks[0].body).toEqual(formatMessage(event as never));
    expect(readable(stack.broker.webhooks[0].body)).toContain('sockshop / dev / carts');
    expect(stack.replies()).toEqual([]);
  });

  it('accepts structured mode too', async () => {
    stack = await start();
    expect((await stack.post(testEvent(EXAMPLES[0]), 'structured')).status).toBe(202);
    await stack.broker.until(() => stack!.broker.webhooks.length >= 1);
  });

  it('posts nothing for events it is not subscribed to', async () => {
    stack = await start();
    const other = testEvent(EXAMPLES[0]).cloneWith({ type: 'com.example.not-keptn' });
    expect((await stack.post(other)).status).toBe(200);
    await settle();
    expect(stack.broker.webhooks).toEqual([]);
  });

  it('logs a webhook that is down, and keeps running', async () => {
    stack = await startStack(integration, { env: { WEBHOOK_URL: 'http://127.0.0.1:9/hook' } });
    expect((await stack.post(testEvent(EXAMPLES[0]))).status).toBe(202);
    await settle();
    expect(stack.logs.some((l) => l.level === 'error' && l.msg === 'handling event failed')).toBe(true);
    expect((await fetch(`${stack.url}health`)).status).toBe(200);
  });
});

describe('formatMessage (slack)', () => {
  const BRIDGE = 'https://keptn.example.com/bridge';

  it('says what happened, where, and how it went', () => {
    const event = testEvent(EXAMPLES[0], { result: 'fail', evaluation: { score: 42 } });
    const line = readable(formatMessage(event as never));
    expect(line).toMatch(/result: fail/);
    expect(line).toMatch(/score: 42/);
  });

  // Whoever can publish an event chooses its text: none of it may ping, link or format.
  const HOSTILE = {
    message:
      'done <!channel> see <https://evil.example|Keptn Bridge> or [Keptn Bridge](https://evil.example) & **now** {{DATE(2017-02-14T06:08:39Z, SHORT)}}',
    labels: { build: '<!here> [x](https://evil.example)', half: 'a \ud800 b\u0007' },
  };

  it("puts the event's own context into the Bridge link as one path segment", () => {
    const event = testEvent(EXAMPLES[0]).cloneWith({ shkeptncontext: '../../admin?x=1#y' });
    const text = JSON.stringify(formatMessage(event as never, BRIDGE));
    expect(text).toContain(`${BRIDGE}/project/${event.data!.project}/sequence/..%2F..%2Fadmin%3Fx%3D1%23y`);
    expect(text).not.toContain('sequence/../');
  });

  it("sends the event's text as well-formed text without control characters", () => {
    const text = JSON.stringify(formatMessage(testEvent(EXAMPLES[0], HOSTILE) as never));
    expect(text).not.toMatch(/\\ud800|\\u0007/);
    expect(text).toContain('a \ufffd b');
  });

  it('links the sequence in the Keptn Bridge when KEPTN_BRIDGE_URL is set, and only then', () => {
    const event = testEvent(EXAMPLES[0]);
    const link = `${BRIDGE}/project/${event.data!.project}/sequence/${event.shkeptncontext}`;
    expect(JSON.stringify(formatMessage(event as never, `${BRIDGE}/`))).toContain(JSON.stringify(link).slice(1, -1));
    expect(JSON.stringify(formatMessage(event as never))).not.toContain(BRIDGE);
  });

  it('is a Slack message: text, a mrkdwn section and a button', () => {
    const message = formatMessage(testEvent(EXAMPLES[0]) as never, BRIDGE) as any;
    expect(message.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn', verbatim: true } });
    expect(message.blocks.at(-1).elements[0]).toMatchObject({ type: 'button', text: { type: 'plain_text', text: 'Open in Keptn Bridge' } });
  });

  it("escapes the event's text as Slack asks (& < >): no mention, no forged link", () => {
    const event = testEvent(EXAMPLES[0], { ...HOSTILE, project: '<!everyone>' });
    const message = formatMessage(event as never, BRIDGE) as any;
    const text = JSON.stringify(message);
    for (const raw of ['<!channel>', '<!here>', '<!everyone>', '<https://evil.example|']) expect(text).not.toContain(raw);
    expect(message.blocks[0].text.text).toContain(
      '> done &lt;!channel&gt; see &lt;https://evil.example|Keptn Bridge&gt; or [Keptn Bridge](https://evil.example) &amp; **now**',
    );
    expect(message.text).toMatch(/^Keptn: .* in &lt;!everyone&gt; \//);
    expect(message.blocks[1]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'build: &lt;!here&gt; [x](https://evil.example) · half: a \ufffd b', verbatim: true }],
    });
  });

  it('keeps a long message within the 3,000 characters of a block', () => {
    const message = formatMessage(testEvent(EXAMPLES[0], { message: 'x'.repeat(5000) }) as never) as any;
    expect(message.blocks[0].text.text).toHaveLength(3000);
    expect(message.blocks[0].text.text.endsWith('…')).toBe(true);
  });
});

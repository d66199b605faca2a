import { afterEach, describe, expect, it } from 'vitest';
import * as handler from '../src/handler.js';
import { expectReplyTo, startStack, testEvent, type Stack } from './harness.js';

const TASK = 'db-migrate';
const EVENT_FILE = `${TASK}.triggered.json`;

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function trigger(mode: 'binary' | 'structured' = 'binary') {
  stack = await startStack();
  const event = testEvent(EVENT_FILE);
  expect((await stack.post(event, mode)).status).toBe(202);
  await stack.broker.until(() => stack!.replies().length >= 2);
  const [started, finished] = stack.replies();
  expectReplyTo(event, started, 'started');
  expectReplyTo(event, finished, 'finished');
  return finished;
}

describe(`${TASK}.triggered`, () => {
  it.each(['binary', 'structured'] as const)('answers .started then .finished (%s mode)', async (mode) => {
    const finished = await trigger(mode);
    expect(finished.data).toMatchObject({ status: 'succeeded', result: 'pass' });
    expect(finished.data.message).toBe(
      `${TASK} done for ${finished.data.service} in ${finished.data.project}/${finished.data.stage} with example-property`,
    );
    expect(finished.data[TASK]).toBeUndefined();
  });

  it('reports errored with the error message when the task throws', async () => {
    const failing = async () => {
      throw new Error('the database said no');
    };
    stack = await startStack({ integration: { ...handler.integration, handle: failing } });
    const event = testEvent(EVENT_FILE);
    await stack.post(event);
    await stack.broker.until(() => stack!.replies().length >= 2);
    expect(stack.replies()[1].data).toMatchObject({ status: 'errored', result: 'fail', message: `${TASK} failed: the database said no` });
  });

  it('acknowledges and ignores events it is not subscribed to', async () => {
    stack = await startStack();
    const other = testEvent(EVENT_FILE).cloneWith({ type: 'com.example.not-keptn' });
    expect((await stack.post(other)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(stack.replies()).toEqual([]);
  });
});

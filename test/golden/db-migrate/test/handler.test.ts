import { afterEach, describe, expect, it } from 'vitest';
import { integration } from '../src/handler.js';
import { runTask, startStack, testEvent, type Stack } from './keptn/harness.js';

const TASK = 'db-migrate';
const EVENT_FILE = `${TASK}.triggered.json`;

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe(`${TASK}.triggered`, () => {
  it.each(['binary', 'structured'] as const)('answers .started then .finished (%s mode)', async (mode) => {
    stack = await startStack(integration);
    const finished = await runTask(stack, testEvent(EVENT_FILE), mode);
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
    stack = await startStack({ ...integration, handle: failing });
    const finished = await runTask(stack, testEvent(EVENT_FILE));
    expect(finished.data).toMatchObject({ status: 'errored', result: 'fail', message: `${TASK} failed: the database said no` });
  });

  it('acknowledges and ignores events it is not subscribed to', async () => {
    stack = await startStack(integration);
    const other = testEvent(EVENT_FILE).cloneWith({ type: 'com.example.not-keptn' });
    expect((await stack.post(other)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(stack.replies()).toEqual([]);
  });
});

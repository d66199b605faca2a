// db-migrate: serves the shipyard task `db-migrate`.
// For each task trigger the service answers .started at once; what runTask() returns becomes the
// .finished. If it throws, Keptn gets a .finished with status errored, result fail and the error.
import type { HandlerContext, Integration } from './keptn/integration.js';
import { matches, taskOf, type KeptnEvent, type Outcome } from './keptn/events.js';

/** Tasks answered with .started/.finished. */
export const TASKS: string[] = ['db-migrate'];
/** Every event type the distributor subscribes to (chart value distributor.pubsubTopic). */
export const SUBSCRIPTIONS: string[] = ['sh.keptn.event.db-migrate.triggered'];

export const integration: Integration = {
  classify(event) {
    const task = taskOf(event.type);
    if (task && TASKS.includes(task)) return 'task';
    return SUBSCRIPTIONS.some((s) => matches(event.type, s)) ? 'listen' : 'ignore';
  },

  async handle(event, ctx) {
    const task = taskOf(event.type);
    if (task && TASKS.includes(task)) return runTask(task, event, ctx);
    await onEvent(event, ctx);
  },
};

/**
 * The work of a task: this is the place to put yours. `event.data[task]` holds the task's
 * properties from the shipyard; return the result, a message for the Keptn Bridge and, where the
 * task has one, a payload that is sent back as data.<task> (Keptn's own tasks define its fields).
 */
export async function runTask(task: string, event: KeptnEvent, ctx: HandlerContext): Promise<Outcome> {
  const { project, stage, service } = event.data ?? {};
  const properties = (event.data?.[task] ?? {}) as Record<string, unknown>;
  ctx.log.info('running task', { task, project, stage, service, properties });
  const given = Object.keys(properties);
  return {
    result: 'pass',
    message: `${task} done for ${service} in ${project}/${stage}${given.length ? ` with ${given.join(', ')}` : ''}`,
  };
}

/** A subscribed event that is not a task trigger: only observed, nothing is sent back. */
export async function onEvent(event: KeptnEvent, ctx: HandlerContext): Promise<void> {
  ctx.log.info('event observed', { type: event.type, shkeptncontext: event.shkeptncontext });
}

// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// src/keptn/ (your edits here are merged, and may conflict): your integration's code goes into
// src/handler.ts instead.

// Runs events through the integration: .started at once, .finished when the handler settles, and a
// .finished with status errored when it throws, times out or is cut short by shutdown, or when its
// .finished is refused.
import { setMaxListeners } from 'node:events';
import type { Config } from './config.js';
import type { HandlerContext, Integration } from './integration.js';
import { essentials, reply, SendError, taskOf, type KeptnEvent, type Outcome, type Send } from './events.js';
import { errorMessage, type Log } from './log.js';
import type { Resources } from './resources.js';

export interface Deps {
  config: Config;
  send: Send;
  resources: Resources;
  log: Log;
}

export function createDispatcher(integration: Integration, deps: Deps) {
  const { config, send, log } = deps;
  const running = new Set<Promise<void>>();
  const shutdown = new AbortController();
  // Every running task and listener waits on it: no cap, which would warn of a leak past ten.
  setMaxListeners(0, shutdown.signal);

  async function runTask(event: KeptnEvent): Promise<void> {
    const task = taskOf(event.type)!;
    const startedAt = new Date();
    await send(reply(event, 'started', config));
    const { signal: limit, settled } = taskSignal();
    let outcome: Outcome;
    try {
      outcome = (await untilAborted(integration.handle(event, context(limit)), limit)) ?? {
        result: 'pass',
        message: `${task} finished`,
      };
    } catch (err) {
      const why = limit.aborted
        ? shutdown.signal.aborted
          ? 'the service shut down before the task finished'
          : `the task did not finish within ${config.taskTimeoutMs / 1000} s`
        : errorMessage(err);
      log.error('task failed', { type: event.type, shkeptncontext: event.shkeptncontext, error: why });
      outcome = { status: 'errored', result: 'fail', message: `${task} failed: ${why}`, payload: integration.errorPayload?.(event, startedAt) };
    } finally {
      settled();
    }
    const { status = 'succeeded', result, message, payload } = outcome;
    try {
      await send(reply(event, 'finished', config, { status, result, message, ...(payload ? { [task]: payload } : {}) }));
    } catch (err) {
      // Without a .finished Keptn waits for this task forever. Send a short errored one instead,
      // once (its own failure goes to track() as lost), and only when the first cannot have
      // arrived: two .finished for one task must never reach Keptn.
      if (!(err instanceof SendError) || err.mayHaveArrived) throw err;
      log.error("the task's .finished could not be delivered: sending a short errored one instead", {
        type: event.type,
        shkeptncontext: event.shkeptncontext,
        error: err.message,
      });
      const kept = payload ? essentials(payload) : integration.errorPayload?.(event, startedAt);
      await send(
        reply(event, 'finished', config, {
          status: 'errored',
          result: 'fail',
          message: `${task}: the task's .finished could not be delivered (${err.reason}); it had ended with status ${status}, result ${result}`,
          ...(kept ? { [task]: kept } : {}),
        }),
      );
      log.info('task finished', { type: event.type, shkeptncontext: event.shkeptncontext, status: 'errored', result: 'fail' });
      return;
    }
    log.info('task finished', { type: event.type, shkeptncontext: event.shkeptncontext, status, result });
  }

  /**
   * A task's signal: aborted when the task runs out of time or the service shuts down, until the
   * task settles. Its timer is cleared then, so a finished task holds no timer for the rest of
   * its time limit (an hour by default).
   */
  function taskSignal(): { signal: AbortSignal; settled: () => void } {
    const limit = new AbortController();
    const onShutdown = () => limit.abort(shutdown.signal.reason);
    if (shutdown.signal.aborted) onShutdown();
    shutdown.signal.addEventListener('abort', onShutdown, { once: true });
    const timeout = () => limit.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    const timer = setTimeout(timeout, Math.ceil(config.taskTimeoutMs)).unref();
    return {
      signal: limit.signal,
      settled() {
        clearTimeout(timer);
        shutdown.signal.removeEventListener('abort', onShutdown);
      },
    };
  }

  function context(signal: AbortSignal): HandlerContext {
    return { config, resources: deps.resources, log, signal };
  }

  function track(work: Promise<void>, event: KeptnEvent): void {
    const done = work
      .catch((err) =>
        log.error('event lost: its reply could not be sent', {
          type: event.type,
          id: event.id,
          error: errorMessage(err),
          ...(err instanceof SendError && err.mayHaveArrived ? { mayHaveArrived: true } : {}),
        }),
      )
      .finally(() => running.delete(done));
    running.add(done);
  }

  return {
    /** Start work on an event; false when the integration ignores it. */
    dispatch(event: KeptnEvent): boolean {
      let what = integration.classify(event);
      if (what === 'ignore') return false;
      if (what === 'task' && !taskOf(event.type)) {
        // Only a .triggered event can be answered; a reply of the same type would loop back.
        log.warn('not a task trigger: handled without replies', { type: event.type });
        what = 'listen';
      }
      log.info('event received', { type: event.type, id: event.id, shkeptncontext: event.shkeptncontext });
      const work =
        what === 'task'
          ? runTask(event)
          : untilAborted(integration.handle(event, context(shutdown.signal)), shutdown.signal).then(
              () => undefined,
              (err) => log.error('handling event failed', { type: event.type, id: event.id, error: errorMessage(err) }),
            );
      track(work, event);
      return true;
    },
    get inFlight(): number {
      return running.size;
    },
    /**
     * Wait for running work, and for work that starts until `accepting` settles (the service
     * still takes events until then). After `graceMs` it is aborted, which makes each task send
     * its .finished as errored, and a task that starts later does so at once; so the wait still
     * ends with every reply sent (or logged as lost).
     */
    async drain(graceMs: number, accepting: Promise<void> = Promise.resolve()): Promise<void> {
      const timer = setTimeout(() => shutdown.abort(), graceMs);
      await accepting;
      while (running.size > 0) await Promise.all([...running]);
      clearTimeout(timer);
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;

/** Settle with `work`, or reject as soon as `signal` aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

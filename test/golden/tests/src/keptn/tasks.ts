// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// src/keptn/ (your edits here are merged, and may conflict): your integration's code goes into
// src/handler.ts instead.

// Runs events through the integration, each once: .started at once, .finished when the handler
// settles, and a .finished with status errored when it throws, times out or is cut short by
// shutdown, or when its .finished is refused. A reply the sender gives up on makes one log line.
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
    const startedReply = reply(event, 'started', config);
    // The task runs while its .started is on its way (a distributor restart can take a while);
    // its .finished goes only after it, as Keptn counts a .finished against a .started.
    const started = deliver(startedReply);
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
      outcome = {
        status: 'errored',
        result: 'fail',
        message: `${task} failed: ${why}`,
        payload: integration.errorPayload?.(event, startedAt),
      };
    } finally {
      settled();
    }
    const startFailure = await started;
    // A .started that cannot have arrived is tried once more, right before the .finished: Keptn
    // ignores a .finished without one (0.8.7:shipyard-controller/handler/shipyardcontroller.go
    // handleFinishedEvent: "no matching '.started' event"; 1.4.5: models/sequence_execution.go
    // IsFinished wants as many .finished as .started). One that may have arrived is not: a
    // second .started would leave the task open for good.
    if (startFailure && !startFailure.mayHaveArrived) {
      const again = await deliver(startedReply);
      if (again) giveUp(event, startedReply, again);
    } else if (startFailure) {
      giveUp(event, startedReply, startFailure);
    }

    const { status = 'succeeded', result, message, payload } = outcome;
    const finished = reply(event, 'finished', config, { status, result, message, ...(payload ? { [task]: payload } : {}) });
    const failure = await deliver(finished);
    if (!failure) {
      log.info('task finished', { type: event.type, shkeptncontext: event.shkeptncontext, status, result });
      return;
    }
    // Without a .finished Keptn waits for this task forever. Send a short errored one instead,
    // once, and only when the first cannot have arrived: two .finished for one task must never
    // reach Keptn.
    if (failure.mayHaveArrived) return giveUp(event, finished, failure);
    log.warn("the task's .finished could not be delivered: sending a short errored one instead", {
      type: event.type,
      id: event.id,
      shkeptncontext: event.shkeptncontext,
      error: failure.reason,
    });
    const kept = payload ? essentials(payload) : integration.errorPayload?.(event, startedAt);
    const replacement = reply(event, 'finished', config, {
      status: 'errored',
      result: 'fail',
      message: `${task}: the task's .finished could not be delivered (${failure.reason}); it had ended with status ${status}, result ${result}`,
      ...(kept ? { [task]: kept } : {}),
    });
    const lost = await deliver(replacement);
    if (lost) return giveUp(event, replacement, lost);
    log.info('task finished', { type: event.type, shkeptncontext: event.shkeptncontext, status: 'errored', result: 'fail' });
  }

  /** Sends `event`; resolves with the SendError when the sender gave up on it. */
  function deliver(event: KeptnEvent): Promise<SendError | undefined> {
    return send(event, shutdown.signal).then(
      () => undefined,
      // Anything else was thrown before a request went out.
      (err) => (err instanceof SendError ? err : new SendError(errorMessage(err), errorMessage(err), false, 0)),
    );
  }

  /** The one line for a reply that is given up: which event it answered, and why. */
  function giveUp(triggered: KeptnEvent, lost: KeptnEvent, err: SendError): void {
    log.error('reply given up', {
      type: lost.type,
      id: triggered.id,
      shkeptncontext: triggered.shkeptncontext,
      attempts: err.attempts,
      error: err.reason,
      ...(err.mayHaveArrived ? { mayHaveArrived: true } : {}),
    });
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
        log.error('handling event failed', {
          type: event.type,
          id: event.id,
          shkeptncontext: event.shkeptncontext,
          error: errorMessage(err),
        }),
      )
      .finally(() => running.delete(done));
    running.add(done);
  }

  /**
   * Events already taken, by source and id: the distributor may deliver one again (a redelivery,
   * a retry after a lost answer), and running it twice would send Keptn two .started and two
   * .finished. The last RECENT_EVENTS ids are kept (some 100 bytes each), oldest forgotten first.
   */
  const recent = new Set<string>();

  return {
    /**
     * Start work on an event: `accepted`; `ignored` when the integration does not handle it;
     * `duplicate` when it was taken before; `busy` when too many replies wait for the
     * distributor to take another task (REPLY_QUEUE_SIZE).
     */
    dispatch(event: KeptnEvent): 'accepted' | 'ignored' | 'duplicate' | 'busy' {
      let what = integration.classify(event);
      if (what === 'ignore') return 'ignored';
      const key = `${event.source}\n${event.id}`;
      if (recent.has(key)) {
        log.warn('event received again: not run twice', { type: event.type, id: event.id, shkeptncontext: event.shkeptncontext });
        return 'duplicate';
      }
      if (what === 'task' && !taskOf(event.type)) {
        // Only a .triggered event can be answered; a reply of the same type would loop back.
        log.warn('not a task trigger: handled without replies', { type: event.type });
        what = 'listen';
      }
      if (what === 'task' && send.pending >= config.replyQueueSize) {
        log.warn('event refused: too many replies wait for the distributor', { type: event.type, id: event.id, pending: send.pending });
        return 'busy';
      }
      recent.add(key);
      if (recent.size > RECENT_EVENTS) recent.delete(recent.values().next().value!);
      log.info('event received', { type: event.type, id: event.id, shkeptncontext: event.shkeptncontext });
      const work =
        what === 'task'
          ? runTask(event)
          : untilAborted(integration.handle(event, context(shutdown.signal)), shutdown.signal).then(
              () => undefined,
              (err) => log.error('handling event failed', { type: event.type, id: event.id, error: errorMessage(err) }),
            );
      track(work, event);
      return 'accepted';
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

/** How many taken events are remembered, to run none twice (see `recent`). */
export const RECENT_EVENTS = 10_000;

/** Settle with `work`, or reject as soon as `signal` aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

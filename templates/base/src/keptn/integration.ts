// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// src/keptn/ (your edits here are merged, and may conflict): your integration's code goes into
// src/handler.ts instead.

// The contract between the service and this integration's handler (src/handler.ts).
import type { Config } from './config.js';
import type { KeptnEvent, Outcome } from './events.js';
import type { Log } from './log.js';
import type { Resources } from './resources.js';

export interface HandlerContext {
  config: Config;
  resources: Resources;
  log: Log;
  /** Aborted when the task runs out of time or the service shuts down, while handle() runs. */
  signal: AbortSignal;
}

export interface Integration {
  /**
   * What to do with an event: `task` answers it with .started now and .finished when handle()
   * settles; `listen` only calls handle(); `ignore` acknowledges it and does nothing.
   */
  classify(event: KeptnEvent): 'task' | 'listen' | 'ignore';
  handle(event: KeptnEvent, ctx: HandlerContext): Promise<Outcome | void>;
  /** The task payload of a .finished sent because handle() failed (some task schemas require one). */
  errorPayload?(event: KeptnEvent, startedAt: Date): Record<string, unknown>;
  /** Checks the handler's own settings at start-up: throws on a bad value, warns on a missing one. */
  checkSettings?(config: Config, log: Log): void;
}

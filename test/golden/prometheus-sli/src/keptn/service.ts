// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// src/keptn/ (your edits here are merged, and may conflict): your integration's code goes into
// src/handler.ts instead.

// Wires the pieces together; src/main.ts runs it (runService), the tests start it in-process.
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from './config.js';
import { integration } from '../handler.js';
import type { Integration } from './integration.js';
import { createSender, type SenderOptions } from './events.js';
import { errorMessage, log as defaultLog, type Log } from './log.js';
import { createResources } from './resources.js';
import { createHttpServer } from './server.js';
import { createDispatcher } from './tasks.js';

export interface ServiceOptions {
  log?: Log;
  sender?: SenderOptions;
  /** Replace the handler (tests of the task machinery). */
  integration?: Integration;
}

export async function startService(config: Config, options: ServiceOptions = {}) {
  const log = options.log ?? defaultLog;
  const handler = options.integration ?? integration;
  handler.checkSettings?.(config, log);
  const send = createSender(config, log, options.sender);
  const dispatcher = createDispatcher(handler, {
    config,
    send,
    resources: createResources(config),
    log,
  });
  const http = createHttpServer(config, dispatcher, log);
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(config.port, resolve);
  });
  const port = (http.server.address() as AddressInfo).port;

  return {
    port,
    dispatcher,
    /** Graceful stop: refuse new events, let running tasks finish (or report them errored), close. */
    async stop(graceMs = config.shutdownGraceMs): Promise<void> {
      http.stopAccepting();
      await dispatcher.drain(graceMs);
      const closed = new Promise<void>((resolve) => http.server.close(() => resolve()));
      http.server.closeIdleConnections();
      await closed;
    },
  };
}

/** The container's process: start from the environment, stop gracefully on SIGTERM (or SIGINT). */
export async function runService(): Promise<void> {
  const log = defaultLog;
  // Last line of defence: report anything unhandled loudly instead of dying silently mid-task.
  process.on('unhandledRejection', (err) => log.error('unhandled rejection', { error: errorMessage(err) }));
  try {
    const config = loadConfig();
    const service = await startService(config);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info('stopping', { signal, inFlight: service.dispatcher.inFlight });
      await service.stop();
      log.info('stopped');
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    // Only now: whoever waits for this line may stop the service at once.
    log.info('listening', { port: service.port, name: config.name, eventBrokerUrl: config.eventBrokerUrl });
  } catch (err) {
    log.error('cannot start', { error: errorMessage(err) });
    process.exit(1);
  }
}

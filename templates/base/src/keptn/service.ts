// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// src/keptn/ (your edits here are merged, and may conflict): your integration's code goes into
// src/handler.ts instead.

// Wires the pieces together around the integration it is handed: src/main.ts runs it with
// src/handler.ts's (runService), the tests start it in-process, with theirs if they like. Nothing
// in src/keptn/ imports your code; it gets it from main.ts.
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from './config.js';
import type { Integration } from './integration.js';
import { createSender, type SenderOptions } from './events.js';
import { errorMessage, log as defaultLog, type Log } from './log.js';
import { createResources } from './resources.js';
import { createHttpServer } from './server.js';
import { createDispatcher } from './tasks.js';

export interface ServiceOptions {
  log?: Log;
  sender?: SenderOptions;
}

export async function startService(handler: Integration, config: Config, options: ServiceOptions = {}) {
  const log = options.log ?? defaultLog;
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
    /**
     * Graceful stop: take events for `acceptMs` more (each answered), then refuse them; running
     * tasks get `graceMs` from now to finish, then report errored (so do tasks that start after
     * that); close once every reply is sent.
     */
    async stop(graceMs = config.shutdownGraceMs, acceptMs = 0): Promise<void> {
      let accepting = Promise.resolve();
      if (acceptMs > 0) {
        http.stopReadiness();
        accepting = new Promise<void>((resolve) => setTimeout(resolve, acceptMs)).then(() => http.stopAccepting());
      } else {
        http.stopAccepting();
      }
      await dispatcher.drain(graceMs, accepting);
      const closed = new Promise<void>((resolve) => http.server.close(() => resolve()));
      http.server.closeIdleConnections();
      await closed;
    },
  };
}

/** The container's process: start from the environment, stop gracefully on SIGTERM (or SIGINT). */
export async function runService(handler: Integration): Promise<void> {
  const log = defaultLog;
  // Last line of defence: report anything unhandled loudly instead of dying silently mid-task.
  process.on('unhandledRejection', (err) => log.error('unhandled rejection', { error: errorMessage(err) }));
  try {
    const config = loadConfig();
    const service = await startService(handler, config);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      // In the chart's pod the distributor still forwards events after SIGTERM (its own comes
      // later, chart/templates/deployment.yaml): they are taken for SHUTDOWN_ACCEPT_SECONDS.
      const acceptMs = signal === 'SIGTERM' ? config.shutdownAcceptMs : 0;
      log.info('stopping', {
        signal,
        inFlight: service.dispatcher.inFlight,
        acceptingSeconds: acceptMs / 1000,
        graceSeconds: config.shutdownGraceMs / 1000,
      });
      await service.stop(config.shutdownGraceMs, acceptMs);
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

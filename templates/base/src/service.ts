// Wires the pieces together; main.ts runs it, the tests start it in-process.
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { integration } from './handler.js';
import type { Integration } from './integration.js';
import { createSender, type SenderOptions } from './keptn.js';
import { log as defaultLog, type Log } from './log.js';
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

// Entry point of the container: start the service, stop it gracefully on SIGTERM.
import { loadConfig } from './config.js';
import { errorMessage, log } from './log.js';
import { startService } from './service.js';

// Last line of defence: report anything unhandled loudly instead of dying silently mid-task.
process.on('unhandledRejection', (err) => log.error('unhandled rejection', { error: errorMessage(err) }));

try {
  const config = loadConfig();
  const service = await startService(config);
  log.info('listening', { port: service.port, name: config.name, eventBrokerUrl: config.eventBrokerUrl });

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
} catch (err) {
  log.error('cannot start', { error: errorMessage(err) });
  process.exit(1);
}

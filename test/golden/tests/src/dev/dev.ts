// Development only: not in the image (.dockerignore leaves out src/dev/). Maintained by
// `npx create-keptn-integration regenerate`: your integration's code goes into src/handler.ts instead.

// `npm run dev`: the service plus a local stand-in for the distributor (port 8081, or
// DEV_DISTRIBUTOR_PORT), so that `npm run send-event test-events/<file>` shows the whole exchange
// without a cluster. Ports taken by something else are said in one line.
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../keptn/config.js';
import { startDevBroker } from './dev-broker.js';
import { integration } from '../handler.js';
import { startService } from '../keptn/service.js';

/** One line for a port in use, instead of a stack trace. */
function exitOnBusyPort(err: unknown, what: string, variable: string): never {
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (e.code === 'EADDRINUSE')
    console.error(`${what}: port ${e.port ?? ''} is in use; stop what listens there or set ${variable}=<another port>`);
  else console.error(`${what}: ${e.message}`);
  process.exit(1);
}

const brokerPort = Number(process.env.DEV_DISTRIBUTOR_PORT ?? 8081);
const broker = await startDevBroker({
  port: brokerPort,
  resourcesDir: fileURLToPath(new URL('../../keptn/resources', import.meta.url)),
  verbose: true,
}).catch((err) => exitOnBusyPort(err, 'distributor stand-in', 'DEV_DISTRIBUTOR_PORT'));
// The service talks to the stand-in, wherever it listens.
process.env.EVENT_BROKER_URL ??= `${broker.url}/event`;
process.env.CONFIGURATION_SERVICE_URL ??= `${broker.url}/resource-service`;
const config = loadConfig();
const service = await startService(integration, config).catch((err) => exitOnBusyPort(err, config.name, 'PORT'));
console.log(`${config.name} listening on :${service.port}; distributor stand-in on :${broker.port}`);
console.log('Send an event from another terminal: npm run send-event test-events/<file>.json');

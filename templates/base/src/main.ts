// Entry point of the container (`node dist/main.js`): the service with the handler of
// src/handler.ts, until SIGTERM. The machinery it runs is in src/keptn/ (see src/keptn/service.ts),
// which gets your code from here and imports none of it.
import { integration } from './handler.js';
import { runService } from './keptn/service.js';

await runService(integration);

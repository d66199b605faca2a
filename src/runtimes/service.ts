// The default runtime: a service of its own, with its TypeScript code, Dockerfile and Helm chart,
// which the distributor sidecar subscribes to Keptn.
import type { Runtime } from './types.js';

/**
 * What a no-code definition keeps of the service layout: the Keptn files, the Git settings and the
 * regeneration workflow (so that it can become a service later with `--set runtime=service`).
 */
export const NO_CODE_LAYERS = [
  'base/keptn',
  'base/dot-gitignore',
  'base/dot-gitattributes',
  'base/dot-github/workflows/keptn-integration.yml.ejs',
];

export const service: Runtime = {
  id: 'service',
  summary: 'a service of its own: TypeScript, Dockerfile, Helm chart with the distributor',
  layers: ['base'],
  install: true,
  ownDistributor: true,
  callsEndpoint: false,
  eventsHint:
    'The distributor sidecar subscribes to these types and forwards each event to the service, once for every type it ' +
    'matches. Each ends in a phase: triggered, started, status.changed, finished or invalidated.',
  sendEvent: 'npm run send-event',
  // The dev broker (src/dev/dev-broker.ts) answers there in place of the distributor and a deployment.
  devTarget: 'http://localhost:8081',
  nextSteps: (s) => [
    ...s.cd,
    ...(s.installed ? [] : ['npm install']),
    'npm test',
    'npm run dev            # the service plus a local stand-in for the distributor',
    `npm run send-event test-events/${s.sampleEvent}   # in another terminal`,
    `docker build -t ${s.image}:0.1.0 . && docker push ${s.image}:0.1.0`,
    `helm install ${s.name} ./chart --namespace keptn${s.secretSets}`,
    ...s.wiring,
  ],
};

import { NPM } from '../generated-versions.js';
import { dnsLabel, pick, yamlName } from '../rules.js';
import type { Kind } from './types.js';

/** Where an SLI provider queries its indicators (--metrics), each with one line for the prompt. */
export const METRICS_BACKENDS = [
  { id: 'prometheus', summary: 'PromQL instant queries over the evaluation window' },
  { id: 'http-json', summary: 'any HTTP API answering JSON: a URL template and a JSON path per indicator' },
] as const;

export const sliProvider: Kind = {
  id: 'sli-provider',
  summary: "answers Keptn's get-sli requests during an evaluation with metric values",
  sampleName: 'my-sli-provider',
  answers: [],
  defaults: {},
  questions: [
    {
      key: 'sli-provider',
      flag: '--sli-provider <name>',
      help: 'sli-provider: the sliProvider value it answers to (default: the name)',
      example: '--sli-provider prometheus',
      message: 'Which sliProvider value does it answer to?',
      hint: 'Chosen per project with `keptn configure monitoring <provider>`; get-sli events for other providers are ignored.',
      default: (a) => a.name,
      rule: () => yamlName(dnsLabel(63)),
    },
    {
      key: 'metrics',
      flag: '--metrics <backend>',
      help: `sli-provider: where the indicators are queried: ${METRICS_BACKENDS.map((b) => b.id).join(', ')}`,
      example: '--metrics http-json',
      message: 'Which metrics backend does it query?',
      ...pick(() => METRICS_BACKENDS.map((b) => ({ value: b.id, name: b.id, description: b.summary }))),
      default: () => 'prometheus',
    },
  ],
  listing: (a) => ({ kinds: ['sli-provider', 'observability'], keywords: [a.metrics === 'http-json' ? 'http' : 'prometheus'] }),
  subscriptions: () => ['sh.keptn.event.get-sli.triggered'],
  tasks: () => ['get-sli'],
  // The lighthouse sends get-sli while it runs an evaluation task: the shipyard needs `evaluation`.
  sequences: () => [{ name: 'evaluation', tasks: [{ name: 'evaluation' }] }],
  sampleEvent: () => 'get-sli.triggered.json',
  resources: (a) => [
    {
      uri: `${a['sli-provider']}/sli.yaml`,
      why: 'the query of each indicator',
    },
    { uri: 'slo.yaml', why: 'the objectives the lighthouse scores' },
  ],
  commands: (a) => [`keptn configure monitoring ${a['sli-provider']} --project="$PROJECT" --service="$SERVICE"`],
  // Test definitions and sli.yaml are YAML.
  dependencies: () => ({ yaml: NPM.yaml }),
  view: (a) => ({ metrics: a.metrics, sliProvider: a['sli-provider'] }),
  env: (a) => [
    a.metrics === 'http-json'
      ? {
          name: 'METRICS_URL',
          value: 'metricsUrl',
          default: 'http://metrics.monitoring.svc.cluster.local',
          // npm run dev answers the example queries itself (src/dev/dev-broker.ts).
          dev: 'http://localhost:8081',
          help: 'base URL of the HTTP-JSON metrics service; the URLs in sli.yaml are relative to it',
        }
      : {
          name: 'METRICS_URL',
          value: 'metricsUrl',
          default: 'http://prometheus-server.monitoring.svc.cluster.local:80',
          dev: 'http://localhost:8081',
          help: 'base URL of the Prometheus HTTP API the indicators are queried from',
        },
  ],
};

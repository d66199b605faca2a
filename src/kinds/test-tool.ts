import type { Kind, ShipyardSequence } from './types.js';

export const testTool: Kind = {
  id: 'test-tool',
  summary: 'runs tests when Keptn asks (answers the test task with .started and .finished)',
  answers: ['task'],
  defaults: { task: () => 'test' },
  subscriptions: (a) => [`sh.keptn.event.${a.task}.triggered`],
  tasks: (a) => [a.task],
  sequences: (a): ShipyardSequence[] => [
    {
      name: 'delivery',
      tasks: [
        { name: 'deployment', properties: { deploymentstrategy: 'direct' } },
        { name: a.task, properties: { teststrategy: 'functional' } },
        { name: 'evaluation' },
        { name: 'release' },
      ],
    },
  ],
  sampleEvent: (a) => `${a.task}.triggered.json`,
  resources: (a) => [
    {
      uri: `${a.name}/checks.yaml`,
      why: 'the HTTP checks the test runs against the deployed service',
    },
  ],
  // Test definitions and sli.yaml are YAML.
  dependencies: { yaml: '^2.9.1' },
  env: () => [
    {
      name: 'TEST_REQUEST_TIMEOUT_SECONDS',
      value: 'requestTimeoutSeconds',
      default: '10',
      help: 'timeout of each HTTP check',
    },
  ],
};

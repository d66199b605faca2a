import type { JobAction, KeptnResource, Resolved } from '../model.js';
import { NPM } from '../generated-versions.js';
import { pick, taskTrigger } from '../rules.js';
import { runtimeOf } from '../runtimes/index.js';
import { STRATEGIES, TEST_TOOLS, testToolById, type TestTool } from './test-tool-presets.js';
import type { Kind, ShipyardSequence } from './types.js';

/** Resolved answers hold a --test-tool that is one of TEST_TOOLS (its pick rule), so it is found. */
const toolOf = (a: Resolved): TestTool => testToolById(a['test-tool'])!;

/** A real tool's definitions, one per strategy, at `<tool>/<file>`. */
const definitions = (tool: TestTool) => STRATEGIES.map((strategy) => ({ strategy, uri: `${tool.id}/${tool.definition!(strategy)}` }));

/** The custom tool's own definition: HTTP checks the service reads, or a script the job runs. */
const customDefinition = (a: Resolved): KeptnResource =>
  runtimeOf(a).id === 'job-executor'
    ? { uri: `${a.name}/run-tests.sh`, why: 'the HTTP checks the job runs against the deployed service' }
    : { uri: `${a.name}/checks.yaml`, why: 'the HTTP checks the test runs against the deployed service' };

export const testTool: Kind = {
  id: 'test-tool',
  summary: 'runs tests when Keptn asks (answers the test task with .started and .finished)',
  sampleName: 'my-tests',
  runtimes: ['service', 'job-executor'],
  answers: ['task', 'runtime'],
  defaults: { task: () => 'test' },
  questions: [
    {
      key: 'test-tool',
      flag: '--test-tool <tool>',
      help: `test-tool: the tool it runs: ${TEST_TOOLS.map((t) => t.id).join(', ')}`,
      example: '--test-tool locust',
      message: 'Which test tool does it run?',
      ...pick(() => TEST_TOOLS.map((t) => ({ value: t.id, name: t.id, description: t.summary }))),
      default: () => 'custom',
    },
  ],
  listing: (a) => ({ kinds: ['testing'], keywords: a['test-tool'] === 'custom' ? [] : [a['test-tool']] }),
  subscriptions: (a) => [taskTrigger(a.task)],
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
  resources(a) {
    const tool = toolOf(a);
    return tool.definition
      ? definitions(tool).map(({ strategy, uri }) => ({ uri, why: `the ${tool.id} test for teststrategy ${strategy}` }))
      : [customDefinition(a)];
  },
  layers(a) {
    const tool = toolOf(a).id;
    // A job takes the tool's definitions only; the service runs the tool (or its own checks) itself.
    if (runtimeOf(a).id === 'job-executor')
      return ['test-tool/test-events', tool === 'custom' ? 'test-tool-custom-job' : `test-tool-${tool}/keptn`];
    return tool === 'custom' ? ['test-tool', 'test-tool-custom'] : ['test-tool', 'test-tool-runner', `test-tool-${tool}`];
  },
  jobActions(a) {
    const tool = toolOf(a);
    const trigger = taskTrigger(a.task);
    // The job executor's JSON paths take a hyphenated name only in brackets.
    const strategy = /^[a-z][a-z0-9]*$/.test(a.task) ? `$.data.${a.task}.teststrategy` : `$.data["${a.task}"].teststrategy`;
    if (!tool.definition) {
      const script = customDefinition(a).uri;
      // The same checks for every strategy: the job executor fails a job whose env reads a path
      // the event lacks, so the script is not told the teststrategy.
      return [
        {
          name: `Run ${a.name}`,
          events: [{ name: trigger }],
          tasks: [{ name: 'HTTP checks', image: tool.image, files: [script], ...tool.job(script, 'functional') }],
        },
      ];
    }
    // One action per strategy, chosen by the event's teststrategy (a job executor jsonpath match).
    return definitions(tool).map(({ strategy: s, uri }): JobAction => ({
      name: `${tool.id} ${s} test`,
      events: [{ name: trigger, jsonpath: { property: strategy, match: s } }],
      tasks: [
        {
          name: `${tool.id}-${s}`,
          image: tool.image,
          files: [uri],
          ...tool.job(uri, s),
          maxPollDuration: s === 'performance' ? 1200 : 300,
        },
      ],
    }));
  },
  docker: (a) => ({ ...toolOf(a).docker, what: `${toolOf(a).id}, which the service runs for each test.` }),
  view: (a) => ({ testTool: toolOf(a), testDefinitions: toolOf(a).definition ? definitions(toolOf(a)) : [] }),
  // The custom checks are YAML; the real tools run as child processes.
  dependencies: (a): Record<string, string> => (toolOf(a).definition ? { execa: NPM.execa } : { yaml: NPM.yaml }),
  // A real tool's run is bounded by the task timeout (TASK_TIMEOUT_SECONDS) every service has.
  env: (a) =>
    toolOf(a).definition
      ? []
      : [{ name: 'TEST_REQUEST_TIMEOUT_SECONDS', value: 'requestTimeoutSeconds', default: '10', help: 'timeout of each HTTP check' }],
};

// The test tools a test-tool integration can run, as data: one row per tool, read by the test-tool
// kind for both runtimes (the job executor's config and the service's Dockerfile and runner).
import { imageOf, NODE, TOOLS } from '../generated-versions.js';
import type { JobTask } from '../model.js';
import type { DockerAdditions } from './types.js';

/** The test strategies each preset ships a definition for (shipyard `teststrategy`). */
export const STRATEGIES = ['functional', 'performance'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Where the target URL comes from in the job executor: the event's first local deployment URI. */
const TARGET = { name: 'TARGET_URL', value: '$.data.deployment.deploymentURIsLocal[0]', valueFrom: 'event' as const };

export interface TestTool {
  id: string;
  /** One line for the prompt and README. */
  summary: string;
  /**
   * File name of the definition for a strategy; the Keptn resource is `<tool id>/<file>`. The
   * custom tool has none: its definition is the integration's own (see kinds/test-tool.ts).
   */
  definition?(strategy: Strategy): string;
  /**
   * The tool's container image for the job executor (official where the project publishes one):
   * `imageOf(TOOLS.<tool>)`, its release stated once in src/generated-versions.ts.
   */
  image: string;
  /** The job executor task for one definition, mounted at /keptn/<uri>. */
  job(uri: string, strategy: Strategy): Pick<JobTask, 'cmd' | 'args' | 'env'>;
  /**
   * Dockerfile of the service runtime: `stages` go before the runtime stage (images to copy
   * from), `base` replaces its NODE.alpine image, `install` runs in it as root before `USER node`.
   */
  docker: DockerAdditions;
  /** How long a strategy's run takes and how hard it pushes, where the tool takes it as flags. */
  load?: Record<Strategy, { users: number; spawnRate: number; runTime: string }>;
}

/** Where justb4/jmeter keeps JMeter (its Dockerfile's JMETER_HOME), which the service's image copies. */
const JMETER_HOME = `/opt/apache-jmeter-${TOOLS.jmeter.version}`;

export const TEST_TOOLS: readonly TestTool[] = [
  {
    id: 'locust',
    summary: 'Locust: Python test scripts, users and run time per strategy',
    definition: (s) => `${s}.py`,
    image: imageOf(TOOLS.locust),
    load: {
      functional: { users: 1, spawnRate: 1, runTime: '15s' },
      performance: { users: 10, spawnRate: 2, runTime: '60s' },
    },
    job(uri, s) {
      const load = this.load![s];
      const args = ['-f', `/keptn/${uri}`, '--host', '$(TARGET_URL)', '--headless', '--only-summary'];
      args.push('--users', String(load.users), '--spawn-rate', String(load.spawnRate), '--run-time', load.runTime);
      // Locust exits 1 when a request failed: the job fails and the task ends with result fail.
      return { cmd: ['locust'], args: [...args, '--exit-code-on-error', '1'], env: [TARGET] };
    },
    docker: {
      stages: [],
      // Locust's wheels (gevent) are built for glibc: Debian, not Alpine, spares a compiler.
      base: NODE.debian,
      install: [
        'RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv \\',
        `  && python3 -m venv /opt/locust && /opt/locust/bin/pip install --no-cache-dir locust==${TOOLS.locust.version} \\`,
        '  && rm -rf /var/lib/apt/lists/*',
        'ENV PATH=/opt/locust/bin:$PATH',
      ],
      memory: { request: '128Mi', limit: '512Mi' },
    },
  },
  {
    id: 'jmeter',
    summary: 'Apache JMeter: .jmx test plans run headless, failed samples fail the test',
    definition: (s) => `${s}.jmx`,
    image: imageOf(TOOLS.jmeter),
    job: (uri) => ({
      // JMeter exits 0 even when samples fail, so the job checks the results file itself: it must
      // exist and hold no failed sample. /keptn is the job's one writable folder.
      cmd: ['/bin/sh', '-c'],
      args: [
        `jmeter -n -t /keptn/${uri} -l /keptn/results.jtl -j /keptn/jmeter.log -JTARGET_URL="$TARGET_URL" && ` +
          `test -s /keptn/results.jtl && ! grep -q ',false,' /keptn/results.jtl`,
      ],
      env: [
        TARGET,
        // bin/jmeter starts Java with -Xms1g -Xmx1g unless HEAP says otherwise, more than the 512Mi
        // a job gets from the job executor (DEFAULT_RESOURCE_LIMITS_MEMORY in every release).
        { name: 'HEAP', value: '-Xms128m -Xmx256m -XX:MaxMetaspaceSize=128m', valueFrom: 'string' },
        // JVM_ARGS comes after bin/jmeter's own options: the JVM's temp dir in the job's volume, no
        // perf data file (always /tmp/hsperfdata_<user>) and no heap dump (into the working
        // directory, far larger than the volume's 20Mi) where the root filesystem is read-only.
        { name: 'JVM_ARGS', value: '-Djava.io.tmpdir=/keptn -XX:-UsePerfData -XX:-HeapDumpOnOutOfMemoryError', valueFrom: 'string' },
      ],
    }),
    docker: {
      stages: [`FROM ${imageOf(TOOLS.jmeter)} AS jmeter`],
      install: [
        'RUN apk add --no-cache openjdk17-jre-headless',
        `COPY --from=jmeter ${JMETER_HOME} ${JMETER_HOME}`,
        // bin/jmeter starts Java with a 1 GB heap unless HEAP says otherwise.
        `ENV PATH=${JMETER_HOME}/bin:$PATH HEAP="-Xms256m -Xmx512m"`,
      ],
      memory: { request: '256Mi', limit: '1Gi' },
    },
  },
  {
    id: 'k6',
    summary: 'Grafana k6: JavaScript tests with thresholds; a crossed threshold fails the test',
    definition: (s) => `${s}.js`,
    image: imageOf(TOOLS.k6),
    job: (uri) => ({ cmd: ['k6'], args: ['run', '--env', 'TARGET_URL=$(TARGET_URL)', `/keptn/${uri}`], env: [TARGET] }),
    docker: {
      stages: [`FROM ${imageOf(TOOLS.k6)} AS k6`],
      install: ['COPY --from=k6 /usr/bin/k6 /usr/local/bin/k6'],
      memory: { request: '128Mi', limit: '512Mi' },
    },
  },
  {
    id: 'artillery',
    summary: 'Artillery: YAML scenarios with phases; `ensure` thresholds fail the test',
    definition: (s) => `${s}.yaml`,
    image: imageOf(TOOLS.artillery),
    job: (uri) => ({ cmd: ['/home/node/artillery/bin/run'], args: ['run', '--target', '$(TARGET_URL)', `/keptn/${uri}`], env: [TARGET] }),
    docker: {
      stages: [],
      install: [`RUN npm install --global --no-audit --no-fund artillery@${TOOLS.artillery.version}`],
      memory: { request: '128Mi', limit: '512Mi' },
    },
  },
  {
    id: 'custom',
    summary: 'your own checks: HTTP requests from a YAML list, a starting point for any tool',
    image: imageOf(TOOLS.curl),
    job: (uri) => ({ cmd: ['/bin/sh'], args: [`/keptn/${uri}`], env: [TARGET] }),
    docker: { stages: [], install: [] },
  },
];

export function testToolById(id: string): TestTool | undefined {
  return TEST_TOOLS.find((t) => t.id === id);
}

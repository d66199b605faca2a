// What every kind that can run as a job-executor definition shares: no service code and no chart,
// only Keptn files (shipyard, add-resources.sh, job/config.yaml and what the jobs read).
import type { JobAction } from '../model.js';
import { taskTrigger } from '../rules.js';
import { NO_CODE_LAYERS } from './service.js';
import type { Runtime } from './types.js';

export const jobExecutor: Runtime = {
  id: 'job-executor',
  summary: 'no code: the job-executor-service runs a container as a Kubernetes Job per event',
  layers: [...NO_CODE_LAYERS, 'job-executor'],
  config: { uri: 'job/config.yaml', why: 'which job the job executor runs for which event' },
  noImage: "--runtime job-executor builds no image (the job runs the tool's)",
  install: false,
  ownDistributor: false,
  callsEndpoint: false,
  eventsHint: 'The job-executor-service is subscribed to these task triggers and runs a job for each.',
  // job-executor-service 0.1.3 drops other events, and later ones poll for triggers only.
  triggersOnly: 'the job executor receives nothing else',
  sendEvent: 'keptn send event',
  nextSteps: (s) => [
    ...s.cd,
    `# install job-executor-service ${s.keptn.jobExecutor.version}, subscribed to ${s.subscriptions.join(',')}: see README.md`,
    ...s.wiring,
  ],
  view: ({ tasks, resources, jobActions }) => {
    const env = jobActions.flatMap((action) => action.tasks.flatMap((task) => task.env));
    return {
      triggers: tasks.map(taskTrigger),
      // What the generated CI runs over each file it checks (ci.yml), named for the README.
      checkers: [...new Set([...resources.map((r) => r.uri), 'shipyard.yaml', 'add-resources.sh'].map(checkerOf))],
      needsDeploymentUrl: env.some((e) => e.value.includes('deploymentURIsLocal')),
      jvm: env.some((e) => e.name === 'JVM_ARGS'),
    };
  },
};

/** The checker the generated CI runs over a file of keptn/, by its extension. */
function checkerOf(uri: string): string {
  const checkers: Record<string, string> = { sh: 'shellcheck', py: "Python's `py_compile`", js: '`node --check`', jmx: '`xmllint`' };
  return checkers[uri.split('.').pop()!] ?? 'a YAML parse';
}

/**
 * The one folder a job can be sure to write in, in every job-executor-service release: the
 * emptyDir `job-volume` at /keptn (at most 20Mi; 0.1.3:pkg/k8sutils/job.go CreateK8sJob, the same
 * at 0.3.0), where the init container puts the task's files. From 0.2.0 on the rest of the root
 * filesystem is read-only (keptn-versions.ts readOnlyRootFilesystem).
 */
export const JOB_VOLUME = '/keptn';

/**
 * Every task of a job-executor definition works in the volume, with HOME and TMPDIR there: what a
 * tool or script writes by a relative path, under `~` or as a temporary file (mktemp, Python's
 * tempfile, Node's os.tmpdir(), Go's os.TempDir()) lands where the job may write. uid 1000 has no
 * home in most images (HOME is then /), and from 0.2.0 on neither it nor /tmp is writable.
 */
export function inJobVolume(action: JobAction): JobAction {
  return {
    ...action,
    tasks: action.tasks.map((task) => ({
      ...task,
      workingDir: JOB_VOLUME,
      env: [
        ...task.env,
        { name: 'HOME', value: JOB_VOLUME, valueFrom: 'string' },
        { name: 'TMPDIR', value: JOB_VOLUME, valueFrom: 'string' },
      ],
    })),
  };
}

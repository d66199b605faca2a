// What every kind that can run as a job-executor definition shares: no service code and no chart,
// only Keptn files (shipyard, add-resources.sh, job/config.yaml and what the jobs read).
import type { Answers, JobAction, KeptnResource } from '../model.js';

/**
 * The template layers of such a project: Keptn files, Git settings and the regeneration workflow of
 * the service layout, and the job's own.
 */
export const JOB_LAYERS = [
  'base/keptn',
  'base/dot-gitignore',
  'base/dot-gitattributes',
  'base/dot-github/workflows/keptn-integration.yml.ejs',
  'job-executor',
];

export const JOB_CONFIG: KeptnResource = { uri: 'job/config.yaml', why: 'which job the job executor runs for which event' };

/** The runtime answer, shared by the kinds that offer both. */
export const isJob = (a: Answers) => a.runtime === 'job-executor';

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

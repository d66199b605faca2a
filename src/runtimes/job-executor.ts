// What every kind that can run as a job-executor definition shares: no service code and no chart,
// only Keptn files (shipyard, add-resources.sh, job/config.yaml and what the jobs read).
import type { Answers } from '../answers.js';
import type { KeptnResource } from '../kinds/types.js';

/** The template layers of such a project: Keptn files, Git settings and the regeneration workflow of the service layout, and the job's own. */
export const JOB_LAYERS = ['base/keptn', 'base/dot-gitignore', 'base/dot-gitattributes', 'base/dot-github/workflows/keptn-integration.yml.ejs', 'job-executor'];

export const JOB_CONFIG: KeptnResource = { uri: 'job/config.yaml', why: 'which job the job executor runs for which event' };

/** The runtime answer, shared by the kinds that offer both. */
export const isJob = (a: Answers) => a.runtime === 'job-executor';

// The settings of a generated service, each stated once: its environment variable, its default and
// one line of help. The templates render from this table what repeats them: src/keptn/config.ts's
// DEFAULTS, the README's table of variables, the Dockerfile's port, and the chart's defaults
// (values.yaml, the values deployment.yaml sets), so that a default changes in one place
// (test/unit/settings.test.ts renders them all with other defaults and finds those everywhere).
// A module of its own rather than a table in src/generated-versions.ts: these are no versions of
// what a project runs on but the service's contract with its environment, and two of them follow
// the Keptn release (the resource API's path, the distributor's payload limit).
import type { KeptnVersion } from './keptn-versions.js';

export interface ServiceSetting {
  /** The environment variable (a key of config.ts's DEFAULTS). */
  name: string;
  /** Its value when it is unset or empty, as the environment would give it. */
  default: string;
  /** What it does, one line of the README's table (Markdown the generator writes). */
  help: string;
}

/** The distributor's API proxy in the service's pod, where replies and resource requests go. */
const DISTRIBUTOR = 'http://localhost:8081';

/** Every setting of the machinery in src/keptn/, in the order of config.ts's Config, by name. */
export function serviceSettings(keptn: KeptnVersion): Record<string, ServiceSetting> {
  const limit = keptn.maxPayloadKB
    ? ', as the distributor refuses larger ones (the chart sets it from `distributor.maxPayloadKB`, ' +
      "the distributor's `API_PROXY_MAX_PAYLOAD_BYTES_KB`)"
    : '';
  const settings: ServiceSetting[] = [
    { name: 'PORT', default: '8080', help: 'port the service listens on' },
    { name: 'EVENT_BROKER_URL', default: `${DISTRIBUTOR}/event`, help: 'where replies are sent (the distributor)' },
    {
      name: 'CONFIGURATION_SERVICE_URL',
      default: `${DISTRIBUTOR}${keptn.resourceServicePath}`,
      help: "Keptn's resource API (through the distributor)",
    },
    {
      name: 'TASK_TIMEOUT_SECONDS',
      default: '3600',
      help: 'a task running longer is reported as errored (Keptn itself waits as long as it takes)',
    },
    { name: 'MAX_BODY_BYTES', default: '1048576', help: 'larger requests are refused with 413' },
    {
      name: 'MAX_EVENT_BYTES',
      default: '65536',
      help:
        `largest event the service sends${limit}: what Keptn does not need goes first, and the message says so: the echoed ` +
        'labels, then the end of the message (status and result stay); a `.finished` whose report alone is too large is ' +
        'sent as errored without it',
    },
    {
      name: 'REPLY_RETRY_SECONDS',
      default: '120',
      help:
        'a reply the distributor cannot take (refused connection, 5xx) is sent again, with backoff up to 5 s, for this long; ' +
        "then it is given up with one log line, `reply given up`, naming the event's id and `shkeptncontext`",
    },
    {
      name: 'REPLY_QUEUE_SIZE',
      default: '1000',
      help: 'replies waiting for the distributor, at most; while this many wait, new tasks are refused with 503',
    },
    {
      name: 'SHUTDOWN_GRACE_SECONDS',
      default: '25',
      help: 'on SIGTERM, time for running tasks to finish; then they report errored (the chart: `terminationGracePeriodSeconds` − 7)',
    },
    {
      name: 'SHUTDOWN_ACCEPT_SECONDS',
      default: '0',
      help:
        'on SIGTERM, time the service still takes events and answers each, because the distributor beside it still forwards ' +
        'them (the chart: `terminationGracePeriodSeconds` − 1); SIGINT and 0 refuse them at once with 503',
    },
  ];
  return Object.fromEntries(settings.map((s) => [s.name, s]));
}

import { imageOf, TOOLS } from '../generated-versions.js';
import { listOf, taskOf, tasksNamed, taskTrigger } from '../rules.js';
import { runtimeOf, type RuntimeId } from '../runtimes/index.js';
import { FROM_EVENT } from '../runtimes/webhook-service.js';
import type { Kind } from './types.js';

/** Tasks are the `sh.keptn.event.<task>.triggered` subscriptions; the rest is only listened to. */
const tasksOf = (events: string) =>
  listOf(events)
    .map(taskOf)
    .filter((t): t is string => t !== undefined);

/**
 * The ArtifactHub kind a task's name says, deployment otherwise: the tasks other integrations
 * serve are mostly steps of a delivery (Argo, Helm, Jenkins, GitHub Actions were all listed as
 * deployment).
 */
function listingKind(task: string): string {
  const words = task.split('-');
  const has = (...w: string[]) => w.some((x) => words.includes(x));
  if (has('test', 'tests', 'testing', 'load', 'performance')) return 'testing';
  if (has('remediation', 'action', 'remediate')) return 'remediation';
  if (has('evaluation', 'sli', 'monitoring', 'metrics')) return 'observability';
  if (has('notify', 'notification', 'alert')) return 'notification';
  if (has('security', 'scan', 'audit')) return 'security';
  if (has('cost', 'finops')) return 'finops';
  return 'deployment';
}

/** The script a job runs for the task (job-executor runtime). */
const script = (name: string) => `${name}/run.sh`;

/** Its own layers after the runtime's: the no-code routes take only its example events (and the job's script). */
const LAYERS: Record<RuntimeId, string[]> = {
  service: ['generic'],
  'job-executor': ['generic/test-events', 'generic-job'],
  'webhook-service': ['generic/test-events'],
};

export const generic: Kind = {
  id: 'generic',
  summary: 'serves any shipyard task of yours (.started, your handler, .finished)',
  sampleName: 'my-integration',
  // Only the service has a handler: the no-code runtimes say what runs instead.
  describe: (a) =>
    ({
      'job-executor': 'runs a container of yours for your shipyard task through the job-executor-service',
      'webhook-service': "calls your HTTP endpoint for your shipyard task through Keptn's webhook-service",
    })[a.runtime] ?? generic.summary,
  runtimes: ['service', 'job-executor', 'webhook-service'],
  answers: ['task', 'events', 'runtime', 'endpoint'],
  defaults: { events: (a) => taskTrigger(a.task) },
  check(a) {
    if (!listOf(a.events).includes(taskTrigger(a.task))) {
      return { key: 'events', value: a.events, rule: `must include ${taskTrigger(a.task)}, the trigger of --task ${a.task}` };
    }
    const why = runtimeOf(a).triggersOnly;
    if (why && listOf(a.events).length !== tasksOf(a.events).length) {
      return {
        key: 'events',
        value: a.events,
        rule: `must all be task triggers (sh.keptn.event.<task>.triggered) with --runtime ${a.runtime}: ${why}`,
      };
    }
    return undefined;
  },
  listing: (a) => ({ kinds: [listingKind(a.task)], keywords: [a.task] }),
  subscriptions: (a) => listOf(a.events),
  tasks: (a) => tasksOf(a.events),
  // Every task named by a task event, in the order given: one listened to must run to be heard.
  sequences: (a) => [{ name: a.task, tasks: tasksNamed(listOf(a.events)).map((name) => ({ name })) }],
  sampleEvent: (a) => `${a.task}.triggered.json`,
  resources: (a) => (runtimeOf(a).id === 'job-executor' ? [{ uri: script(a.name), why: 'what the job does for each event' }] : []),
  layers: (a) => LAYERS[runtimeOf(a).id],
  // One call per task trigger; the webhook-service reports its outcome as the task's .finished
  // (an HTTP error fails the task). The endpoint gets the coordinates and ids, and a token.
  webhooks: (a) =>
    tasksOf(a.events).map((task) => ({
      type: taskTrigger(task),
      sendFinished: true,
      sendStarted: true,
      secretKeys: ['token'],
      url: a.endpoint,
      headers: [
        { key: 'Content-Type', value: 'application/json' },
        { key: 'Authorization', value: 'Bearer {{.env.token}}' },
      ],
      payload:
        `{"type":"${taskTrigger(task)}","task":"${task}",` +
        `"project":"${FROM_EVENT.project}","stage":"${FROM_EVENT.stage}","service":"${FROM_EVENT.service}",` +
        `"shkeptncontext":"${FROM_EVENT.context}","triggeredid":"${FROM_EVENT.id}"}`,
    })),
  // One job per task trigger, all running the same script. Each action belongs to one event type,
  // so the type is a plain string: the job executor resolves `$.type` wrongly in both release
  // families (0.1.3: "unknown key type", its event map has no type; 0.3.0: a pointer address,
  // since its event's Type is a *string printed with %v — pkg/eventhandler/eventmapper.go and
  // pkg/k8sutils/job.go at those tags). Only scalars come by JSON path, plus the whole event where
  // the release writes it as JSON (0.1.4 on).
  jobActions: (a, keptn) =>
    listOf(a.events).map((event) => ({
      name: `${a.name} on ${event}`,
      events: [{ name: event }],
      tasks: [
        {
          name: 'run',
          image: imageOf(TOOLS.alpine),
          files: [script(a.name)],
          cmd: ['/bin/sh'],
          args: [`/keptn/${script(a.name)}`],
          env: [
            { name: 'EVENT_TYPE', value: event, valueFrom: 'string' as const },
            { name: 'EVENT_ID', value: '$.id', valueFrom: 'event' as const },
            { name: 'KEPTN_CONTEXT', value: '$.shkeptncontext', valueFrom: 'event' as const },
            ...(keptn.jobExecutor.eventJson ? [{ name: 'EVENT', value: '$', valueFrom: 'event' as const }] : []),
          ],
        },
      ],
    })),
  env: () => [],
};

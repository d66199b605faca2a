// Every answer is defined once here: its flag, its prompt, its default and its rule. The commander
// options (cli.ts), the prompts (prompts.ts) and the answers-file checks (answers-file.ts) are all
// derived from this table.
import { InputError } from './errors.js';
import { KINDS, kindById, type Kind } from './kinds/index.js';
import { RUNTIMES, runtimeById, runtimeOf } from './runtimes/index.js';
import { LICENSES } from './licenses.js';
import { DEFAULT_KEPTN, KEPTN_MINORS, KEPTN_RANGE, keptnRule, keptnVersion } from './keptn-versions.js';
import {
  carriable,
  dnsLabel,
  endpointRule,
  eventType,
  eventTypeWarnings,
  freeText,
  imageRepository,
  keptnName,
  listOf,
  nearBuiltinTask,
  notKeptnService,
  oneOf,
  overlappingSubscriptions,
  pick,
  taskName,
  yamlName,
} from './rules.js';
import type { AnswerDef, Answers, Resolved, Rule } from './model.js';

export type { AnswerDef, Answers, Resolved } from './model.js';

/** A no-code definition builds no image of its own. */
const noImage = (a: Answers) => runtimeOf(a).noImage;

const kindDefault = (key: string) => (a: Answers) => kindById(a.kind)?.defaults[key]?.(a);

/** A runtime another kind offers: the choice depends on the kind, so the error says which. */
function otherKindsRuntime(a: Answers, v: string): string | undefined {
  if (!runtimeById(v) || runtimesOf(a).includes(v)) return undefined;
  const kinds = KINDS.filter((k) => (k.runtimes as readonly string[] | undefined)?.includes(v)).map((k) => k.id);
  return `must be one of: ${runtimesOf(a).join(', ')} for kind ${a.kind} (${v} is for ${kinds.join(' and ')})`;
}

/** The runtimes the kind offers, its default first. */
const runtimesOf = (a: Answers): readonly string[] => kindById(a.kind)?.runtimes ?? [runtimeOf({}).id];

const COMMON: readonly AnswerDef[] = [
  {
    key: 'kind',
    flag: '--kind <kind>',
    help: `what the integration does: ${KINDS.map((k) => k.id).join(', ')}`,
    example: '--kind test-tool',
    message: 'What kind of integration?',
    ...pick(() => KINDS.map((k) => ({ value: k.id, name: k.id, description: k.summary }))),
    default: () => undefined,
  },
  {
    key: 'name',
    flag: '--name <name>',
    help:
      'integration name: Helm release, Deployment, container and CloudEvent source (default: the directory ' +
      'name); not one YAML reads as a boolean, number or date (true, y, 0777, 1e3, 2024), nor one of ' +
      "Keptn's own services (api-service, shipyard-controller, …), which the distributor does not register",
    example: '--name locust-tests',
    message: 'Integration name',
    hint:
      'Used as Helm release, Deployment and the `source` of every event it sends; not a word YAML reads as ' +
      "something else (true, y, 2024) nor one of Keptn's own services.",
    // Without a directory the prompt still offers a name (the directory's, when given, comes first).
    default: (a) => kindById(a.kind)?.sampleName,
    rule: () => (v) => yamlName(dnsLabel(53))(v) ?? notKeptnService(v),
  },
  {
    key: 'keptn',
    flag: '--keptn <version>',
    help:
      `target Keptn release, ${KEPTN_RANGE}: a minor (${KEPTN_MINORS.join(', ')}) or a full release such ` +
      `as 1.4.5, whose distributor tag is then used exactly (picks distributor image, NATS URL, event ` +
      `spec, shipyard, resource API, CLI commands and job-executor release)`,
    example: '--keptn 0.8',
    message: 'Which Keptn release will it run against?',
    hint: 'A full release such as 1.4.5 can be given with --keptn; a minor takes its last release.',
    choices: () =>
      [...KEPTN_MINORS].reverse().map((minor) => {
        const v = keptnVersion(minor)!;
        return {
          value: minor,
          name: minor,
          description: `Keptn ${v.release}: distributor ${v.distributorImage}:${v.distributorTag}, ${v.natsUrl}`,
        };
      }),
    default: () => DEFAULT_KEPTN,
    rule: () => keptnRule,
  },
  {
    key: 'task',
    perKind: true,
    flag: '--task <task>',
    help: 'the shipyard task it serves (generic: required)',
    example: '--task load-test',
    message: 'Which shipyard task does it serve?',
    hint: 'A task is a step of a shipyard sequence; Keptn sends sh.keptn.event.<task>.triggered and waits for .started and .finished.',
    default: kindDefault('task'),
    rule: () => yamlName(taskName),
    warn: (v) => [nearBuiltinTask(v)].filter((w): w is string => w !== undefined),
  },
  {
    key: 'runtime',
    perKind: true,
    flag: '--runtime <runtime>',
    help: `how it runs: ${RUNTIMES.map((r) => r.id).join(', ')} (${KINDS.filter((k) => k.runtimes && k.runtimes.length > 1)
      .map((k) => `${k.id}: ${k.runtimes!.join(', ')}`)
      .join('; ')})`,
    example: '--runtime job-executor',
    message: 'How does it run?',
    ...pick((a) => RUNTIMES.filter((r) => runtimesOf(a).includes(r.id)).map((r) => ({ value: r.id, name: r.id, description: r.summary }))),
    default: (a) => runtimesOf(a)[0],
    rule: (a) => (v) =>
      otherKindsRuntime(a, v) ?? oneOf(runtimesOf(a))(v) ?? runtimeById(v)?.unavailable?.(keptnVersion(a.keptn)!, a.keptn),
  },
  {
    key: 'events',
    perKind: true,
    flag: '--events <types>',
    help:
      'notification and generic: comma-separated event types to subscribe to, each ending in a phase Keptn ' +
      'sends (triggered, started, status.changed, finished, invalidated; notification: or a NATS ' +
      'wildcard); a type listed twice is subscribed once, types that overlap and a task name one typo from ' +
      "Keptn's own are warned about (a remote execution plane receives only .triggered ones: Keptn's API " +
      'serves no others)',
    example: '--events sh.keptn.event.evaluation.finished,sh.keptn.event.approval.triggered',
    message: 'Which events should it receive? (comma-separated)',
    hint: (a) => runtimeOf(a).eventsHint,
    list: true,
    default: kindDefault('events'),
    rule: (a) => {
      const one = eventType(kindById(a.kind)?.wildcardEvents ?? false);
      return (v) => {
        const items = listOf(v);
        if (items.length === 0) return 'must list at least one event type';
        for (const item of items) {
          const broken = one(item);
          if (broken) return `${JSON.stringify(item)} ${broken}`;
        }
        return undefined;
      };
    },
    // The distributor subscribes to each type on its own and forwards an event once for every
    // subscription it matches: 0.8.7:distributor/pkg/lib/events/nats_connection_handler.go (one NATS
    // subscription per topic, no memory of sent events), 0.10.0–1.4.5:distributor/pkg/receiver/
    // receiver.go (sendEventForSubscriptions, its cache keyed by subscription) and poller.go (each
    // subscription polled on its own). Types listed twice are merged (normalise).
    warn: (v, a) => [
      // --task was warned about already.
      ...eventTypeWarnings(listOf(v), a.task),
      ...overlappingSubscriptions(listOf(v)).map(
        ([x, y, both]) =>
          `${x} and ${y} both match events such as ${both}: Keptn's distributor (0.8 to 1.4.5) forwards an ` +
          `event once for each subscription it matches, so such an event arrives twice; list only one of them ` +
          `unless the shipyard needs both`,
      ),
    ],
  },
  {
    key: 'endpoint',
    perKind: true,
    flag: '--endpoint <url>',
    help:
      'with --runtime webhook-service: where the webhook-service calls. generic: the https URL called when ' +
      'the task is triggered (a token for it goes into a Keptn secret); notification: the scheme and host ' +
      'of the incoming webhook (https://hooks.slack.com for slack), the rest of its URL, which holds its ' +
      'secret, goes into a Keptn secret',
    example: '--endpoint https://ci.example.com/job/deploy/build',
    message: 'Which https endpoint does the webhook-service call?',
    hint:
      "Keptn's webhook-service checks the host before it fills in the request, so it is written into the " +
      'file; secrets go into a Keptn secret.',
    skip: (a) =>
      runtimeOf(a).callsEndpoint
        ? undefined
        : `only --runtime ${RUNTIMES.filter((r) => r.callsEndpoint)
            .map((r) => r.id)
            .join(', ')} calls an endpoint`,
    default: kindDefault('endpoint'),
    rule: (a) => kindById(a.kind)?.endpoint?.rule(a) ?? endpointRule(),
    whenMissing: (a) => kindById(a.kind)?.endpoint?.whenMissing?.(a),
  },
  {
    key: 'project',
    advanced: true,
    flag: '--project <project>',
    help: 'example Keptn project for the shipyard and add-resource commands',
    example: '--project sockshop',
    message: 'Example Keptn project',
    default: () => 'sockshop',
    rule: () => yamlName(keptnName(50)),
  },
  {
    key: 'stage',
    advanced: true,
    flag: '--stage <stage>',
    help: 'example Keptn stage',
    example: '--stage dev',
    message: 'Example stage',
    default: () => 'dev',
    rule: (a) => (v) =>
      yamlName(keptnName(43))(v) ??
      (`${a.project}-${v}`.length > 63
        ? `together with the project ("${a.project}-${v}", Keptn's namespace for the stage) must be at most 63 characters`
        : undefined),
  },
  {
    key: 'service',
    advanced: true,
    flag: '--service <service>',
    help: 'example Keptn service',
    example: '--service carts',
    message: 'Example service',
    default: () => 'carts',
    rule: () => yamlName(keptnName(43)),
  },
  {
    key: 'description',
    advanced: true,
    flag: '--description <text>',
    help: 'one line saying what the integration does (package.json, Chart.yaml, README)',
    example: '--description "Runs our Locust load tests"',
    message: 'Description',
    default: (a) => `Keptn ${a.kind} integration: ${kindById(a.kind)?.describe?.(a) ?? kindById(a.kind)?.summary}`,
    rule: () => freeText(200),
  },
  {
    key: 'license',
    advanced: true,
    flag: '--license <spdx-id>',
    help: `the licence it is published under: ${LICENSES.map((l) => l.id).join(', ')} (LICENSE file, package.json, ArtifactHub)`,
    example: '--license MIT',
    message: 'Licence',
    ...pick(() => LICENSES.map((l) => ({ value: l.id, name: l.id, description: l.summary }))),
    default: () => 'Apache-2.0',
  },
  {
    key: 'owner',
    advanced: true,
    flag: '--owner <owner>',
    help: 'registry owner (user or organisation) for the default image',
    example: '--owner acme',
    message: 'Container registry owner (GitHub user or organisation)',
    skip: noImage,
    default: () => 'your-org',
    rule: () => dnsLabel(39),
  },
  {
    key: 'image',
    advanced: true,
    flag: '--image <repository>',
    help: 'container image repository (default ghcr.io/<owner>/<name>)',
    example: '--image registry.example.com/team/my-tests',
    message: 'Container image repository',
    skip: noImage,
    default: (a) => `ghcr.io/${a.owner}/${a.name}`,
    rule: () => imageRepository,
  },
];

/**
 * Every answer in the order asked: the common ones, with each kind's own (Kind.questions) before
 * --endpoint, whose default may follow from them (the notification's webhook format).
 */
export const ANSWERS: readonly AnswerDef[] = (() => {
  const at = COMMON.findIndex((d) => d.key === 'endpoint');
  // A kind may ask another's answer by taking the same definition: it is asked once.
  return [...COMMON.slice(0, at), ...new Set(KINDS.flatMap((k) => k.questions ?? [])), ...COMMON.slice(at)];
})();

/** Does the kind ask it: one of the common answers it lists, or one of its own? */
const asks = (kind: Kind, def: AnswerDef) => kind.answers.includes(def.key) || ownedBy(kind, def);
const ownedBy = (kind: Kind, def: AnswerDef) => kind.questions?.some((q) => q.key === def.key) ?? false;

/** Only some kinds ask for it: a common answer marked perKind, or a kind's own. */
const isKindAnswer = (def: AnswerDef) => def.perKind === true || KINDS.some((k) => ownedBy(k, def));

/** Why this answer does not apply to the answers so far; undefined when it does. */
export function notApplying(def: AnswerDef, a: Answers): string | undefined {
  const kind = kindById(a.kind);
  if (isKindAnswer(def) && !(kind && asks(kind, def))) return `does not apply to kind ${a.kind} (it is for: ${kindsUsing(def)})`;
  return def.skip?.(a);
}

/** Normalise a list answer ("a, b,,c,a" → "a,b,c", each item once) so records and comparisons are stable. */
export function normalise(def: AnswerDef, value: string): string {
  return def.list ? [...new Set(listOf(value))].join(',') : value.trim();
}

/** Asks for one answer; undefined means "not asked, take the default". */
export type Ask = (def: AnswerDef, answers: Answers, fallback: string | undefined) => Promise<string | undefined>;

/**
 * Resolve every answer in table order: given values are validated, missing ones asked for (when
 * `ask` is given) or defaulted; `defaults` overrides the table's defaults (e.g. the name from the
 * directory). Throws InputError naming the flag, the value and the rule.
 */
export async function resolveAnswers(given: Answers, ask?: Ask, defaults: Answers = {}, warn?: (line: string) => void): Promise<Resolved> {
  const a: Answers = {};
  for (const def of ANSWERS) {
    const flag = `--${def.key}`;
    const skipped = notApplying(def, a);
    if (skipped) {
      if (given[def.key] !== undefined) throw new InputError(flag, given[def.key], skipped);
      continue;
    }
    const fallback = defaults[def.key] ?? def.default(a);
    let value: string | undefined = given[def.key];
    // The prompt applies the rules that span answers too, where this answer can break them, so a
    // person is asked again at once instead of failing after the last question.
    if (value === undefined && ask) value = await ask({ ...def, rule: (so) => withCross(def, so) }, a, fallback);
    value ??= fallback;
    if (value === undefined) {
      const why = isKindAnswer(def) ? `required for kind ${a.kind}` : 'required';
      throw new InputError(flag, undefined, def.whenMissing?.(a) ?? `${why}; pass ${def.flag}, e.g. ${def.example}`);
    }
    const raw = value;
    value = normalise(def, value);
    const broken = carriable(value) ?? def.rule(a)(value);
    if (broken) throw new InputError(flag, value, broken);
    a[def.key] = value;
    // Said as soon as the answer is in, so that at the prompt it comes before the next question.
    if (warn) {
      const twice = def.list ? [...new Set(listOf(raw).filter((item, i, all) => all.indexOf(item) !== i))] : [];
      for (const item of twice) warn(`${flag} lists ${item} more than once: subscribed once`);
      for (const line of def.warn?.(value, a) ?? []) warn(`${flag}: ${line}`);
    }
  }
  const cross = kindById(a.kind)?.check?.(a, keptnVersion(a.keptn)!);
  if (cross) throw new InputError(`--${cross.key}`, cross.value, cross.rule);
  // The one place answers become Resolved: each passed its rule above, and none can change now.
  return Object.freeze(a) as Resolved;
}

/** The answer's own rule and the kind's cross-answer rules that it can break. */
function withCross(def: AnswerDef, a: Answers): Rule {
  const own = def.rule(a);
  const kind = kindById(a.kind);
  const keptn = a.keptn === undefined ? undefined : keptnVersion(a.keptn);
  return (v) => {
    const broken = carriable(v) ?? own(v);
    if (broken || !kind?.check || !keptn) return broken;
    const cross = kind.check({ ...a, [def.key]: normalise(def, v) }, keptn);
    return cross?.key === def.key ? cross.rule : undefined;
  };
}

function kindsUsing(def: AnswerDef): string {
  return KINDS.filter((k) => asks(k, def))
    .map((k) => k.id)
    .join(', ');
}

/**
 * An answer's error named as the user gave the answer (`sources`: key → where, e.g. the answers
 * file's key or `--set keptn`) rather than by a flag nobody typed; other errors as they are.
 */
export function asGiven(err: unknown, sources: Readonly<Record<string, string>>): unknown {
  if (!(err instanceof InputError) || !err.field.startsWith('--')) return err;
  const source = sources[err.field.slice(2)];
  return source ? new InputError(source, err.value, err.rule) : err;
}

/**
 * "(default X)" for --help, from the same defaults the answers take: for a kind-specific answer,
 * per kind where they differ. Defaults that depend on other answers (the image, the description)
 * are said in the help text itself.
 */
export function defaultForHelp(def: AnswerDef): string {
  const shown = (v: string | undefined) => (v && !v.includes('undefined') ? v : undefined);
  if (!isKindAnswer(def)) {
    const v = shown(def.default({}));
    return v ? ` (default ${v})` : '';
  }
  const asking = KINDS.filter((k) => asks(k, def));
  const per = asking
    .map((k) => [k.id, shown(def.default({ kind: k.id }))] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  if (per.length === 0) return '';
  const same = per.length === asking.length && new Set(per.map(([, v]) => v)).size === 1;
  return same ? ` (default ${per[0][1]})` : ` (default ${per.map(([k, v]) => `${k}: ${v}`).join(', ')})`;
}

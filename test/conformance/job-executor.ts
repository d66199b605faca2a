// Checks for a job-executor definition, held to the job-executor-service release it targets: its
// config against that release's strict format, every env entry resolved against a Keptn event the
// way that release resolves it, the actions it would run, the files it would mount; and each test
// definition by a checker of its language.
//
// The job executor is modelled, not run: what each release does was read from its source
// (keptn-contrib/job-executor-service at each tag; the comments cite TAG:path) and, for the JSON
// paths and the printing of values, from running github.com/PaesslerAG/jsonpath v0.1.1 (the
// library of every tag) on event maps built the way each tag builds them. Whatever lies outside
// the model (another JSON path syntax, `as: yaml`, secrets) is reported as a problem, never passed.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import { execa } from 'execa';
import { parse, parseDocument } from 'yaml';
import { compareVersions } from '../../src/version.js';
import { taskOf } from '../../src/rules.js';
import type { Blueprint } from '../../src/blueprint.js';
import { tempDir } from '../run.js';
import { uploadedUris } from './keptn-files.js';
import { need, shellcheck } from './tools.js';

// ---------------------------------------------------------------------------------------------
// Releases and their families

/** The tags whose source was read (0.1.0–0.1.2 read config v1; there is no tag 0.1.9). */
export const JES_TAGS = [
  '0.1.3',
  '0.1.4',
  '0.1.5',
  '0.1.6',
  '0.1.7',
  '0.1.8',
  '0.2.0',
  '0.2.1',
  '0.2.2',
  '0.2.3',
  '0.2.4',
  '0.2.5',
  '0.3.0',
] as const;

/** What a release does that a job/config.yaml depends on; releases alike in all of it are one family. */
export interface JesTraits {
  /** job/config.yaml fields beyond 0.1.3's (pkg/config/config.go at each tag). */
  fields: { as: boolean; namespace: boolean; pullPolicyAndTtl: boolean; securityContextAndServiceAccount: boolean; annotations: boolean };
  /**
   * The event map that env values and `jsonpath.property` are looked up in:
   * `no-type`: id, shkeptncontext, time, source, data (0.1.3:pkg/eventhandler/eventhandlers.go
   * createEventPayloadAsInterface); `typed`: + specversion, type (0.1.4:pkg/eventhandler/eventhandlers.go,
   * 0.2.0:pkg/eventhandler/eventmapper.go); `typed-commit`: + gitcommitid, nil when absent
   * (0.2.4:pkg/eventhandler/eventmapper.go); `sdk`: the same keys from go-utils' sdk.KeptnEvent, whose
   * Type and Source are *string (0.3.0:pkg/eventhandler/eventmapper.go; go-utils
   * 1f5af67a8cf3:pkg/api/models/keptn_context_extended_c_e.go).
   */
  eventMap: 'no-type' | 'typed' | 'typed-commit' | 'sdk';
  /**
   * How a looked-up value becomes the env string: `go`, fmt %v always (0.1.3:pkg/k8sutils/job.go
   * generateEnvFromEvent); `json-maps`, json.Marshal for `as: json` and for any map, %v otherwise
   * (0.1.4:pkg/k8sutils/job.go, the same at 0.3.0). Its error messages quote the names from 0.1.4 on.
   */
  print: 'go' | 'json-maps';
  /**
   * Which matching actions run: the first (0.1.3–0.2.0, Config.IsEventMatch returns it); every one
   * (0.2.1:pkg/eventhandler/eventhandlers.go); every one until the first non-silent one, whose
   * finished data ends Execute (0.3.0:pkg/eventhandler/eventhandlers.go).
   */
  actions: 'first' | 'every' | 'until-non-silent';
  /**
   * How a `files` entry picks resources of the service: by prefix, with or without the leading `/`
   * (0.1.3:pkg/keptn/config_service.go GetAllKeptnResources, to 0.2.3); the exact file, else the
   * folder `/<entry>/` (0.2.4 on, 0.3.0:pkg/keptn/resource_service.go).
   */
  files: 'prefix' | 'file-or-folder';
  /** LABELS_<KEY> from data.labels (0.1.8:pkg/k8sutils/job.go prepareJobEnv). */
  labels: boolean;
  /** Only types containing `.triggered` are handled at all (0.1.3:cmd/job-executor-service/main.go, to 0.1.7). */
  onlyTriggered: boolean;
  /**
   * The job's containers have a read-only root filesystem: from 0.2.0 on the chart's default job
   * security context says so (0.2.0:chart/values.yaml jobConfig.jobSecurityContext:
   * readOnlyRootFilesystem true, runAsUser 1000, runAsGroup 2000, runAsNonRoot, capabilities drop
   * all; the chart mounts it as /config/job-defaultSecurityContext.json, which
   * 0.2.0:cmd/job-executor-service/main.go reads and 0.2.0:pkg/k8sutils/job.go sets on the init and
   * job containers; the same at 0.3.0). Before, only the pod has a security context (uid 1000, gid
   * 2000, fsGroup 2000, runAsNonRoot: 0.1.3:pkg/k8sutils/job.go CreateK8sJob, to 0.1.8), and the
   * image's permissions decide.
   */
  readOnlyRoot: boolean;
}

const traitsOf = (tag: string): JesTraits => {
  const from = (since: string) => compareVersions(tag, since) >= 0;
  return {
    fields: {
      as: from('0.1.4'),
      namespace: from('0.1.4'),
      pullPolicyAndTtl: from('0.1.5'),
      securityContextAndServiceAccount: from('0.2.0'),
      annotations: from('0.2.4'),
    },
    eventMap: from('0.3.0') ? 'sdk' : from('0.2.4') ? 'typed-commit' : from('0.1.4') ? 'typed' : 'no-type',
    print: from('0.1.4') ? 'json-maps' : 'go',
    actions: from('0.3.0') ? 'until-non-silent' : from('0.2.1') ? 'every' : 'first',
    files: from('0.2.4') ? 'file-or-folder' : 'prefix',
    labels: from('0.1.8'),
    onlyTriggered: !from('0.1.8'),
    readOnlyRoot: from('0.2.0'),
  };
};

export interface JesFamily extends JesTraits {
  /** `0.2.4–0.2.5`: the first and last tag of the family. */
  name: string;
  tags: string[];
}

/** The tags grouped where every trait is the same: 0.1.3 | 0.1.4 | 0.1.5–0.1.7 | 0.1.8 | 0.2.0 | 0.2.1–0.2.3 | 0.2.4–0.2.5 | 0.3.0. */
export const JES_FAMILIES: readonly JesFamily[] = familiesOf(JES_TAGS, traitsOf);

/**
 * Consecutive tags whose traits are all the same, as one family named by its first and last tag
 * (`0.2.4–0.2.5`). Shared with the webhook-service model (webhook.ts).
 */
export function familiesOf<T extends object>(
  tags: readonly string[],
  traitsOf: (tag: string) => T,
): (T & { name: string; tags: string[] })[] {
  return tags.reduce<(T & { name: string; tags: string[] })[]>((families, tag) => {
    const traits = traitsOf(tag);
    const last = families.at(-1);
    if (last && isDeepStrictEqual(traitsOf(last.tags[0]), traits)) {
      last.tags.push(tag);
      last.name = `${last.tags[0]}–${tag}`;
    } else families.push({ name: tag, tags: [tag], ...traits });
    return families;
  }, []);
}

/** The family of a job-executor-service release; throws for one whose source was not read. */
export function jesFamily(version: string): JesFamily {
  const family = JES_FAMILIES.find((f) => f.tags.includes(version));
  if (!family) throw new Error(`job-executor-service ${version} is not modelled: its source was not read (known: ${JES_TAGS.join(', ')})`);
  return family;
}

// ---------------------------------------------------------------------------------------------
// The config format

/** A JSON schema (draft-04) object with only these properties; draft-04 wants `required` left out rather than empty. */
export const strict = (properties: Record<string, object>, required: string[] = []) => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  additionalProperties: false,
});
const str = { type: 'string' };
const strings = { type: 'array', items: str };
const bool = { type: 'boolean' };
const int = { type: 'integer' };
const resources = strict({ cpu: str, memory: str });

/**
 * job/config.yaml as a family reads it. Every tag decodes with yaml.v2's UnmarshalStrict, so a
 * field the release does not know fails the whole file, and apiVersion must be v2
 * (pkg/config/config.go NewConfig at each tag). The field list grows over the releases
 * (JesTraits.fields). Stricter than the job executor on purpose: names, images and env sources
 * are required, string fields take YAML strings only (the generator quotes every string), and
 * imagePullPolicy is one Kubernetes accepts.
 */
export function jobConfigSchema(family: JesFamily): object {
  const f = family.fields;
  const env = strict({ name: str, value: str, valueFrom: { enum: ['event', 'secret', 'string'] }, ...(f.as ? { as: str } : {}) }, [
    'name',
    'valueFrom',
  ]);
  const task: Record<string, object> = {
    name: str,
    files: strings,
    image: str,
    cmd: strings,
    args: strings,
    env: { type: 'array', items: env },
    resources: strict({ limits: resources, requests: resources }),
    workingDir: str,
    // *int seconds; the job executor takes any int, a useful one is positive.
    maxPollDuration: { type: 'integer', minimum: 1 },
  };
  if (f.namespace) task.namespace = str;
  if (f.pullPolicyAndTtl) {
    task.imagePullPolicy = { enum: ['Always', 'IfNotPresent', 'Never'] };
    task.ttlSecondsAfterFinished = { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 };
  }
  if (f.securityContextAndServiceAccount) {
    // The subset of 0.2.0:pkg/config/config.go SecurityContext (SELinuxOptions is declared, not a field).
    task.securityContext = strict({
      capabilities: strict({ add: strings, drop: strings }),
      privileged: bool,
      runAsUser: int,
      runAsGroup: int,
      runAsNonRoot: bool,
      readOnlyRootFilesystem: bool,
      allowPrivilegeEscalation: bool,
      procMount: str,
      seccompProfile: strict({ type: str, localhostProfile: str }),
    });
    task.serviceAccount = str;
  }
  if (f.annotations) task.annotations = { type: 'object', additionalProperties: str };
  return strict(
    {
      apiVersion: { enum: ['v2'] },
      actions: {
        type: 'array',
        minItems: 1,
        items: strict(
          {
            name: str,
            silent: bool,
            events: {
              type: 'array',
              minItems: 1,
              items: strict({ name: str, jsonpath: strict({ property: str, match: str }, ['property', 'match']) }, ['name']),
            },
            tasks: { type: 'array', minItems: 1, items: strict(task, ['name', 'image']) },
          },
          ['name', 'events', 'tasks'],
        ),
      },
    },
    ['apiVersion', 'actions'],
  );
}

const validators = new Map<string, ValidateFunction>();

/** The problems the release's strict decoder (or a sanity rule above) has with a parsed config. */
export function jobConfigProblems(config: unknown, version: string): string[] {
  const family = jesFamily(version);
  const validate = validators.get(family.name) ?? new Ajv({ allErrors: true, strict: false }).compile(jobConfigSchema(family));
  validators.set(family.name, validate);
  if (validate(config)) return [];
  return (validate.errors ?? []).map((e: { instancePath: string; message?: string; params?: Record<string, unknown> }) => {
    const unknown =
      e.params && 'additionalProperty' in e.params
        ? `: ${e.params.additionalProperty} (unknown to job-executor-service ${family.name}, which then rejects the whole file)`
        : '';
    return `job/config.yaml${e.instancePath} ${e.message}${unknown}`;
  });
}

/** job/config.yaml parsed as yaml.v2 reads it (YAML 1.1; a repeated key is an error). */
export function parseJobConfig(text: string): { config: unknown; problems: string[] } {
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: true });
  return { config: doc.toJS(), problems: doc.errors.map((e) => `job/config.yaml does not parse: ${e.message}`) };
}

export interface JobEnvEntry {
  name: string;
  value?: string;
  valueFrom?: string;
  as?: string;
}
export interface JobConfigTask {
  name: string;
  image?: string;
  files?: string[];
  cmd?: string[];
  args?: string[];
  env?: JobEnvEntry[];
  workingDir?: string;
  resources?: { limits?: { cpu?: string; memory?: string }; requests?: { cpu?: string; memory?: string } };
}
export interface JobConfigAction {
  name: string;
  silent?: boolean;
  events: { name: string; jsonpath?: { property: string; match: string } }[];
  tasks: JobConfigTask[];
}
export interface JobConfig {
  apiVersion: string;
  actions: JobConfigAction[];
}

// ---------------------------------------------------------------------------------------------
// Events and the event map

/** A Keptn CloudEvent as JSON (the spec's examples). */
export type CloudEventJson = Record<string, any> & { type: string; data?: any };

const EXAMPLES = new URL('../keptn-spec/examples/', import.meta.url);
const readExample = (file: string): CloudEventJson => JSON.parse(readFileSync(new URL(file, EXAMPLES), 'utf8'));

/**
 * The spec's example of `sh.keptn.event.<task>.triggered` (test/keptn-spec/examples/), with the
 * task's shipyard properties where given (Keptn sends them under data.<task>). A task without an
 * example of its own gets the closest one, test-triggered (a task after a deployment: it carries
 * the deployment's URIs), with its type and its task key (data.test) renamed.
 */
export function taskTrigger(task: string, properties?: Record<string, unknown>): CloudEventJson {
  const own = `${task}-triggered.json`;
  let event: CloudEventJson;
  if (existsSync(new URL(own, EXAMPLES))) event = readExample(own);
  else {
    event = readExample('test-triggered.json');
    event.type = `sh.keptn.event.${task}.triggered`;
    event.data[task] = event.data.test;
    delete event.data.test;
  }
  if (properties) event.data[task] = { ...event.data[task], ...properties };
  return event;
}

/** A Go *string in the event map: %v prints its address, json.Marshal its value. */
export class GoPointer {
  constructor(
    readonly value: string,
    readonly address: string,
  ) {}
}

/** A Go time.Time (the CloudEvent's time; zero when the event has none). */
export class GoTime {
  constructor(readonly rfc3339?: string) {}
}

export type GoValue = null | string | number | boolean | GoValue[] | { [key: string]: GoValue } | GoPointer | GoTime;

let addresses = 0;
/** A heap address as Go prints one (the real value differs from run to run). */
const address = () => `0xc000${(0x14e00 + 0x10 * addresses++).toString(16)}`;

/** The map a family builds from the event, that env values and `jsonpath.property` are looked up in. */
export function eventMapOf(family: JesFamily, event: CloudEventJson): Record<string, GoValue> {
  // Every tag decodes data through JSON: objects, arrays, float64, strings, bools, nil.
  const map: Record<string, GoValue> = {
    id: event.id,
    shkeptncontext: event.shkeptncontext,
    time: new GoTime(event.time),
    data: JSON.parse(JSON.stringify(event.data ?? null)),
  };
  if (family.eventMap === 'sdk') {
    Object.assign(map, {
      source: new GoPointer(event.source, address()),
      type: new GoPointer(event.type, address()),
      specversion: event.specversion,
      gitcommitid: event.gitcommitid ?? '',
    });
  } else {
    map.source = event.source;
    if (family.eventMap !== 'no-type') Object.assign(map, { specversion: event.specversion, type: event.type });
    if (family.eventMap === 'typed-commit') map.gitcommitid = event.gitcommitid ?? null;
  }
  return map;
}

// ---------------------------------------------------------------------------------------------
// JSON paths (PaesslerAG/jsonpath v0.1.1, the subset the configs use)

/** An error the job executor itself returns (the text is its own). */
export class JesError extends Error {}
/** Something the model does not know how the job executor would treat: a problem, never a pass. */
export class OutsideModel extends Error {}

type Step = { key: string } | { index: number };

function parsePath(path: string): Step[] {
  const steps: Step[] = [];
  const ident = /[A-Za-z_][A-Za-z0-9_]*/y;
  const outside = () => new OutsideModel(`the JSON path ${path} is outside the modelled subset ($, .name, ["name"], [0])`);
  let i = 0;
  const name = () => {
    ident.lastIndex = i;
    const m = ident.exec(path);
    if (!m) throw outside();
    steps.push({ key: m[0] });
    i = ident.lastIndex;
    // gval scans a name, then `-` as an operator the JSON path language lacks.
    if (path[i] === '-') throw new JesError(`parsing error: ${path}\t:1:${i + 1} - 1:${i + 2} unexpected "-" while scanning operator`);
  };
  if (path.startsWith('$')) i = 1;
  else name(); // `data.project` resolves as `$.data.project` does
  while (i < path.length) {
    if (path[i] === '.') {
      i++;
      name();
      continue;
    }
    if (path[i] !== '[') throw outside();
    const rest = path.slice(i + 1);
    const quoted = /^"((?:[^"\\]|\\.)*)"\]/.exec(rest);
    const index = /^(-?\d+)\]/.exec(rest);
    const single = /^'((?:[^'\\]|\\.)*)'\]/.exec(rest);
    if (quoted) steps.push({ key: JSON.parse(`"${quoted[1]}"`) });
    else if (index) steps.push({ index: Number(index[1]) });
    else if (single && [...single[1]].length > 1) {
      // Single quotes are Go rune literals: more than one character does not unquote.
      throw new JesError(`parsing error: ${path}\t:1:${i + 2} - 1:${i + single[0].length + 1} could not parse string: invalid syntax`);
    } else throw outside();
    i += 1 + (quoted ?? index)![0].length;
  }
  return steps;
}

const isMap = (v: GoValue): v is { [key: string]: GoValue } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof GoPointer) && !(v instanceof GoTime);

const goType = (v: GoValue) =>
  v === null
    ? '<nil>'
    : v instanceof GoPointer
      ? '*string'
      : v instanceof GoTime
        ? 'time.Time'
        : typeof v === 'number'
          ? 'float64'
          : typeof v === 'boolean'
            ? 'bool'
            : 'string';

/** jsonpath.Get: the value at `path`, or the JesError the library returns (selector.go selectValue). */
export function jsonPathGet(path: string, root: GoValue): GoValue {
  let value = root;
  for (const step of parsePath(path)) {
    if (Array.isArray(value)) {
      if (!('index' in step)) throw new OutsideModel(`the JSON path ${path} selects an array by name`);
      if (step.index < 0 || step.index >= value.length) throw new JesError(`index ${step.index} out of bounds`);
      value = value[step.index];
    } else if (isMap(value)) {
      const key = 'key' in step ? step.key : String(step.index);
      if (!Object.hasOwn(value, key)) throw new JesError(`unknown key ${key}`);
      value = value[key];
    } else throw new JesError(`unsupported value type ${goType(value)} for select, expected map[string]interface{} or []interface{}`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Printing values as Go does

/** strconv's shortest %v of a float64: %e from exponent -5 or 6 on ("1e+06"). */
function goFloat(n: number): string {
  const [mantissa, exponent] = n.toExponential().split('e');
  const exp = Number(exponent);
  if (exp >= -4 && exp < 6) return String(n);
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** time.Time's String: "2022-09-01 10:00:00 +0000 UTC" (zero: year 1). */
function goTimeString(t: GoTime): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(t.rfc3339 ?? '0001-01-01T00:00:00Z');
  if (!m) throw new OutsideModel(`the event's time ${t.rfc3339} is not RFC 3339`);
  const fraction = (m[3] ?? '').replace(/\.?0+$/, '');
  const zone = m[4] === 'Z' ? '+0000 UTC' : `${m[4].replace(':', '')} ${m[4].replace(':', '')}`;
  return `${m[1]} ${m[2]}${fraction} ${zone}`;
}

/** fmt's %v: maps as `map[k:v]` with sorted keys, slices as `[a b]`, nil as `<nil>`, *string as its address. */
export function goPrint(v: GoValue): string {
  if (v === null) return '<nil>';
  if (v instanceof GoPointer) return v.address;
  if (v instanceof GoTime) return goTimeString(v);
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  if (isMap(v))
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goPrint(v[k])}`)
      .join(' ')}]`;
  return typeof v === 'number' ? goFloat(v) : String(v);
}

/** encoding/json's Marshal: sorted keys, <, > and & escaped, pointers followed, time as RFC 3339. */
export function goJson(v: GoValue): string {
  if (v instanceof GoPointer) return goJson(v.value);
  if (v instanceof GoTime)
    return JSON.stringify((v.rfc3339 ?? '0001-01-01T00:00:00Z').replace(/(\.\d*?)0+(?=Z|[+-])/, '$1').replace(/\.(?=Z|[+-])/, ''));
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isMap(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${goJson(k)}:${goJson(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// ---------------------------------------------------------------------------------------------
// Env

export interface ResolvedEnv {
  /** The job container's env: the task's, then KEPTN_PROJECT/STAGE/SERVICE (and LABELS_<KEY>). */
  env: Record<string, string>;
  /** The job executor's own error: it creates no job, and the task ends errored. */
  failed?: string;
  /** Values the job would get that are no use to it (an address, a Go map print), or that the model cannot tell. */
  problems: string[];
}

/** Env as the family prepares it for a task's job (pkg/k8sutils/job.go prepareJobEnv, generateEnvFromEvent). */
export function resolveEnv(family: JesFamily, task: JobConfigTask, event: CloudEventJson): ResolvedEnv {
  const map = eventMapOf(family, event);
  const env: Record<string, string> = {};
  const problems: string[] = [];
  // 0.1.3 prints the names bare, 0.1.4 on in quotes.
  const q = (s: string | undefined) => (family.print === 'go' ? `${s}` : `'${s}'`);
  for (const e of task.env ?? []) {
    if (e.valueFrom === 'string') env[e.name] = e.value ?? '';
    else if (e.valueFrom === 'secret')
      problems.push(`${e.name}: valueFrom secret exports the keys of the Kubernetes Secret ${e.name}, which this check cannot see`);
    else if (e.valueFrom !== 'event')
      return { env, failed: `could not add env with name ${e.name}, unknown valueFrom ${e.valueFrom}`, problems };
    else {
      let value: GoValue;
      try {
        value = jsonPathGet(e.value ?? '', map);
      } catch (err) {
        if (!(err instanceof JesError)) throw err;
        return {
          env,
          failed: `could not add env with name ${q(e.name)}, value ${q(e.value)}, valueFrom ${q(e.valueFrom)}: ${err.message}`,
          problems,
        };
      }
      const as = family.print === 'json-maps' ? (e.as ?? '').toLowerCase() : '';
      if (as === 'yaml') throw new OutsideModel(`${e.name}: as: yaml is not modelled`);
      const json = as === 'json' || (family.print === 'json-maps' && isMap(value));
      env[e.name] = json ? goJson(value) : goPrint(value);
      if (json) continue;
      const what =
        value instanceof GoPointer
          ? `a memory address, not the value: job-executor-service ${family.name} holds it as a *string and prints it with %v`
          : isMap(value)
            ? `a Go map print, not JSON: job-executor-service ${family.name} prints objects with %v`
            : Array.isArray(value)
              ? 'a Go slice print, not JSON (as: json would give JSON)'
              : value === null
                ? "Go's <nil>: the event has no such value"
                : undefined;
      if (what)
        problems.push(
          `${e.name}: ${e.value} gives ${JSON.stringify(env[e.name].length > 80 ? `${env[e.name].slice(0, 80)}…` : env[e.name])}, ${what}`,
        );
    }
  }
  const data = isMap(map.data) ? map.data : {};
  const text = (v: GoValue | undefined) => (typeof v === 'string' ? v : '');
  Object.assign(env, { KEPTN_PROJECT: text(data.project), KEPTN_STAGE: text(data.stage), KEPTN_SERVICE: text(data.service) });
  if (family.labels && isMap(data.labels ?? null)) {
    for (const [key, value] of Object.entries(data.labels as Record<string, GoValue>))
      env[`LABELS_${key.replace(/[- ]/g, '_').toUpperCase()}`] = text(value);
  }
  return { env, problems };
}

// ---------------------------------------------------------------------------------------------
// Matching

/** Go's regexp.MatchString, unanchored; an invalid expression never matches (the error is ignored). */
function typeMatches(pattern: string, type: string): boolean {
  // Syntax where RE2 and JavaScript part ways: flags, lookaround, POSIX classes, backreferences.
  if (/\(\?[^:]|\[:|\\[1-9k]/.test(pattern))
    throw new OutsideModel(`the event name ${pattern} uses regular expression syntax that is not modelled`);
  try {
    return new RegExp(pattern).test(type);
  } catch {
    return false;
  }
}

export interface ActionsRun {
  actions: JobConfigAction[];
  /** Why an action whose event name matched did not run (a `jsonpath.property` lookup that failed). */
  notes: string[];
}

/**
 * The actions the family runs for an event, in order, each as if its jobs succeed: an event
 * matches when its name (a regexp) matches the type and `jsonpath.property`, looked up in the
 * whole event map, is the string `match` (pkg/config/config.go IsEventMatch at each tag).
 */
export function actionsRun(family: JesFamily, config: JobConfig, event: CloudEventJson): ActionsRun {
  const notes: string[] = [];
  if (!event.type.includes('.triggered')) {
    if (family.onlyTriggered) return { actions: [], notes: [`job-executor-service ${family.name} handles .triggered events only`] };
    throw new OutsideModel(`${event.type}: events other than .triggered are not modelled`);
  }
  const map = eventMapOf(family, event);
  const matches = (action: JobConfigAction) =>
    action.events.some((e) => {
      if (!typeMatches(e.name, event.type)) return false;
      if (!e.jsonpath?.property) return true;
      try {
        const value = jsonPathGet(e.jsonpath.property, map);
        // interface{} == string: only a Go string equals it (not a number, bool or *string).
        return typeof value === 'string' && value === e.jsonpath.match;
      } catch (err) {
        if (!(err instanceof JesError)) throw err;
        notes.push(`action "${action.name}": ${e.jsonpath.property}: ${err.message}`);
        return false;
      }
    });
  const matching = config.actions.filter(matches);
  if (family.actions === 'first') return { actions: matching.slice(0, 1), notes };
  if (family.actions === 'every') return { actions: matching, notes };
  const stop = matching.findIndex((a) => !a.silent);
  return { actions: stop < 0 ? matching : matching.slice(0, stop + 1), notes };
}

// ---------------------------------------------------------------------------------------------
// Files

/**
 * The resources the init container copies to /keptn/ for a task, out of the service's (the URIs
 * add-resources.sh uploads; Keptn lists them with a leading `/`), and the entries that find none:
 * those fail the init container, the job and the task.
 */
export function mountedFiles(family: JesFamily, files: string[], uploaded: string[]): { copied: string[]; missing: string[] } {
  const stored = uploaded.map((u) => `/${u.replace(/^\//, '')}`);
  const copied = new Set<string>();
  const missing: string[] = [];
  for (const entry of files) {
    let found: string[];
    if (family.files === 'prefix') {
      // strings.Replace(uri, "/", "", 1): the URI without its first `/`, or with it.
      found = stored.filter((u) => u.startsWith(entry) || u.replace('/', '').startsWith(entry));
    } else {
      const file = `/${entry.replace(/^\//, '')}`;
      found = stored.includes(file) ? [file] : stored.filter((u) => u.startsWith(`${file}/`));
    }
    if (found.length === 0) missing.push(entry);
    for (const u of found) copied.add(u.slice(1));
  }
  return { copied: [...copied], missing };
}

// ---------------------------------------------------------------------------------------------
// Where a job writes

/**
 * The pod of every job, at every tag: uid 1000 (0.1.3:pkg/k8sutils/job.go; 0.2.0:chart/values.yaml
 * jobConfig), one volume, the emptyDir `job-volume` at /keptn of at most 20Mi (pkg/k8sutils/job.go
 * CreateK8sJob at every tag: a job that writes more is evicted), and a memory limit of 512Mi unless
 * the task sets resources (DEFAULT_RESOURCE_LIMITS_MEMORY: 0.1.3:deploy/service.yaml,
 * 0.1.6:chart/templates/configmap.yaml, the same at 0.3.0).
 */
export const JOB_POD = { uid: 1000, volume: '/keptn', volumeLimitMi: 20, memoryLimitMi: 512 };

/** A path the image decides (its WORKDIR, the home of uid 1000): on its root filesystem. */
const IMAGE_WORKDIR = '<the image WORKDIR>';
const IMAGE_HOME = '<the home of uid 1000 in the image, or />';

/**
 * Whether a job of the family may write `path`: the volume always; /tmp (world-writable in the
 * images) only where the root filesystem is writable; anything else the image decides, which
 * this check does not take for writable.
 */
export function writable(family: JesFamily, path: string): boolean {
  const under = (dir: string) => path === dir || path.startsWith(`${dir}/`);
  if (under(JOB_POD.volume) || ['/dev/null', '/dev/stdout', '/dev/stderr'].includes(path)) return true;
  return !family.readOnlyRoot && under('/tmp');
}

export interface JobWrite {
  /** An absolute path, or one under IMAGE_WORKDIR / IMAGE_HOME. */
  path: string;
  what: string;
  /** Its size where it is known to be large (a heap dump: the heap). */
  mebibytes?: number;
}

/** The words of a `sh -c` command line, split into simple commands (&&, ||, ;, |), quotes removed, $VAR and ${VAR} expanded. */
function shellCommands(line: string, env: Record<string, string>): string[][] {
  const commands: string[][] = [[]];
  let word: string | undefined;
  const push = () => {
    if (word !== undefined) commands.at(-1)!.push(word);
    word = undefined;
  };
  const expand = (text: string) => text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => env[name] ?? `<${name}>`);
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const end = line.indexOf('"', i + 1);
      word = (word ?? '') + expand(line.slice(i + 1, end));
      i = end;
    } else if (/\s/.test(c)) push();
    else if ('&|;'.includes(c)) {
      push();
      if (line[i + 1] === c) i++;
      commands.push([]);
    } else if (c === '$') {
      const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/.exec(line.slice(i))!;
      word = (word ?? '') + expand(m[0]);
      i += m[0].length - 1;
    } else word = (word ?? '') + c;
  }
  push();
  return commands.filter((c) => c.length > 0).map((c) => (c[0] === '!' ? c.slice(1) : c));
}

/** The value of an option given as `-x v`, `--long v` or `--long=v` (the last one given). */
function option(words: string[], ...names: string[]): string | undefined {
  let value: string | undefined;
  words.forEach((w, i) => {
    for (const n of names) {
      if (w === n && i + 1 < words.length) value = words[i + 1];
      else if (n.startsWith('--') && w.startsWith(`${n}=`)) value = w.slice(n.length + 1);
    }
  });
  return value;
}

/** The last -XX:±Flag or -Dprop=value a JVM is given in these option strings (later ones win). */
function jvmOption(options: string[], name: string): string | undefined {
  let value: string | undefined;
  for (const word of options.join(' ').split(/\s+/)) {
    if (word === `-XX:+${name}`) value = '+';
    else if (word === `-XX:-${name}`) value = '-';
    else if (word.startsWith(`-XX:${name}=`) || word.startsWith(`-D${name}=`)) value = word.slice(word.indexOf('=') + 1);
  }
  return value;
}

/**
 * What each test tool's program writes, by its own source, given its words, env and the file it
 * runs. A program not listed here is outside the model (a problem, never a pass).
 */
const PROGRAMS: Record<string, (words: string[], env: Record<string, string>, read: (path: string) => string | undefined) => JobWrite[]> = {
  /**
   * JMeter 5.5 (apache/jmeter v5.5-rc3, released as 5.5): samples to -l/--logfile, its log to
   * -j/--jmeterlogfile or jmeter.log in the working directory (src/core/.../JMeter.java,
   * bin/log4j2.xml), a report to -o/--reportoutputfolder. bin/jmeter starts Java with
   * -XX:+HeapDumpOnOutOfMemoryError (a dump into the working directory or -XX:HeapDumpPath) and
   * then $JVM_ARGS, and the JVM writes its perf data to /tmp/hsperfdata_<user> (unless
   * -XX:-UsePerfData) and temporary files (the report generator, plugins, JSR223 scripts) to
   * java.io.tmpdir, /tmp by default (JAVA_TOOL_OPTIONS is read before the command line).
   */
  jmeter(words, env) {
    const jvm = [env.JAVA_TOOL_OPTIONS ?? '', '-XX:+HeapDumpOnOutOfMemoryError', env.JVM_ARGS ?? '', env.JMETER_OPTS ?? ''];
    const writes: JobWrite[] = [{ path: option(words, '-j', '--jmeterlogfile') ?? 'jmeter.log', what: "JMeter's log" }];
    const samples = option(words, '-l', '--logfile');
    if (samples) writes.push({ path: samples, what: "JMeter's samples (-l)" });
    const report = option(words, '-o', '--reportoutputfolder');
    if (report) writes.push({ path: report, what: "JMeter's report (-o)" });
    writes.push({ path: jvmOption(jvm, 'java.io.tmpdir') ?? '/tmp', what: "the JVM's temp dir (java.io.tmpdir)" });
    if (jvmOption(jvm, 'UsePerfData') !== '-')
      writes.push({ path: `/tmp/hsperfdata_${JOB_POD.uid}`, what: "the JVM's perf data (-XX:-UsePerfData turns it off)" });
    if (jvmOption(jvm, 'HeapDumpOnOutOfMemoryError') === '+')
      writes.push({
        path: jvmOption(jvm, 'HeapDumpPath') ?? 'java_pid1.hprof',
        what: "the JVM's heap dump on OutOfMemoryError",
        mebibytes: mebibytes(jmeterHeap(env)),
      });
    return writes;
  },
  /**
   * k6 0.54.0: --out json=/csv= files, --summary-export, --log-output file=, --console-output
   * (cmd/ at v0.54.0); a handleSummary() writes what it returns. Its config file is written only
   * by `k6 login` (cmd/config.go writeDiskConfig), and its browser module profiles Chromium in
   * $TMPDIR, else /tmp (vendor/github.com/grafana/xk6-browser/chromium/browser_type.go tmpdir()).
   */
  k6(words, env, read) {
    const writes: JobWrite[] = [];
    words.forEach((w, i) => {
      const out = w === '--out' || w === '-o' ? words[i + 1] : w.startsWith('--out=') ? w.slice(6) : undefined;
      const file = out && /^(json|csv)=(.+)$/.exec(out)?.[2];
      if (file) writes.push({ path: file, what: `k6's --out ${out}` });
    });
    const summary = option(words, '--summary-export');
    if (summary) writes.push({ path: summary, what: "k6's --summary-export" });
    const log = option(words, '--log-output');
    if (log?.startsWith('file=')) writes.push({ path: log.slice(5).split(',')[0], what: "k6's --log-output" });
    const console = option(words, '--console-output');
    if (console) writes.push({ path: console, what: "k6's --console-output" });
    const script = read(words.filter((w) => !w.startsWith('-')).at(-1) ?? '') ?? '';
    if (/\bhandleSummary\b/.test(script)) throw new OutsideModel('the k6 script has a handleSummary(), whose files are not modelled');
    if (/from\s+['"]k6\/(experimental\/)?browser['"]/.test(script))
      writes.push({ path: env.TMPDIR ?? '/tmp', what: "k6's browser profile (TMPDIR)" });
    return writes;
  },
  /** Artillery 2.0.21: a JSON report to -o/--output only (packages/artillery/lib/cmds/run.js); nothing else on run. */
  artillery(words) {
    const report = option(words, '-o', '--output');
    return report ? [{ path: report, what: "Artillery's report (--output)" }] : [];
  },
  /**
   * Locust 2.31.8: --csv <prefix>_stats.csv and the rest, --html, --logfile (locust/main.py,
   * stats.py); temporary files only for a locustfile from a URL or a master (argument_parser.py).
   * Python writes the locustfile's bytecode to __pycache__ beside it (skipped silently where it
   * cannot), and a locustfile using tempfile writes to $TMPDIR, else /tmp.
   */
  locust(words, env, read) {
    const writes: JobWrite[] = [];
    const csv = option(words, '--csv');
    if (csv) writes.push({ path: `${csv}_stats.csv`, what: "Locust's --csv" });
    const html = option(words, '--html');
    if (html) writes.push({ path: html, what: "Locust's --html" });
    const logfile = option(words, '--logfile');
    if (logfile) writes.push({ path: logfile, what: "Locust's --logfile" });
    const file = option(words, '-f', '--locustfile');
    if (file && /\btempfile\b/.test(read(file) ?? ''))
      writes.push({ path: env.TMPDIR ?? '/tmp', what: "the locustfile's temporary files (tempfile: TMPDIR)" });
    return writes;
  },
  /** A shell script run by /bin/sh: see scriptWrites. */
  sh(words, env, read) {
    const file = words.slice(1).find((w) => !w.startsWith('-'));
    const text = file ? read(file) : undefined;
    if (text === undefined) throw new OutsideModel(`sh ${words.slice(1).join(' ')}: the script is not one of the job's files`);
    return scriptWrites(text, env);
  },
  // Programs of the commands above that write nothing.
  test: () => [],
  grep: () => [],
};
PROGRAMS['/bin/sh'] = PROGRAMS.sh;
PROGRAMS['/home/node/artillery/bin/run'] = PROGRAMS.artillery;

/**
 * What a shell script writes: output redirections (> and >>, not to /dev/null or a descriptor),
 * curl's -o/--output, tee's files, and mktemp (in $TMPDIR, else /tmp); `~` and $HOME are HOME.
 * Here-documents write nothing: busybox ash and dash feed them through a pipe.
 */
export function scriptWrites(text: string, env: Record<string, string>): JobWrite[] {
  const writes: JobWrite[] = [];
  const home = env.HOME ?? IMAGE_HOME;
  const path = (p: string) =>
    p
      .replace(/^["']|["']$/g, '')
      .replace(/^~(?=\/|$)/, home)
      .replace(/\$\{?HOME\}?/g, home)
      .replace(/\$\{?TMPDIR\}?/g, env.TMPDIR ?? '/tmp');
  // Comments and the bodies of here-documents hold no commands.
  const code = text
    .replace(/<<-?\s*'?(\w+)'?[^\n]*\n[^]*?\n\1\n/g, '\n')
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, ''))
    .join('\n');
  for (const m of code.matchAll(/(?<![<&\d])>>?\s*([^\s;&|)]+)/g))
    if (!m[1].startsWith('&') && m[1] !== '/dev/null') writes.push({ path: path(m[1]), what: `a redirection (${m[0]})` });
  for (const m of code.matchAll(/\bcurl\b[^\n]*?\s(?:-o|--output)\s+(\S+)/g))
    if (m[1] !== '/dev/null') writes.push({ path: path(m[1]), what: "curl's --output" });
  for (const m of code.matchAll(/\btee\s+(?:-a\s+)?(\S+)/g)) writes.push({ path: path(m[1]), what: 'tee' });
  if (/\bmktemp\b/.test(code)) writes.push({ path: env.TMPDIR ?? '/tmp', what: 'mktemp (TMPDIR)' });
  return writes;
}

/**
 * What a task writes when its job runs, each path absolute: relative ones in its workingDir, else
 * the image's WORKDIR. `read` gives a file of the job by its path in the container (/keptn/...).
 */
export function jobWrites(task: JobConfigTask, read: (path: string) => string | undefined): JobWrite[] {
  const env: Record<string, string> = {};
  for (const e of task.env ?? []) if (e.valueFrom === 'string') env[e.name] = e.value ?? '';
  const argv = [...(task.cmd ?? []), ...(task.args ?? [])];
  const commands = argv[0] === '/bin/sh' && argv[1] === '-c' ? shellCommands(argv.slice(2).join(' '), env) : [argv];
  const cwd = task.workingDir ?? IMAGE_WORKDIR;
  const home = env.HOME ?? IMAGE_HOME;
  const absolute = (p: string) =>
    p.startsWith('/') || p.startsWith('<') ? p : p.startsWith('~/') ? `${home}/${p.slice(2)}` : `${cwd}/${p.replace(/^\.\//, '')}`;
  return commands.flatMap((words) => {
    const program = PROGRAMS[words[0]];
    if (!program) throw new OutsideModel(`what ${words[0]} writes is not modelled`);
    return program(words, env, read).map((w) => ({ ...w, path: absolute(w.path) }));
  });
}

/** JMeter's maximum heap: the last -Xmx of bin/jmeter's HEAP (-Xms1g -Xmx1g by default), then JVM_ARGS. */
const jmeterHeap = (env: Record<string, string>) =>
  [env.HEAP ?? '-Xms1g -Xmx1g', env.JVM_ARGS ?? '']
    .join(' ')
    .match(/-Xmx\S+/g)
    ?.at(-1)
    ?.slice('-Xmx'.length) ?? '1g';

/** Mebibytes of a Kubernetes quantity (Mi, Gi, M, G, plain bytes) or of a JVM size (m, g). */
const mebibytes = (q: string) => {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|K|M|G|m|g)?$/.exec(q);
  if (!m) throw new OutsideModel(`the size ${q} is not modelled`);
  const factor: Record<string, number> = {
    Ki: 1 / 1024,
    k: 1 / 1024,
    K: 1 / 1024,
    Mi: 1,
    m: 1,
    M: 1e6 / 2 ** 20,
    Gi: 1024,
    g: 1024,
    G: 1e9 / 2 ** 20,
  };
  return Number(m[1]) * (m[2] ? factor[m[2]] : 1 / 2 ** 20);
};

/**
 * Where the family's job would write outside what it may (read-only root filesystem from 0.2.0,
 * the image's folders in every release), and a JVM whose heap does not fit the job's memory limit
 * (JMeter: bin/jmeter's HEAP, -Xms1g -Xmx1g by default; the heap at most half the limit, the rest
 * is the JVM's metaspace, code cache, threads and the tool's own use).
 */
export function writeProblems(family: JesFamily, task: JobConfigTask, read: (path: string) => string | undefined): string[] {
  const problems: string[] = [];
  const where = `job-executor-service ${family.name}, task "${task.name}"`;
  try {
    for (const w of jobWrites(task, read)) {
      if (writable(family, w.path)) {
        if ((w.mebibytes ?? 0) > JOB_POD.volumeLimitMi)
          problems.push(
            `${where}: ${w.what} (up to ${w.mebibytes}Mi) goes to ${w.path}, more than the ${JOB_POD.volumeLimitMi}Mi of ${JOB_POD.volume}: the pod is evicted`,
          );
        continue;
      }
      const why = w.path.startsWith('<')
        ? 'the image decides whether uid 1000 may write there'
        : family.readOnlyRoot
          ? 'its root filesystem is read-only'
          : `uid ${JOB_POD.uid} may not write there`;
      problems.push(`${where}: ${w.what} goes to ${w.path}, outside ${JOB_POD.volume}: ${why}`);
    }
  } catch (err) {
    if (err instanceof OutsideModel) return [`${where}: ${err.message}`];
    throw err;
  }
  const argv = [...(task.cmd ?? []), ...(task.args ?? [])].join(' ');
  if (/\bjmeter\b/.test(argv)) {
    const env = Object.fromEntries((task.env ?? []).filter((e) => e.valueFrom === 'string').map((e) => [e.name, e.value ?? '']));
    const xmx = jmeterHeap(env);
    try {
      const limit = task.resources?.limits?.memory ? mebibytes(task.resources.limits.memory) : JOB_POD.memoryLimitMi;
      if (mebibytes(xmx) > limit / 2)
        problems.push(
          `${where}: JMeter's heap of up to ${xmx} (-Xmx) leaves too little of the job's ${limit}Mi memory limit to the rest of the JVM: the job is killed (OOMKilled)`,
        );
    } catch (err) {
      if (!(err instanceof OutsideModel)) throw err;
      problems.push(`${where}: ${err.message}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The whole project

/** The shipyard's properties of a task (Keptn sends them under data.<task>). */
function propertiesOf(blueprint: Blueprint, task: string): Record<string, unknown> | undefined {
  for (const sequence of blueprint.sequences) for (const t of sequence.tasks) if (t.name === task && t.properties) return t.properties;
  return undefined;
}

/** The trigger Keptn sends for a task of the project's shipyard, as the spec's example has it. */
export const shipyardTrigger = (blueprint: Blueprint, task: string) => taskTrigger(task, propertiesOf(blueprint, task));

/** Everything a job-executor project must get right, as a list of problems. */
export function jobProjectProblems(dir: string, blueprint: Blueprint): string[] {
  const problems: string[] = [];
  for (const absent of ['package.json', 'src', 'chart', 'Dockerfile'])
    if (existsSync(join(dir, absent))) problems.push(`a job-executor definition has ${absent}`);
  const configFile = join(dir, 'keptn/resources/job/config.yaml');
  if (!existsSync(configFile)) return [...problems, 'no keptn/resources/job/config.yaml'];
  const version = blueprint.keptn.jobExecutor.version;
  const family = jesFamily(version);
  const parsed = parseJobConfig(readFileSync(configFile, 'utf8'));
  problems.push(...parsed.problems);
  if (problems.length > 0) return problems;
  problems.push(...jobConfigProblems(parsed.config, version));
  if (problems.length > 0) return problems;
  const config = parsed.config as JobConfig;
  const uploaded = uploadedUris(dir);
  if (!uploaded.includes('job/config.yaml')) problems.push('add-resources.sh does not upload job/config.yaml');
  const matched = new Set<string>();
  for (const action of config.actions) {
    for (const event of action.events) {
      matched.add(event.name);
      if (!blueprint.subscriptions.includes(event.name))
        problems.push(`action "${action.name}" matches ${event.name}, which the README does not subscribe the job executor to`);
      const task = taskOf(event.name);
      // 0.1.3 drops other events; from 0.2 on it polls Keptn for open triggers only.
      if (!task) problems.push(`action "${action.name}" matches ${event.name}, which the job executor never receives: only task triggers`);
      // The job executor's JSON paths (PaesslerAG/jsonpath) take a name with '-' only in brackets.
      const data = task && /-/.test(task) ? `$.data["${task}"].` : `$.data.${task}.`;
      if (event.jsonpath && !event.jsonpath.property.startsWith(data))
        problems.push(`action "${action.name}" matches on ${event.jsonpath.property}, not on ${data}…, the task's data`);
    }
    for (const task of action.tasks) {
      for (const file of task.files ?? []) {
        if (!uploaded.includes(file)) problems.push(`the job reads ${file}, which add-resources.sh does not upload`);
        if (!existsSync(join(dir, 'keptn/resources', file))) problems.push(`the job reads ${file}, which is not in keptn/resources/`);
      }
      // Every resource the command reads (/keptn/<folder>/<file>) is listed in files, and every
      // file listed is read; what a tool writes goes straight into /keptn/.
      const command = [...(task.cmd ?? []), ...(task.args ?? [])].join(' ');
      for (const file of task.files ?? [])
        if (!command.includes(`/keptn/${file}`)) problems.push(`the job copies ${file} but its command does not use it`);
      for (const part of [...(task.cmd ?? []), ...(task.args ?? [])]) {
        for (const [, path] of part.matchAll(/\/keptn\/([^\s"']+\/[^\s"']+)/g))
          if (!(task.files ?? []).includes(path)) problems.push(`the job uses /keptn/${path}, which is not in its files`);
        for (const [, name] of part.matchAll(/\$\(([A-Z_]+)\)/g))
          if (!(task.env ?? []).some((e) => e.name === name)) problems.push(`the job uses $(${name}), which its env does not set`);
      }
    }
  }
  for (const s of blueprint.subscriptions) if (!matched.has(s)) problems.push(`${s} is subscribed, but no action matches it`);
  // Where each task writes, as the release runs it.
  const read = (path: string) =>
    path.startsWith(`${JOB_POD.volume}/`) && existsSync(join(dir, 'keptn/resources', path.slice(JOB_POD.volume.length + 1)))
      ? readFileSync(join(dir, 'keptn/resources', path.slice(JOB_POD.volume.length + 1)), 'utf8')
      : undefined;
  for (const task of config.actions.flatMap((a) => a.tasks)) problems.push(...writeProblems(family, task, read));
  // Each task trigger of the shipyard, as the release would run it.
  for (const type of blueprint.subscriptions) {
    const task = taskOf(type);
    if (task) problems.push(...triggerProblems(family, config, shipyardTrigger(blueprint, task), uploaded));
  }
  return problems;
}

/** What goes wrong when the family runs the config for one event: no action, an env that fails or is useless, a file not mounted. */
export function triggerProblems(family: JesFamily, config: JobConfig, event: CloudEventJson, uploaded: string[]): string[] {
  const jes = `job-executor-service ${family.name}`;
  try {
    const problems: string[] = [];
    const { actions, notes } = actionsRun(family, config, event);
    if (actions.length === 0) problems.push(`${jes} runs no action for ${event.type}${notes.length > 0 ? `: ${notes.join('; ')}` : ''}`);
    for (const action of actions) {
      for (const task of action.tasks) {
        const where = `${jes}, ${event.type}, action "${action.name}", task "${task.name}"`;
        const { failed, problems: envProblems } = resolveEnv(family, task, event);
        if (failed) problems.push(`${where}: ${failed} (no job is created; the task ends errored)`);
        problems.push(...envProblems.map((p) => `${where}: ${p}`));
        const { copied, missing } = mountedFiles(family, task.files ?? [], uploaded);
        for (const file of missing)
          problems.push(`${where}: could not find file or directory ${file}: the init container fails, and the task with it`);
        for (const part of [...(task.cmd ?? []), ...(task.args ?? [])]) {
          for (const [, path] of part.matchAll(/\/keptn\/([^\s"']+)/g))
            if (/\//.test(path) && !copied.includes(path))
              problems.push(`${where}: the command reads /keptn/${path}, which is not mounted`);
        }
      }
    }
    return problems;
  } catch (err) {
    if (err instanceof OutsideModel) return [`${jes}, ${event.type}: ${err.message}`];
    throw err;
  }
}

/** Kubernetes' $(VAR) expansion of command and args ($$ is a literal $; an unknown name stays). */
const expand = (s: string, env: Record<string, string>) =>
  s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name) => (m === '$$' ? '$' : (env[name] ?? m)));

/** Where the sandbox of runJobTask mounts the job's volume: an empty folder of every Debian system. */
const SANDBOX_VOLUME = '/srv';
/** The PATH of the images (and of Debian's root filesystem, where the command must exist). */
const IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Runs a task's command here as the family would run its job: the env it would get, /keptn/
 * holding only what the init container would copy, and the job's pod (JOB_POD) as far as this
 * machine can make it: a mount namespace of its own (unshare, so nothing outside changes) where
 * the volume is a tmpfs of the volume's 20Mi, the process runs as uid 1000 (setpriv), and from
 * 0.2.0 on the root filesystem is read-only (the family's readOnlyRoot). The image is not: the
 * command must exist on this machine's root filesystem. Needs root, as the suite has in CI.
 */
export async function runJobTask(dir: string, family: JesFamily, task: JobConfigTask, event: CloudEventJson) {
  const { env, failed } = resolveEnv(family, task, event);
  if (failed) return { failed, env };
  if (process.getuid?.() !== 0)
    throw new Error('running a job as its job-executor-service release would needs root (a mount namespace and another uid), as in CI');
  await need('unshare', 'util-linux');
  await need('setpriv', 'util-linux');
  const staged = tempDir('jes-keptn-');
  try {
    for (const uri of mountedFiles(family, task.files ?? [], uploadedUris(dir)).copied) {
      mkdirSync(dirname(join(staged, uri)), { recursive: true });
      cpSync(join(dir, 'keptn/resources', uri), join(staged, uri));
    }
    // The volume's path in the command, the env (HOME, TMPDIR) and the working directory.
    const inMount = (v: string) => v.replace(/(^|[\s="'])\/keptn(?=\/|$|[\s"'])/g, `$1${SANDBOX_VOLUME}`);
    const argv = [...(task.cmd ?? []), ...(task.args ?? [])].map((s) => inMount(expand(s, env)));
    const jobEnv = Object.entries({ PATH: IMAGE_PATH, ...env }).map(([k, v]) => `${k}=${inMount(v)}`);
    const pod = [
      'set -e',
      `mount -t tmpfs -o size=${JOB_POD.volumeLimitMi}m,mode=0777 job-volume ${SANDBOX_VOLUME}`,
      `cp -R "$1"/. ${SANDBOX_VOLUME}/ && chmod -R a+rwX ${SANDBOX_VOLUME}`,
      ...(family.readOnlyRoot ? ['mount -o remount,bind,ro /'] : []),
      `cd "$2"`,
      'shift 2',
      `exec setpriv --reuid=${JOB_POD.uid} --regid=2000 --clear-groups env -i "$@"`,
    ].join('\n');
    const cwd = inMount(task.workingDir ?? JOB_POD.volume);
    const run = await execa('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', pod, 'pod', staged, cwd, ...jobEnv, ...argv], {
      extendEnv: false,
      env: { PATH: IMAGE_PATH },
      reject: false,
      all: true,
    });
    return { run, env };
  } finally {
    rmSync(staged, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Test definitions

/** Each test definition checked by its language's own parser, where one is at hand. */
export async function definitionProblems(dir: string, uri: string): Promise<string[]> {
  const file = join(dir, 'keptn/resources', uri);
  const text = readFileSync(file, 'utf8');
  const failed = (what: string, r: { exitCode?: number; all?: string }) => (r.exitCode === 0 ? [] : [`${uri}: ${what}: ${r.all}`]);
  const scratch = () => mkdtempSync(join(tmpdir(), 'cki-definition-'));
  if (uri.endsWith('.py')) {
    await need('python3', 'python3');
    const out = scratch();
    const code = `import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)`;
    try {
      return failed('python3 py_compile', await execa('python3', ['-c', code, file, join(out, 'out.pyc')], { reject: false, all: true }));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  if (uri.endsWith('.js')) {
    // k6 scripts are ES modules: node checks the syntax of a .mjs copy.
    const copyDir = scratch();
    const copy = join(copyDir, 'script.mjs');
    writeFileSync(copy, text);
    let problems: string[];
    try {
      problems = failed('node --check', await execa(process.execPath, ['--check', copy], { reject: false, all: true }));
    } finally {
      rmSync(copyDir, { recursive: true, force: true });
    }
    if (!/export const options\s*=/.test(text) || !/export default function/.test(text))
      problems.push(`${uri}: a k6 script exports options and a default function`);
    if (!/thresholds\s*:/.test(text)) problems.push(`${uri}: no thresholds, so k6 cannot fail the test`);
    return problems;
  }
  if (uri.endsWith('.yaml') && uri.startsWith('artillery/')) return artilleryProblems(uri, parse(text));
  if (uri.endsWith('.jmx')) {
    await need('python3', 'python3');
    const code = `import sys, xml.etree.ElementTree as E
root = E.parse(sys.argv[1]).getroot()
assert root.tag == 'jmeterTestPlan', 'root is ' + root.tag
for tag in ('TestPlan', 'ThreadGroup', 'HTTPSamplerProxy'):
    assert root.find('.//' + tag) is not None, 'no ' + tag
paths = [p.text for p in root.iter('stringProp') if p.get('name') == 'HTTPSampler.path']
assert all(p and '__P(TARGET_URL)' in p for p in paths), 'a sampler does not request TARGET_URL: %s' % paths`;
    return failed('JMeter test plan', await execa('python3', ['-c', code, file], { reject: false, all: true }));
  }
  if (uri.endsWith('.sh')) return (await shellcheck(file)).map((l) => `${uri}: shellcheck: ${l}`);
  if (uri.endsWith('checks.yaml')) return Array.isArray(parse(text)?.checks) ? [] : [`${uri}: no list "checks"`];
  return [`${uri}: no checker for this kind of file`];
}

/** Artillery's script shape: phases to run, scenarios with a flow, and `ensure` to fail on. */
function artilleryProblems(uri: string, doc: any): string[] {
  const problems: string[] = [];
  const phases = doc?.config?.phases;
  if (
    !Array.isArray(phases) ||
    phases.length === 0 ||
    !phases.every((p: any) => Number.isFinite(p.duration) && Number.isFinite(p.arrivalRate))
  )
    problems.push(`${uri}: config.phases must list phases with duration and arrivalRate`);
  const ensure = doc?.config?.plugins?.ensure;
  if (!Array.isArray(ensure?.thresholds) && !Array.isArray(ensure?.conditions))
    problems.push(`${uri}: no config.plugins.ensure checks, so Artillery cannot fail the test`);
  const scenarios = doc?.scenarios;
  if (!Array.isArray(scenarios) || scenarios.length === 0 || !scenarios.every((s: any) => Array.isArray(s.flow) && s.flow.length > 0))
    problems.push(`${uri}: scenarios must each have a flow`);
  return problems;
}

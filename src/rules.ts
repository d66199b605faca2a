// Validation rules shared by flags, prompts and answers files.
// A rule returns undefined when the value is fine, else a short statement of the rule it breaks.

import { KEPTN_OWN_SERVICES, KEPTN_PHASES, KEPTN_TASKS } from './keptn-versions.js';
import type { Answers, Choice, Rule } from './model.js';

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const KEPTN_NAME = /^[a-z][a-z0-9-]*$/;

export const dnsLabel =
  (max: number): Rule =>
  (v) =>
    DNS_LABEL.test(v) && v.length <= max
      ? undefined
      : `must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or ` +
        `digit, at most ${max} characters`;

/** Keptn project, stage and service names (Keptn's rule; stages and services at most 43 characters in 1.0). */
export const keptnName =
  (max: number): Rule =>
  (v) =>
    KEPTN_NAME.test(v) && v.length <= max && !v.endsWith('-')
      ? undefined
      : `must start with a lowercase letter, contain only lowercase letters, digits and '-', not end with ` +
        `'-', and have at most ${max} characters`;

/** Shipyard task names become one segment of an event type, so no dots. */
export const taskName: Rule = (v) =>
  KEPTN_NAME.test(v) && v.length <= 43 && !v.endsWith('-')
    ? undefined
    : "must start with a lowercase letter and contain only lowercase letters, digits and '-' (at most 43 characters)";

const SEGMENT = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

// Keptn's event vocabulary, the one place that reads an event type's parts:
// sh.keptn.event.<task>.<phase> for a task, sh.keptn.event.<stage>.<sequence>.<phase> for a sequence.
const EVENT_PREFIX = 'sh.keptn.event.';

/** An event type without `sh.keptn.event.`: `evaluation.finished`, for file names and labels. */
export const shortType = (type: string) => (type.startsWith(EVENT_PREFIX) ? type.slice(EVENT_PREFIX.length) : type);

/**
 * A Keptn event type: `sh.keptn.event.` then dot-separated segments, the last of them a phase Keptn
 * sends (KEPTN_PHASES). NATS wildcards (`*` for one segment, a final `>` for the rest) only when
 * `wildcards` is true; a wildcard stands for a phase too.
 */
export const eventType =
  (wildcards: boolean): Rule =>
  (v) => {
    const rule = wildcards
      ? "must be 'sh.keptn.event.<task>.<phase>' of lowercase segments (a segment may be '*', a last segment " +
        "'>'), or 'sh.keptn.event.>' or 'sh.keptn.>'"
      : "must be 'sh.keptn.event.<task>.<phase>' of lowercase letters, digits and '-' (no wildcards)";
    if (wildcards && (v === 'sh.keptn.>' || v === 'sh.keptn.event.>')) return undefined;
    if (!v.startsWith(EVENT_PREFIX)) return rule;
    const segs = shortType(v).split('.');
    if (segs.length < 2) return rule;
    const ok = segs.every((s, i) => SEGMENT.test(s) || (wildcards && (s === '*' || (s === '>' && i === segs.length - 1))));
    if (!ok) return rule;
    return phaseOf(segs) === undefined
      ? `must end in a phase Keptn sends: ${KEPTN_PHASES.join(', ')}${wildcards ? " (or a wildcard, '*' or '>')" : ''}`
      : undefined;
  };

/** The phase the segments after `sh.keptn.event.` end in (a wildcard counts as one), else undefined. */
function phaseOf(segs: string[]): string | undefined {
  const last = segs.at(-1)!;
  if (last === '>' || last === '*') return last;
  const two = segs.slice(-2).join('.');
  if (segs.length >= 3 && KEPTN_PHASES.includes(two)) return two;
  if (segs.length >= 3 && segs.at(-2) === 'status' && last === '*') return two;
  return KEPTN_PHASES.includes(last) && last !== 'status.changed' ? last : undefined;
}

/** An event type's phase and what comes before it: `sh.keptn.event.dev.delivery.finished` → dev.delivery, finished. */
export function partsOf(type: string): { subject: string; phase: string | undefined } {
  const segs = shortType(type).split('.');
  const phase = phaseOf(segs);
  return { subject: segs.slice(0, phase === undefined ? segs.length : segs.length - phase.split('.').length).join('.'), phase };
}

/** The same task or sequence in another phase: (`sh.keptn.event.test.finished`, `started`) → `sh.keptn.event.test.started`. */
export const withPhase = (type: string, phase: string) => `${EVENT_PREFIX}${partsOf(type).subject}.${phase}`;

/** `sh.keptn.event.<task>.<phase>` → `<task>` (any phase, a wildcard one too); undefined for sequence events and others. */
export function taskNamed(type: string): string | undefined {
  const segs = shortType(type).split('.');
  const phase = phaseOf(segs);
  const rest = phase === undefined ? [] : segs.slice(0, segs.length - phase.split('.').length);
  return rest.length === 1 && rest[0] !== '*' ? rest[0] : undefined;
}

/** The tasks event types name (taskNamed), each once, in the order given. */
export const tasksNamed = (types: string[]) => [...new Set(types.map(taskNamed).filter((t): t is string => t !== undefined))];

/**
 * The edit distance of two short strings: insertions, deletions, substitutions (Levenshtein) and
 * swaps of two neighbours, the commonest typo, counted as one edit (optimal string alignment).
 */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * A warning when `task` is not one of Keptn's built-in tasks but within two edits of one: most
 * likely a typo, and a task no Keptn service runs. Within one edit, starting with the same
 * letter, of the short `test`, so that `jest` or `best` is not taken for it.
 */
export function nearBuiltinTask(task: string): string | undefined {
  if (KEPTN_TASKS.includes(task)) return undefined;
  const near = KEPTN_TASKS.find((t) => {
    const d = editDistance(task, t);
    return t.length < 6 ? d <= 1 && task[0] === t[0] : d <= 2;
  });
  return near && `task "${task}" is close to Keptn's built-in "${near}" (a typo?): no Keptn service runs or answers a task "${task}"`;
}

/** Warnings for a list of event types: task names close to built-in ones (nearBuiltinTask), but `except`. */
export function eventTypeWarnings(types: string[], except?: string): string[] {
  return types.flatMap((type) => {
    const task = taskNamed(type);
    const near = task === undefined || task === except ? undefined : nearBuiltinTask(task);
    return near ? [`${type}: ${near}`] : [];
  });
}

/**
 * A type that both subscriptions match (NATS subjects: `*` one token, a last `>` one or more), or
 * undefined when no event matches both.
 */
export function commonMatch(a: string, b: string): string | undefined {
  const x = a.split('.');
  const y = b.split('.');
  const tokens: string[] = [];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [s, t] = [x[i], y[i]];
    if (s === '>' || t === '>') {
      const rest = (s === '>' ? y : x).slice(i);
      if (rest.length === 0) return undefined;
      tokens.push(...rest);
      break;
    }
    if (s === undefined || t === undefined || (s !== '*' && t !== '*' && s !== t)) return undefined;
    tokens.push(s === '*' ? t : s);
  }
  // Wildcards left over stand for a task (`test`), a sequence (`delivery`) or a phase (`finished`).
  const concrete = tokens.flatMap((tok, i) =>
    tok === '>'
      ? ['event', 'test', 'finished'].slice(Math.min(2, Math.max(0, i - 2)))
      : tok === '*'
        ? [i === tokens.length - 1 ? 'finished' : i === 3 ? 'test' : 'delivery']
        : [tok],
  );
  return concrete.join('.');
}

/** Pairs of subscriptions in the list that match some event alike, each with such an event. */
export function overlappingSubscriptions(types: string[]): [string, string, string][] {
  const pairs: [string, string, string][] = [];
  types.forEach((a, i) =>
    types.slice(i + 1).forEach((b) => {
      const both = a === b ? undefined : commonMatch(a, b);
      if (both) pairs.push([a, b, both]);
    }),
  );
  return pairs;
}

/**
 * An endpoint Keptn's webhook-service may call: https, no credentials, nothing its checks refuse
 * (webhook-service/lib/curl_executor.go and lib/common.go at 0.10.0–1.4.5: the characters
 * $ | ; > ` and " &", and the words kubernetes, localhost, 127.0.0.1, ::1, cluster.local anywhere
 * in the request), no quotes (requests are single-quoted curl arguments) and no template syntax.
 * `originOnly`: scheme, host and port, the rest of a secret URL going into a Keptn secret.
 */
export const endpointRule =
  (origin?: string): Rule =>
  (v) => {
    // An origin only (a notification's incoming webhook), or any https URL (a task's call).
    const example = origin ?? 'https://ci.example.com/job/deploy';
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      return `must be an https URL, e.g. ${example}`;
    }
    if (url.protocol !== 'https:') return `must be an https URL, e.g. ${example}`;
    if (url.username || url.password) return 'must not carry credentials: they go into a Keptn secret';
    if (/[\s'"`$|;>{}\\]| &/.test(v))
      return 'must not contain spaces, quotes, { }, \\ or any of $ | ; > ` (the webhook-service refuses them)';
    const denied = ['kubernetes', 'localhost', '127.0.0.1', '::1', 'cluster.local'].find((w) => v.includes(w));
    if (denied) return `must not contain "${denied}": the webhook-service refuses such requests`;
    if ([...url.searchParams.keys()].some((k) => /^(token|access_token|sig|signature|key|api_?key|secret|password|code|auth)$/i.test(k))) {
      return 'must not carry a secret in its query: it would be written into webhook.yaml; the token goes into the Keptn secret';
    }
    if (origin && (url.pathname !== '/' || url.search || url.hash || v.endsWith('/'))) {
      return (
        `must be only the scheme and host (e.g. ${url.origin}): the rest of the webhook URL holds its secret ` +
        `and goes into a Keptn secret`
      );
    }
    return undefined;
  };

/** `<task>` → `sh.keptn.event.<task>.triggered`, the event Keptn starts a task with. */
export const taskTrigger = (task: string) => `${EVENT_PREFIX}${task}.triggered`;

/** Is the event type a NATS wildcard subscription (a `*` or `>` segment)? */
export const isWildcard = (type: string) => /(^|\.)(\*|>)(\.|$)/.test(type);

/** `sh.keptn.event.<task>.triggered` → `<task>`; undefined for any other type (or a wildcard). */
export function taskOf(type: string): string | undefined {
  return /^sh\.keptn\.event\.([a-z0-9-]+)\.triggered$/.exec(type)?.[1];
}

/** An image repository without tag or digest, e.g. ghcr.io/acme/my-tests. */
export const imageRepository: Rule = (v) =>
  /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(v) && v.length <= 255
    ? undefined
    : "must be an image repository without tag, e.g. 'ghcr.io/acme/my-tests' (lowercase; registry host optional)";

/** Free text (a description): one line of printable characters. Escaped wherever it is written. */
export const freeText =
  (max: number): Rule =>
  (v) =>
    // eslint-disable-next-line no-control-regex
    v.trim() !== '' && v.length <= max && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(v)
      ? undefined
      : `must be one line of 1 to ${max} printable characters (no control characters or line breaks)`;

/**
 * What YAML reads a plain (unquoted) scalar as, when not as a string: YAML 1.1 (Helm's and
 * Kubernetes' Go YAML, which also takes 1.2's floats) and YAML 1.2's core schema. Names are written
 * into Chart.yaml, shipyard.yaml and the manifests unquoted, so `true` would become a boolean there.
 * test/unit/answers.test.ts checks this against the yaml package's own reading in both versions.
 */
export function yamlReading(v: string): string | undefined {
  if (/^(~|null|Null|NULL)$/.test(v) || v === '') return 'null';
  if (/^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/.test(v)) return 'a boolean (YAML 1.1)';
  if (/^(true|True|TRUE|false|False|FALSE)$/.test(v)) return 'a boolean';
  if (/^[-+]?(\.(inf|Inf|INF)|[0-9]+)$/.test(v) || /^\.(nan|NaN|NAN)$/.test(v) || /^0o[0-7]+$/.test(v) || /^0x[0-9a-fA-F]+$/.test(v))
    return 'a number';
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(v)) return 'a number';
  // YAML 1.1's own, as the yaml package reads it (looser than the spec: `e3` and `009` are
  // numbers there): binary, octal, decimal and hexadecimal with '_', sexagesimal, floats.
  if (/^[-+]?(0b[01_]+|0[0-7_]+|[0-9][0-9_]*|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])+)$/.test(v)) return 'a number (YAML 1.1)';
  if (/^[-+]?(([0-9][0-9_]*)?(\.[0-9_]*)?[eE][-+]?[0-9]+|([0-9][0-9_]*)?\.[0-9_]*|[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*)$/.test(v))
    return 'a number (YAML 1.1)';
  if (
    /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$/.test(v) ||
    /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?$/.test(v)
  )
    return 'a date (YAML 1.1)';
  if (v === '<<') return 'a merge key (YAML 1.1)';
  return undefined;
}

/** A name written into YAML unquoted: the `rule` of its characters, and read by YAML as text. */
export const yamlName =
  (rule: Rule): Rule =>
  (v) => {
    const broken = rule(v);
    if (broken) return broken;
    const reading = yamlReading(v);
    return (
      reading &&
      `YAML reads it as ${reading}, not as a name: Chart.yaml, the shipyard and the manifests would carry that instead; choose another`
    );
  };

/**
 * Text that YAML and JSON can carry: well-formed UTF-16 (a lone surrogate, half of a pair, is
 * written by JSON as an escape that Go decodes to U+FFFD and YAML 1.2 refuses), and neither U+FFFE
 * nor U+FFFF (outside YAML's printable characters). Checked for every answer.
 */
export const carriable: Rule = (v) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v)
    ? 'holds a lone surrogate (half of a UTF-16 pair, e.g. \\ud800), which neither YAML nor JSON can carry'
    : /[\uFFFE\uFFFF]/.test(v)
      ? 'holds U+FFFE or U+FFFF, which YAML cannot carry'
      : undefined;

/**
 * The integration's name is its Deployment's (the chart's K8S_DEPLOYMENT_NAME), and the distributor
 * never registers a Deployment named like one of Keptn's own services (KEPTN_OWN_SERVICES): a remote
 * execution plane then receives nothing. Refused at every release, so a project can move between them.
 */
export const notKeptnService: Rule = (v) => {
  const own = KEPTN_OWN_SERVICES.find((s) => s.name === v);
  return (
    own &&
    `is one of Keptn's own services: the distributor (Keptn ${own.releases}) does not register an ` +
      `integration of that name with Keptn's control plane, so a remote execution plane would receive no ` +
      `event; choose another`
  );
};

export const oneOf =
  (values: readonly string[]): Rule =>
  (v) =>
    values.includes(v) ? undefined : `must be one of: ${values.join(', ')}`;

/** An answer picked from a list: the prompt's choices and the rule come from the same entries. */
export const pick = (list: (a: Answers) => Choice[]) => ({ choices: list, rule: (a: Answers) => oneOf(list(a).map((c) => c.value)) });

/** Split a comma-separated answer ("a, b,,c" → ["a", "b", "c"]). */
export function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

// Validation rules shared by flags, prompts and answers files.
// A rule returns undefined when the value is fine, else a short statement of the rule it breaks.

export type Rule = (value: string) => string | undefined;

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const KEPTN_NAME = /^[a-z][a-z0-9-]*$/;

export const dnsLabel =
  (max: number): Rule =>
  (v) =>
    DNS_LABEL.test(v) && v.length <= max
      ? undefined
      : `must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${max} characters`;

/** Keptn project, stage and service names (Keptn's rule; stages and services at most 43 characters in 1.0). */
export const keptnName =
  (max: number): Rule =>
  (v) =>
    KEPTN_NAME.test(v) && v.length <= max && !v.endsWith('-')
      ? undefined
      : `must start with a lowercase letter, contain only lowercase letters, digits and '-', not end with '-', and have at most ${max} characters`;

/** Shipyard task names become one segment of an event type, so no dots. */
export const taskName: Rule = (v) =>
  KEPTN_NAME.test(v) && v.length <= 43 && !v.endsWith('-')
    ? undefined
    : "must start with a lowercase letter and contain only lowercase letters, digits and '-' (at most 43 characters)";

const SEGMENT = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * A Keptn event type: `sh.keptn.event.` then dot-separated segments. NATS wildcards (`*` for one
 * segment, a final `>` for the rest) only when `wildcards` is true.
 */
export const eventType =
  (wildcards: boolean): Rule =>
  (v) => {
    const rule = wildcards
      ? "must be 'sh.keptn.event.<task>.<phase>' of lowercase segments (a segment may be '*', a last segment '>'), or 'sh.keptn.>'"
      : "must be 'sh.keptn.event.<task>.<phase>' of lowercase letters, digits and '-' (no wildcards)";
    if (wildcards && v === 'sh.keptn.>') return undefined;
    if (!v.startsWith('sh.keptn.event.')) return rule;
    const segs = v.slice('sh.keptn.event.'.length).split('.');
    if (segs.length < 2) return rule;
    const ok = segs.every(
      (s, i) => SEGMENT.test(s) || (wildcards && (s === '*' || (s === '>' && i === segs.length - 1))),
    );
    return ok ? undefined : rule;
  };

/**
 * An endpoint Keptn's webhook-service may call: https, no credentials, nothing its checks refuse
 * (webhook-service/lib/curl_executor.go and lib/common.go at 0.10.0–1.4.5: the characters
 * $ | ; > ` and " &", and the words kubernetes, localhost, 127.0.0.1, ::1, cluster.local anywhere
 * in the request), no quotes (requests are single-quoted curl arguments) and no template syntax.
 * `originOnly`: scheme, host and port, the rest of a secret URL going into a Keptn secret.
 */
export const endpointRule =
  (originOnly: boolean): Rule =>
  (v) => {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      return 'must be an https URL, e.g. https://ci.example.com/job/deploy';
    }
    if (url.protocol !== 'https:') return 'must be an https URL, e.g. https://ci.example.com/job/deploy';
    if (url.username || url.password) return 'must not carry credentials: they go into a Keptn secret';
    if (/[\s'"`$|;>{}\\]| &/.test(v)) return "must not contain spaces, quotes, { }, \\ or any of $ | ; > ` (the webhook-service refuses them)";
    const denied = ['kubernetes', 'localhost', '127.0.0.1', '::1', 'cluster.local'].find((w) => v.includes(w));
    if (denied) return `must not contain "${denied}": the webhook-service refuses such requests`;
    if ([...url.searchParams.keys()].some((k) => /^(token|access_token|sig|signature|key|api_?key|secret|password|code|auth)$/i.test(k))) {
      return 'must not carry a secret in its query: it would be written into webhook.yaml; the token goes into the Keptn secret';
    }
    if (originOnly && (url.pathname !== '/' || url.search || url.hash || v.endsWith('/'))) {
      return `must be only the scheme and host (e.g. ${url.origin}): the rest of the webhook URL holds its secret and goes into a Keptn secret`;
    }
    return undefined;
  };

/** `<task>` → `sh.keptn.event.<task>.triggered`, the event Keptn starts a task with. */
export const taskTrigger = (task: string) => `sh.keptn.event.${task}.triggered`;

/** Is the event type a NATS wildcard subscription (a `*` or `>` segment)? */
export const isWildcard = (type: string) => /(^|\.)(\*|>)(\.|$)/.test(type);

/** `sh.keptn.event.<task>.triggered` → `<task>`; undefined for any other type (or a wildcard). */
export function taskOf(type: string): string | undefined {
  return /^sh\.keptn\.event\.([a-z0-9-]+)\.triggered$/.exec(type)?.[1];
}

/** An image repository without tag or digest, e.g. ghcr.io/acme/my-tests. */
export const imageRepository: Rule = (v) =>
  /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(v) &&
  v.length <= 255
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

export const oneOf =
  (values: readonly string[]): Rule =>
  (v) =>
    values.includes(v) ? undefined : `must be one of: ${values.join(', ')}`;

/** Split a comma-separated answer ("a, b,,c" → ["a", "b", "c"]). */
export function listOf(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

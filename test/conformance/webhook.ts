// Checks for a webhook-service definition (keptn/resources/webhook/webhook.yaml), held to the
// release of Keptn's webhook-service it targets: the file against that release's format, and every
// request of every webhook made, for real events, the way that release makes it: the URL checks,
// the curl string it builds (v1beta1), the Go template rendered by Go's own text/template
// (./webhook-render.ts), the denied characters and words, its own command-line parser, and then
// what the called endpoint would receive (valid JSON, the right URL and headers, the message).
//
// The webhook-service is modelled, not run: what each release does was read from its source
// (keptn/keptn at each tag; the comments cite TAG:path[:line], paths under webhook-service/ unless
// they name another folder, go-utils by its version). Go itself does what Go does: the templates
// and buildBetaCurlRequest's Sprintf run in Go (./webhook-render.ts). Whatever lies outside the
// model (an option, a request shape or a secret it does not know) is reported as a problem, never passed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import { parseDocument } from 'yaml';
import { compareVersions } from '../../src/version.js';
import type { Blueprint } from '../../src/blueprint.js';
import { uploadedUris } from './keptn-files.js';
import { CARD_VERSION, libraryProblems } from './teams.js';
import { familiesOf, strict } from './job-executor.js';
import { renderGoTemplates, type Rendered } from './webhook-render.js';

// ---------------------------------------------------------------------------------------------
// Releases and their families

/** The tags whose webhook-service source was read: the last release of every minor from 0.10. */
export const WEBHOOK_TAGS = [
  '0.10.0',
  '0.11.4',
  '0.12.7',
  '0.13.6',
  '0.14.3',
  '0.15.1',
  '0.16.2',
  '0.17.1',
  '0.18.2',
  '0.19.3',
  '1.0.0',
  '1.1.0',
  '1.2.0',
  '1.3.0',
  '1.4.5',
] as const;

export const ALPHA = 'webhookconfig.keptn.sh/v1alpha1';
export const BETA = 'webhookconfig.keptn.sh/v1beta1';
export type WebhookFormat = 'v1alpha1' | 'v1beta1';

/** What a release does that a webhook.yaml depends on; releases alike in all of it are one family. */
export interface WebhookTraits {
  /**
   * Requests as curl strings only (0.10.0:lib/webhook_config.go, `Requests []string`), or also as
   * {url, method, headers, payload, options} under apiVersion v1beta1 (0.15.1:lib/webhook_config.go,
   * `Requests []interface{}`; 1.4.5:lib/webhook_config.go:33,41-52).
   */
  beta: boolean;
  /** apiVersion must be v1alpha1 or v1beta1, else the file is invalid (1.4.5:lib/webhook_config.go:60-61,74-76; not before 0.16). */
  apiVersionChecked: boolean;
  /**
   * The file is validated: webhooks not empty, each with type, subscriptionID and a request
   * (0.12.7:lib/webhook_config.go:52; 1.4.5:lib/webhook_config.go:78-94). Before, a webhook without
   * them is accepted and simply never picked.
   */
  validated: boolean;
  /** `sendStarted` (*bool, absent = true) exists (0.13.6:lib/webhook_config.go:29,74-79); before, the key is ignored. */
  sendStarted: boolean;
  /**
   * Errored .finished events go only to `.triggered` events (0.11.4:handler/handler.go:154;
   * 1.4.5:handler/handler.go sendFinishedEvent); 0.10.0 sends them for any event it fails on
   * (0.10.0:handler/handler.go getErrorCallbackForWebhookConfig).
   */
  finishedOnlyForTriggered: boolean;
  /**
   * The words no request may contain: `kube-port`, the Kubernetes API as host:port only
   * (0.10.0:main.go:29-36); `alpha`, + kubernetes[.default[.svc[.cluster.local]]], localhost,
   * 127.0.0.1, ::1 and the API's IP (0.12.7:lib/curl_executor.go:264; 0.15.1:lib/common.go:28 and the
   * keptn-webhook-config ConfigMap, 0.15.1:installer/manifests/keptn/charts/control-plane/templates/webhook-service.yaml:111-129);
   * `cluster`, + svc.cluster.local and cluster.local (1.4.5:lib/common.go:30-60;
   * 1.4.5:installer/manifests/keptn/templates/webhook-service.yaml:96-110).
   */
  deniedWords: 'kube-port' | 'alpha' | 'cluster';
  /**
   * When the words are checked: on the rendered command, inside Curl (0.10.0:lib/curl_executor.go:148-155,
   * 0.12.7:lib/curl_executor.go:143,153), or on the request before it is rendered: the whole
   * v1alpha1 string (0.15.1:handler/handler.go:259-268; 1.4.5:handler/handler.go:285-294), only the
   * URL of a v1beta1 request (1.4.5:lib/request_validator.go:25-45).
   */
  wordsChecked: 'rendered' | 'template';
  /** `\` is removed before the words are looked for (0.12.7:lib/curl_executor.go:153); 0.10.0 looks at the raw string. */
  wordsUnescaped: boolean;
  /** The argument after -d/--data must not start with `@` (0.12.7:lib/curl_executor.go; 1.4.5:lib/curl_executor.go:144-148). */
  atCheck: boolean;
  /** Empty arguments are dropped (deleteEmpty, 0.12.7:lib/curl_executor.go:294); before, `''` is an argument. */
  dropEmptyArgs: boolean;
  /** A v1beta1 URL whose host does not resolve fails the request (0.16.2:lib/ip_resolver.go:36,42; 0.15.1 only logs it, 0.15.1:lib/ip_resolver.go:34-44). */
  dnsFatal: boolean;
  /** The event map has `gitcommitid` (go-utils v0.13.0:pkg/api/models/keptn_context_extended_c_e.go; 0.13.6:webhook-service/go.mod). */
  gitcommitid: boolean;
  /** Responses in .finished are JSON-decoded when they are an object (0.19.3:handler/handler.go:233). */
  jsonResponses: boolean;
}

const traitsOf = (tag: string): WebhookTraits => {
  const from = (since: string) => compareVersions(tag, since) >= 0;
  return {
    beta: from('0.15.0'),
    apiVersionChecked: from('0.16.0'),
    validated: from('0.12.0'),
    sendStarted: from('0.13.0'),
    finishedOnlyForTriggered: from('0.11.0'),
    deniedWords: from('0.16.0') ? 'cluster' : from('0.12.0') ? 'alpha' : 'kube-port',
    wordsChecked: from('0.15.0') ? 'template' : 'rendered',
    wordsUnescaped: from('0.12.0'),
    atCheck: from('0.12.0'),
    dropEmptyArgs: from('0.12.0'),
    dnsFatal: from('0.16.0'),
    gitcommitid: from('0.13.0'),
    jsonResponses: from('0.19.0'),
  };
};

export interface WebhookFamily extends WebhookTraits {
  /** `0.16.2–0.18.2`: the first and last tag of the family. */
  name: string;
  tags: string[];
}

/** The tags grouped where every trait is the same: 0.10.0 | 0.11.4 | 0.12.7 | 0.13.6–0.14.3 | 0.15.1 | 0.16.2–0.18.2 | 0.19.3–1.4.5. */
export const WEBHOOK_FAMILIES: readonly WebhookFamily[] = familiesOf(WEBHOOK_TAGS, traitsOf);

/** The family of a Keptn release; throws for one whose webhook-service source was not read. */
export function webhookFamily(release: string): WebhookFamily {
  const family = WEBHOOK_FAMILIES.find((f) => f.tags.includes(release));
  if (!family)
    throw new Error(`Keptn ${release}'s webhook-service is not modelled: its source was not read (known: ${WEBHOOK_TAGS.join(', ')})`);
  return family;
}

/** The format a family reads a file in: only v1beta1 is decoded as request objects, and only from 0.15 (1.4.5:lib/webhook_config.go:96-100). */
export const formatOf = (family: WebhookFamily, apiVersion: unknown): WebhookFormat =>
  family.beta && apiVersion === BETA ? 'v1beta1' : 'v1alpha1';

// ---------------------------------------------------------------------------------------------
// The config format

const str = { type: 'string' };
const nonEmpty = { type: 'string', minLength: 1 };
const bool = { type: 'boolean' };

/**
 * webhook.yaml as a family reads it. Every tag decodes it with yaml.v3's Unmarshal, which is not
 * strict: a field the release does not know is dropped without a word (0.10.0:lib/webhook_config.go:41-48;
 * 1.4.5:lib/webhook_config.go:67-103), which is exactly how a mistake hides, so here it is a problem.
 * Stricter than the service on purpose: type and subscriptionID are required in every release
 * (0.10.0 and 0.11.4 do not check them, but a webhook without a subscriptionID is never picked),
 * apiVersion is the one format the release has (0.10–0.14 do not read it), keys are spelt as the
 * yaml tags (mapstructure would also take `URL`), and an env name must be usable as {{.env.<name>}}.
 */
export function webhookConfigSchema(family: WebhookFamily, format: WebhookFormat): object {
  const request =
    format === 'v1beta1'
      ? strict(
          {
            url: nonEmpty,
            // 1.4.5:lib/webhook_config.go:63,118-137: only these four, case-sensitive.
            method: { enum: ['POST', 'PUT', 'GET', 'HEAD'] },
            headers: { type: 'array', items: strict({ key: nonEmpty, value: nonEmpty }, ['key', 'value']) },
            // A YAML mapping here fails mapstructure silently (1.4.5:lib/webhook_config.go ConvertToRequest).
            payload: str,
            options: str,
          },
          ['url', 'method'],
        )
      : nonEmpty;
  const webhook = strict(
    {
      type: { type: 'string', pattern: '^sh\\.keptn\\.event\\.[a-z0-9-]+\\.[a-z]+$' },
      subscriptionID: nonEmpty,
      sendFinished: bool,
      ...(family.sendStarted ? { sendStarted: bool } : {}),
      envFrom: {
        type: 'array',
        items: strict(
          {
            name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
            secretRef: strict({ name: nonEmpty, key: nonEmpty }, ['name', 'key']),
          },
          ['name', 'secretRef'],
        ),
      },
      requests: { type: 'array', minItems: 1, items: request },
    },
    ['type', 'subscriptionID', 'requests'],
  );
  return strict(
    {
      apiVersion: { enum: family.beta ? [ALPHA, BETA] : [ALPHA] },
      kind: { enum: ['WebhookConfig'] },
      metadata: strict({ name: str }),
      spec: strict({ webhooks: { type: 'array', minItems: 1, items: webhook } }, ['webhooks']),
    },
    ['apiVersion', 'kind', 'spec'],
  );
}

const validators = new Map<string, ValidateFunction>();

interface AjvError {
  instancePath: string;
  message?: string;
  keyword: string;
  params?: Record<string, unknown>;
}

/** What the release's decoder (or a rule above) has against a parsed webhook.yaml. */
export function webhookConfigProblems(config: unknown, family: WebhookFamily): string[] {
  const format = formatOf(family, (config as any)?.apiVersion);
  const key = `${family.name}\0${format}`;
  const validate = validators.get(key) ?? new Ajv({ allErrors: true, strict: false }).compile(webhookConfigSchema(family, format));
  validators.set(key, validate);
  if (validate(config)) return [];
  const wh = `webhook-service ${family.name}`;
  return (validate.errors as AjvError[]).map((e) => {
    let why = '';
    const unknown = e.params && 'additionalProperty' in e.params ? String(e.params.additionalProperty) : undefined;
    if (unknown === 'sendStarted')
      why = `: sendStarted (unknown to ${wh}, which ignores it: before Keptn 0.13 a .triggered event always gets .started, 0.13.6:lib/webhook_config.go:29)`;
    else if (unknown)
      why = `: ${unknown} (unknown to ${wh}, whose yaml.v3 Unmarshal drops it without a word: the setting has no effect, 1.4.5:lib/webhook_config.go:67-103)`;
    else if (/\/requests\/\d+$/.test(e.instancePath) && e.keyword === 'type' && !family.beta) {
      why = ` (${wh} decodes requests as []string: a mapping fails yaml.v3, and the whole file is skipped as if there were none, 0.10.0:lib/webhook_config.go:41-48)`;
    } else if (/\/requests\/\d+$/.test(e.instancePath) && e.keyword === 'type') {
      why = ` (${wh}: under ${format} each request is ${format === 'v1beta1' ? '{url, method, headers, payload, options}' : 'a curl string'}, 1.4.5:lib/webhook_config.go:33,96-100)`;
    } else if (e.instancePath === '/apiVersion' && !family.beta)
      why = ` (${wh} has only v1alpha1, curl strings; v1beta1 came with 0.15.1:lib/webhook_config.go)`;
    else if (e.instancePath === '/apiVersion' && family.apiVersionChecked)
      why = ` (${wh} rejects the file, 1.4.5:lib/webhook_config.go:74-76)`;
    return `webhook.yaml${e.instancePath} ${e.message}${why}`;
  });
}

/** webhook.yaml parsed as yaml.v3 reads it (YAML 1.2; a repeated key is an error). */
export function parseWebhookConfig(text: string): { config: unknown; problems: string[] } {
  const doc = parseDocument(text, { uniqueKeys: true });
  return { config: doc.toJS(), problems: doc.errors.map((e) => `webhook.yaml does not parse: ${e.message}`) };
}

export interface WebhookRequest {
  url: string;
  method: string;
  headers?: { key: string; value: string }[];
  payload?: string;
  options?: string;
}
export interface WebhookEntry {
  type: string;
  subscriptionID: string;
  sendFinished?: boolean;
  sendStarted?: boolean;
  envFrom?: { name: string; secretRef: { name: string; key: string } }[];
  requests: (string | WebhookRequest)[];
}
export interface WebhookConfig {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
  spec: { webhooks: WebhookEntry[] };
}

// ---------------------------------------------------------------------------------------------
// Events

/** A Keptn CloudEvent as JSON (the spec's examples). */
export type CloudEventJson = Record<string, any> & { type: string; data?: any };

/** The webhook-service pod's env that its deny list reads (KUBERNETES_SERVICE_HOST/PORT of a typical cluster). */
export const POD_ENV = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

/**
 * Why the service drops an event before any webhook is looked up, or undefined. data must decode
 * into go-utils' EventData (project, stage, service, status, result, message strings; labels a
 * string map) and carry project, stage and service, else Execute fails with "could not parse
 * incoming event" and nothing is sent back (0.10.0:lib/eventmod.go; 1.4.5:lib/eventmod.go:34,
 * go-utils v0.20.4:pkg/lib/v0_2_0/events.go:311-319,355).
 */
export function eventRefusal(event: CloudEventJson): string | undefined {
  const data = event.data;
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data)))
    return 'could not decode incoming event payload: data is not an object';
  const d = data ?? {};
  for (const field of ['project', 'stage', 'service', 'status', 'result', 'message']) {
    if (d[field] !== undefined && d[field] !== null && typeof d[field] !== 'string')
      return `could not decode incoming event payload: data.${field} is a ${typeof d[field]}, EventData.${field} a string`;
  }
  if (d.labels !== undefined && d.labels !== null) {
    if (typeof d.labels !== 'object' || Array.isArray(d.labels))
      return 'could not decode incoming event payload: data.labels is not a string map';
    const bad = Object.entries(d.labels).find(([, v]) => v !== null && typeof v !== 'string');
    if (bad) return `could not decode incoming event payload: label ${bad[0]} is not a string`;
  }
  if (!d.project || !d.stage || !d.service) return 'project, stage and service must be present in the event data';
  return undefined;
}

/** The subscription id the distributor (or go-utils' SDK) puts into the event (1.4.5:lib/eventmod.go:71). */
export const withSubscription = (event: CloudEventJson, subscriptionID: string): CloudEventJson => ({
  ...event,
  data: { ...(event.data ?? {}), temporaryData: { ...(event.data?.temporaryData ?? {}), distributor: { subscriptionID } } },
});

/**
 * What templates see (without .env): the event through go-utils' KeptnContextExtendedCE and back
 * to a map (1.4.5:lib/eventmod.go:38): its json tags only (a field such as datacontenttype is gone),
 * the omitempty ones only when set (so .triggeredid is missing on a .triggered event), and data,
 * source, type and time always (time the zero time when the event has none). gitcommitid from
 * go-utils v0.13.0 on.
 */
export function eventMap(family: WebhookFamily, event: CloudEventJson): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') map[key] = value;
  };
  set('contenttype', event.contenttype);
  map.data = event.data ?? null;
  set('extensions', event.extensions);
  set('id', event.id);
  set('shkeptncontext', event.shkeptncontext);
  set('shkeptnspecversion', event.shkeptnspecversion);
  map.source = event.source ?? null;
  set('specversion', event.specversion);
  map.time = event.time ?? '0001-01-01T00:00:00Z';
  set('triggeredid', event.triggeredid);
  if (family.gitcommitid) set('gitcommitid', event.gitcommitid);
  map.type = event.type;
  return map;
}

const isTaskTrigger = (type: string) => /^sh\.keptn\.event\.[^.]+\.triggered$/.test(type);

/**
 * The events the service sends back for an event its webhook handles: .started before the
 * requests, only for a .triggered event, one or one per request, none with sendStarted false from
 * 0.13 (1.4.5:handler/handler.go:176-202); after success one .finished with sendFinished; after a
 * failure errored .finished events, one or one per request not made (1.4.5:handler/handler.go:127-156,
 * 166-174), only to a .triggered event from 0.11 (0.11.4:handler/handler.go:154). 0.10.0 answers any
 * event it fails on, a non-triggered one with a type of its own making: its SDK appends `.finished`
 * to whatever the type is (sh.keptn.event.evaluation.finished.finished, 0.10.0:go-sdk/pkg/sdk/keptn.go:248).
 */
export function answersTo(
  family: WebhookFamily,
  webhook: Pick<WebhookEntry, 'sendFinished' | 'sendStarted' | 'requests'>,
  type: string,
  outcome: 'succeeded' | 'failed',
): { started: number; finished: number } {
  const triggered = isTaskTrigger(type);
  const perRequest = webhook.sendFinished ? 1 : webhook.requests.length;
  const startedOff = family.sendStarted && webhook.sendStarted === false;
  const started = triggered && !startedOff ? perRequest : 0;
  if (outcome === 'succeeded') return { started, finished: triggered && webhook.sendFinished ? 1 : 0 };
  return { started, finished: triggered || !family.finishedOnlyForTriggered ? perRequest : 0 };
}

// ---------------------------------------------------------------------------------------------
// Requests

/** The words no request may contain, for this pod's env (see WebhookTraits.deniedWords). */
export function deniedWords(family: WebhookFamily): string[] {
  const { KUBERNETES_SERVICE_HOST: ip, KUBERNETES_SERVICE_PORT: port } = POD_ENV;
  if (family.deniedWords === 'kube-port')
    return [`${ip}:${port}`, ...['kubernetes', 'kubernetes.default', 'kubernetes.default.svc.cluster.local'].map((h) => `${h}:${port}`)];
  const words = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
  if (family.deniedWords === 'cluster') words.push('svc.cluster.local', 'cluster.local');
  words.push(
    'localhost',
    '127.0.0.1',
    '::1',
    ip,
    ...['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'].map((h) => `${h}:${port}`),
    `${ip}:${port}`,
  );
  return words;
}

/** Characters refused anywhere in the rendered command, quotes and payload included (0.10.0:lib/curl_executor.go:89; 1.4.5:lib/curl_executor.go:82). */
export const DENIED_CHARACTERS = ['$', '|', ';', '>', '$(', ' &', '&&', '`', '/var/run'];
/** Options refused as the prefix of any argument, values included (1.4.5:lib/curl_executor.go:83,136-142). */
export const DENIED_OPTIONS = ['-o', '--output', '-F', '--form', '-T', '--upload-file', '-K', '--config'];

/** The webhook-service's own error for a request: it is not made, and the event gets what answersTo says for a failure. */
export class ServiceError extends Error {}

const utf8Latin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

/**
 * parseCommandLine (0.10.0 and 1.4.5:lib/curl_executor.go:173-235): spaces and tabs separate (not
 * newlines); ' and " quote up to the same character, with no escapes inside; outside quotes `\`
 * takes the next character; the very first character is taken as it is. It walks the command's
 * bytes and appends `string(c)` for each, which in Go makes a byte into the rune of that number:
 * every byte of a non-ASCII character becomes a character of its own (ü arrives as Ã¼). So the
 * arguments come back as strings whose characters are those runes.
 */
export function parseCommandLine(family: WebhookFamily, command: string): string[] {
  const bytes = utf8Latin1(command);
  const args: string[] = [];
  let state: 'start' | 'arg' | 'quotes' = 'start';
  let current = '';
  let quote = '"';
  let escapeNext = true;
  for (const c of bytes) {
    if (state === 'quotes') {
      if (c !== quote) current += c;
      else {
        args.push(current);
        current = '';
        state = 'start';
      }
      continue;
    }
    if (escapeNext) {
      current += c;
      escapeNext = false;
      continue;
    }
    if (c === '\\') {
      escapeNext = true;
      continue;
    }
    if (c === '"' || c === "'") {
      state = 'quotes';
      quote = c;
      continue;
    }
    if (state === 'arg') {
      if (c === ' ' || c === '\t') {
        args.push(current);
        current = '';
        state = 'start';
      } else current += c;
      continue;
    }
    if (c !== ' ' && c !== '\t') {
      state = 'arg';
      current += c;
    }
  }
  if (state === 'quotes') throw new ServiceError('could not parse curl command (unclosed quote in command)');
  if (current !== '') args.push(current);
  return family.dropEmptyArgs ? args.filter((a) => a !== '') : args;
}

/** The words check (see WebhookTraits.wordsChecked); the message is the family's. */
function checkWords(family: WebhookFamily, text: string): void {
  const seen = family.wordsUnescaped ? text.replaceAll('\\', '') : text;
  const word = deniedWords(family).find((w) => seen.includes(w));
  if (!word) return;
  if (family.wordsChecked === 'template')
    throw new ServiceError(`creating CURL request failed: curl command contains denied URL '${word}'`);
  throw new ServiceError(`curl command contains invalid URL ${word}`);
}

/**
 * CmdCurlExecutor.parseArgs (1.4.5:lib/curl_executor.go:106-171; the same steps at 0.10.0 and
 * 0.12.7 plus the words): denied characters, the parser, `curl` first, denied options (and `@`
 * after -d/--data from 0.12), the words where they are checked there, then --fail-with-body.
 * Returns the arguments curl gets, `curl` first.
 */
export function curlArgs(family: WebhookFamily, command: string): string[] {
  const first = command.split(' ');
  if (first.length === 1 && first[0] === '') throw new ServiceError('no command provided');
  const char = DENIED_CHARACTERS.find((c) => command.includes(c));
  if (char) throw new ServiceError(`curl command contains denied character '${char}'`);
  const args = parseCommandLine(family, command);
  if (first[0] !== 'curl') throw new ServiceError('only curl commands are allowed to be executed');
  args.forEach((arg, i) => {
    const option = DENIED_OPTIONS.find((o) => arg.startsWith(o));
    if (option) throw new ServiceError(`curl command contains invalid option '${option}'`);
    if (family.atCheck && (arg === '--data' || arg === '-d')) {
      // `len(args) >= i+1` always holds: a trailing -d indexes past the end and the service panics.
      if (i + 1 >= args.length)
        throw new ServiceError('runtime error: index out of range (the webhook-service panics on a trailing --data)');
      if (args[i + 1].startsWith('@')) throw new ServiceError('file uploads using @ in --data is not allowed');
    }
  });
  if (family.wordsChecked === 'rendered') checkWords(family, command);
  return args.includes('--fail-with-body') ? args : [...args, '--fail-with-body'];
}

/**
 * The v1beta1 URL as requestValidator.Validate sees it, before rendering (1.4.5:lib/request_validator.go:25-58):
 * `refusals` fail the request whatever the event (an empty URL; a denied word, GetDeniedURLs plus
 * the ConfigMap's list, 1.4.5:lib/denylist_provider.go:33-44; from 0.16 a URL whose host Go's
 * url.Parse or the DNS lookup cannot get, 0.16.2:lib/ip_resolver.go:36,42), `problems` are ours: a
 * host only 0.15.1 lets through (it only logs, 0.15.1:lib/ip_resolver.go:34-44), a scheme curl is
 * not meant to get, credentials. A template in the host, or a URL that is a template, is never a
 * host: `https://hooks.slack.com{{.env.path}}` is host `hooks.slack.com{{.env.path}}` to url.Parse,
 * `invalid character "{" in host name` (and after a port, `invalid port`). Resolving a literal host
 * is beyond this check: it must be public DNS.
 */
export function betaUrlCheck(family: WebhookFamily, url: string): { refusals: string[]; problems: string[] } {
  const refusals: string[] = [];
  const problems: string[] = [];
  const at = `webhook-service ${family.name}`;
  if (url === '') return { refusals: [`${at}: curl command contains empty URL (1.4.5:lib/request_validator.go:25-45)`], problems };
  const word = deniedWords(family).find((w) => url.includes(w));
  if (word)
    refusals.push(
      `${at}: creating CURL request failed: curl command contains denied URL '${word}' (checked on the URL before it is rendered, 1.4.5:lib/request_validator.go:25-45)`,
    );
  const hostless = (what: string) =>
    (family.dnsFatal ? refusals : problems).push(
      `${at}: ${what} before rendering, ${family.dnsFatal ? 'so the request fails (0.16.2:lib/ip_resolver.go:36,42)' : 'which 0.15.1 only logs (0.15.1:lib/ip_resolver.go:34-44) and every later release refuses'}`,
    );
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(url);
  if (!m) hostless(`${JSON.stringify(url)} has no literal scheme://host for the DNS check`);
  else {
    if (!/^https?$/.test(m[1])) problems.push(`${at}: the URL's scheme ${m[1]} is not http or https`);
    // Go's url.Parse: the authority runs to the first / ? or #; a port after the last `:` is digits
    // only ("invalid port"), and `{` is no host character ("invalid character").
    const host = m[2].replace(/^[^@]*@/, '');
    const colon = host.lastIndexOf(':');
    const port = colon >= 0 && !host.startsWith('[') ? host.slice(colon) : '';
    const error =
      port && !/^:\d*$/.test(port)
        ? `invalid port ${JSON.stringify(port)} after host`
        : /[{}]/.test(host)
          ? 'invalid character "{" in host name'
          : undefined;
    if (error) hostless(`the URL's host ${JSON.stringify(host)} holds a template: url.Parse gives '${error}'`);
    else if (host === '' || host.startsWith(':')) hostless('the URL has no host');
    if (m[2].includes('@')) problems.push(`${at}: the URL carries credentials (${m[2].split('@')[0]}@): they belong in a Keptn secret`);
  }
  return { refusals, problems };
}

/** betaUrlCheck's refusals and problems in one list. */
export const betaUrlProblems = (family: WebhookFamily, url: string) => {
  const { refusals, problems } = betaUrlCheck(family, url);
  return [...refusals, ...problems];
};

/** A Go string literal of any text, for a template action. */
const goString = (s: string) => JSON.stringify(s);

/**
 * buildBetaCurlRequest (0.15.1:handler/handler.go:270-290; 1.4.5:handler/handler.go:296-316) as one
 * Go template: the same fmt.Sprintf calls through text/template's printf, each using the string
 * built so far as its format, so a `%` in method, headers, payload or options is read as a verb
 * exactly as the service reads it.
 */
export function betaBuildTemplate(r: WebhookRequest): string {
  let expr = r.method ? `(printf "curl --request %s" ${goString(r.method)})` : '""';
  for (const h of r.headers ?? []) expr = `(printf (print ${expr} " --header '%s: %s'") ${goString(h.key)} ${goString(h.value)})`;
  if (r.payload) expr = `(printf (print ${expr} " --data '%s'") ${goString(r.payload)})`;
  if (r.options) expr = `(printf (print ${expr} " %s") ${goString(r.options)})`;
  if (r.url) expr = `(printf (print ${expr} " %s") ${goString(r.url)})`;
  return `{{${expr}}}`;
}

/** buildBetaCurlRequest had there been no Sprintf: what the request's author meant. */
export const betaMeant = (r: WebhookRequest) =>
  [
    r.method ? `curl --request ${r.method}` : '',
    ...(r.headers ?? []).map((h) => ` --header '${h.key}: ${h.value}'`),
    r.payload ? ` --data '${r.payload}'` : '',
    r.options ? ` ${r.options}` : '',
    r.url ? ` ${r.url}` : '',
  ].join('');

const renders = new Map<string, Promise<Record<string, Rendered>>>();

/** renderGoTemplates, each distinct (templates, event, env) once per test process. */
export function renderOnce(
  templates: Record<string, string>,
  event: object,
  env: Record<string, string>,
): Promise<Record<string, Rendered>> {
  const key = createHash('sha256')
    .update(JSON.stringify([templates, event, env]))
    .digest('hex');
  if (!renders.has(key)) renders.set(key, renderGoTemplates(templates, event, env));
  return renders.get(key)!;
}

/** One request of a webhook, ready for events: the curl template the service renders, or why it never gets that far. */
export interface PreparedRequest {
  /** `webhook 0 (sh.keptn.event.x.finished), request 0`. */
  where: string;
  /** The text the service renders: the v1alpha1 string, or the one buildBetaCurlRequest builds. */
  template?: string;
  /** What the service refuses before rendering, whatever the event. */
  refused?: string;
  /** Problems of the request as written (Sprintf, URL), for every event alike. */
  problems: string[];
  request: string | WebhookRequest;
}

/** Every request of every webhook as the family gets it ready (1.4.5:handler/handler.go CreateRequest). */
export async function prepareRequests(family: WebhookFamily, config: WebhookConfig): Promise<PreparedRequest[][]> {
  const format = formatOf(family, config.apiVersion);
  const at = `webhook-service ${family.name}`;
  const prepared = config.spec.webhooks.map((w, i) =>
    w.requests.map((request, j): PreparedRequest => ({ where: `webhook ${i} (${w.type}), request ${j}`, problems: [], request })),
  );
  const builds: Record<string, string> = {};
  for (const p of prepared.flat()) {
    const r = p.request;
    if (typeof r === 'string') {
      // v1alpha1: from 0.15 the words are checked on the string as written (1.4.5:handler/handler.go:285-294).
      if (family.wordsChecked === 'template') {
        try {
          checkWords(family, r);
        } catch (err) {
          p.refused = (err as Error).message;
        }
      }
      p.template = r;
      continue;
    }
    if (format !== 'v1beta1') {
      p.refused = `${at} decodes no request objects under ${config.apiVersion}`;
      continue;
    }
    const url = betaUrlCheck(family, r.url);
    if (url.refusals.length > 0) p.refused = url.refusals.join('; ');
    p.problems.push(...url.problems);
    builds[p.where] = betaBuildTemplate(r);
  }
  if (Object.keys(builds).length > 0) {
    const built = await renderOnce(builds, {}, {});
    for (const p of prepared.flat()) {
      const b = built[p.where];
      if (!b) continue;
      if (b.error) throw new Error(`building the v1beta1 curl string of ${p.where} failed in Go: ${b.error}`);
      p.template = b.output;
      // Only the URL comes last and is never a format; a % anywhere else is read as a verb.
      const r = p.request as WebhookRequest;
      const pct: string[] = (['method', 'payload', 'options'] as const).filter((f) => r[f]?.includes('%'));
      if ((r.headers ?? []).some((h) => `${h.key}${h.value}`.includes('%'))) pct.push('headers');
      if (pct.length > 0) {
        const meant = betaMeant(r);
        const changed =
          b.output === meant
            ? 'this time without harm, by luck of its position'
            : `it becomes ${JSON.stringify(b.output)}, not ${JSON.stringify(meant)}`;
        p.problems.push(
          `${at}: a % in the ${pct.join(', ')} as written is a format verb to buildBetaCurlRequest's fmt.Sprintf (1.4.5:handler/handler.go:296-316): ${changed}; write it as {{"\\x25"}}`,
        );
      }
    }
  }
  return prepared;
}

/** What one request does for one event: the rendered command, curl's arguments, or the service's error. */
export interface RequestRun {
  rendered?: string;
  args?: string[];
  error?: string;
}

/** The rendered command through the family's checks and parser (all of 1.4.5:handler/handler.go performWebhookRequests after CreateRequest). */
export function runRendered(family: WebhookFamily, rendered: Rendered): RequestRun {
  if (rendered.error) return { error: `could not parse request: ${rendered.error}` };
  try {
    return { rendered: rendered.output, args: curlArgs(family, rendered.output) };
  } catch (err) {
    if (err instanceof ServiceError) return { rendered: rendered.output, error: `could not execute request: ${err.message}` };
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// What the endpoint receives

/** curl options that take a value, as the generator may use them; any other option is outside the model. */
const VALUE_OPTIONS = new Set([
  '--request',
  '-X',
  '--header',
  '-H',
  '--data',
  '-d',
  '--max-time',
  '-m',
  '--connect-timeout',
  '--retry',
  '--retry-max-time',
  '--user-agent',
  '-A',
]);
const FLAG_OPTIONS = new Set([
  '--fail-with-body',
  '--fail',
  '-f',
  '--silent',
  '-s',
  '--show-error',
  '-S',
  '--location',
  '-L',
  '--insecure',
  '-k',
  '--compressed',
]);

export interface CurlCall {
  method?: string;
  headers: string[];
  data: string[];
  urls: string[];
  maxTime?: string;
  problems: string[];
}

/** curl's arguments as the call they make. */
export function curlCall(args: string[]): CurlCall {
  const call: CurlCall = { headers: [], data: [], urls: [], problems: [] };
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (VALUE_OPTIONS.has(a)) {
      const v = args[++i];
      if (v === undefined) {
        call.problems.push(`${a} has no value`);
        break;
      }
      if (a === '--request' || a === '-X') call.method = v;
      else if (a === '--header' || a === '-H') call.headers.push(v);
      else if (a === '--data' || a === '-d') call.data.push(v);
      else if (a === '--max-time' || a === '-m') call.maxTime = v;
    } else if (FLAG_OPTIONS.has(a)) continue;
    else if (a.startsWith('-')) call.problems.push(`curl option ${a} is outside the model`);
    else call.urls.push(a);
  }
  return call;
}

/** A path or query part that looks like a credential rather than an address. */
export function secretLooking(literal: string): string | undefined {
  let url: URL;
  try {
    url = new URL(literal);
  } catch {
    return undefined;
  }
  if (url.username || url.password) return 'credentials in the URL';
  for (const [key] of url.searchParams)
    if (/^(sig|signature|token|access_token|api[-_]?key|key|secret|password|pass|code|auth)$/i.test(key))
      return `the query parameter ${key}`;
  if (/^\/services\/T[^/]+\/B[^/]+\/[^/]+/.test(url.pathname)) return "a Slack incoming webhook's path (services/T…/B…/…)";
  if (/\/workflows\/[^/]+\/triggers\//.test(url.pathname)) return "a Teams workflow's path";
  const token = url.pathname.split('/').find((seg) => seg.length >= 20 && /[0-9]/.test(seg) && /[A-Za-z]/.test(seg));
  if (token) return `the path segment ${token}`;
  return undefined;
}

/**
 * The rest of a real incoming-webhook URL after the endpoint's scheme and host, per format: what a
 * notification's secret holds (percent escapes and a bare & included, as a Power Automate workflow
 * URL has them).
 */
export const SECRET_PATHS: Record<string, string> = {
  slack: '/services/T000/B000/XXXX',
  teams:
    '/workflows/0f8fad5bd9cb469fa16570867728950e/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=AbCdEf0123456789-_xyz',
  generic: '/keptn/notify/4f8a2c',
};
export const BRIDGE = 'https://keptn.example.com/bridge';
export const TOKEN = 't0ken-123';

/** The URL the project is meant to call: the task's endpoint, or the endpoint plus the webhook's secret path. */
export const targetUrl = (blueprint: Blueprint) =>
  blueprint.answers.kind === 'notification'
    ? `${blueprint.answers.endpoint}${SECRET_PATHS[blueprint.answers.webhook ?? 'generic']}`
    : (blueprint.answers.endpoint ?? '');

/**
 * The secret the README has the user create, as the webhook's .env: `path` is whatever follows in
 * the real URL what the file writes before {{.env.path}} (with or without a `/`), `bridge` the
 * Bridge or empty (a key may be empty, and a missing key reads as "", lib/secret_reader.go:23-33).
 */
export function secretValues(blueprint: Blueprint, urlTemplate: string, bridge: string): Record<string, string> {
  const full = targetUrl(blueprint);
  const before = urlTemplate.split('{{.env.path}}')[0];
  return {
    path: full.startsWith(before) ? full.slice(before.length) : SECRET_PATHS[blueprint.answers.webhook ?? 'generic'],
    bridge,
    token: TOKEN,
  };
}

const label = (type: string) =>
  type
    .replace(/^sh\.keptn\.event\./, '')
    .split('.')
    .join(' ');
/** What data.result maps to in a message: one of the three words, else unknown (whatever it is). */
export const resultWord = (event: CloudEventJson) =>
  ['pass', 'warning', 'fail'].includes(event.data?.result) ? event.data.result : 'unknown';
const link = (event: CloudEventJson, bridge: string) => `${bridge}/project/${event.data.project}/sequence/${event.shkeptncontext}`;

/** A card as written back by the Adaptive Cards library, apart from what it adds ($schema) or drops (an empty actions list). */
function cardProblems(card: any): string[] {
  return libraryProblems(card).filter((p) => {
    const m = /^library: writes the card back as (.*)$/s.exec(p);
    if (!m) return true;
    const written = JSON.parse(m[1]);
    const expected = { ...card, $schema: written.$schema };
    if (Array.isArray(card.actions) && card.actions.length === 0) delete expected.actions;
    return !isDeepStrictEqual(written, expected);
  });
}

/** What the endpoint gets as the message for `event`, held to the format the project was generated for. */
export function payloadProblems(blueprint: Blueprint, type: string, body: any, event: CloudEventJson, bridge: string): string[] {
  const problems: string[] = [];
  const want = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
    return ok;
  };
  const d = event.data;
  const finished = type.endsWith('.finished');
  const result = resultWord(event);
  if (blueprint.answers.kind === 'generic') {
    const expected = {
      type,
      task: type.split('.')[3],
      project: d.project,
      stage: d.stage,
      service: d.service,
      shkeptncontext: event.shkeptncontext,
      triggeredid: event.id,
    };
    want(isDeepStrictEqual(body, expected), `the task's call sends ${JSON.stringify(body)}, not ${JSON.stringify(expected)}`);
    return problems;
  }
  const where = `${d.project}/${d.stage}/${d.service}`;
  switch (blueprint.answers.webhook) {
    case 'slack': {
      if (!want(body !== null && typeof body === 'object' && !Array.isArray(body), 'a Slack message is a JSON object')) return problems;
      want(
        isDeepStrictEqual(Object.keys(body).sort(), ['blocks', 'text']),
        `Slack message fields ${Object.keys(body)}, not text and blocks`,
      );
      want(
        typeof body.text === 'string' &&
          body.text.includes(label(type)) &&
          body.text.includes(where) &&
          (!finished || body.text.endsWith(`: ${result}`)),
        `Slack text ${JSON.stringify(body.text)} does not say ${label(type)} in ${where}${finished ? ` and ${result}` : ''}`,
      );
      const blocks: any[] = Array.isArray(body.blocks) ? body.blocks : [];
      const section = blocks[0];
      want(
        section?.type === 'section' &&
          ['mrkdwn', 'plain_text'].includes(section.text?.type) &&
          typeof section.text.text === 'string' &&
          section.text.text.length <= 3000,
        `the first Slack block is not a section with text: ${JSON.stringify(section)}`,
      );
      const actions = blocks.filter((b) => b.type === 'actions');
      if (bridge) {
        const button = actions[0]?.elements?.[0];
        want(
          actions.length === 1 &&
            button?.type === 'button' &&
            button.text?.type === 'plain_text' &&
            button.text.text?.length <= 75 &&
            button.url === link(event, bridge),
          `no Slack button to ${link(event, bridge)}: ${JSON.stringify(actions)}`,
        );
      } else want(actions.length === 0, `a Slack button without a Bridge: ${JSON.stringify(actions)}`);
      want(
        blocks.every((b) => ['section', 'actions'].includes(b.type)),
        `Slack blocks of other types: ${blocks.map((b) => b.type)}`,
      );
      break;
    }
    case 'teams': {
      if (!want(body?.type === 'message', `not a Workflows message: type ${JSON.stringify(body?.type ?? body?.['@type'])}`))
        return problems;
      want(
        isDeepStrictEqual(Object.keys(body).sort(), ['attachments', 'type']),
        `message fields ${Object.keys(body)}, not type and attachments`,
      );
      const attachment = body.attachments?.[0];
      want(Array.isArray(body.attachments) && body.attachments.length === 1, 'not exactly one attachment');
      want(attachment?.contentType === 'application/vnd.microsoft.card.adaptive', `attachment contentType ${attachment?.contentType}`);
      const card = attachment?.content;
      if (!want(card?.type === 'AdaptiveCard', `card type ${JSON.stringify(card?.type)}, not AdaptiveCard`)) return problems;
      want(card.version === CARD_VERSION, `card version ${JSON.stringify(card.version)}, not ${CARD_VERSION}`);
      problems.push(...cardProblems(card));
      const body0: any[] = card.body ?? [];
      want(
        body0[0]?.type === 'TextBlock' && body0[0].text === `Keptn: ${label(type)}`,
        `no title "Keptn: ${label(type)}": ${JSON.stringify(body0[0])}`,
      );
      const facts = new Map<string, string>((body0.find((e) => e.type === 'FactSet')?.facts ?? []).map((f: any) => [f.title, f.value]));
      for (const [title, value] of [
        ['Project', d.project],
        ['Stage', d.stage],
        ['Service', d.service],
        ['Event', type],
        ['Keptn context', event.shkeptncontext],
      ]) {
        want(facts.get(title) === value, `fact ${title}: ${JSON.stringify(facts.get(title))}, not ${JSON.stringify(value)}`);
      }
      const colours: Record<string, string> = { pass: 'Good', warning: 'Warning', fail: 'Attention', unknown: 'Default' };
      const shown = body0.find((e) => e.type === 'TextBlock' && String(e.text).startsWith('Result: '));
      if (finished)
        want(
          shown?.text === `Result: ${result}` && shown.color === colours[result],
          `result block ${JSON.stringify(shown)}, not "Result: ${result}" in ${colours[result]}`,
        );
      else want(shown === undefined, `a result on ${type}`);
      const opens = card.actions ?? [];
      if (bridge)
        want(
          opens.length === 1 && opens[0].type === 'Action.OpenUrl' && opens[0].url === link(event, bridge),
          `no "Open in Keptn Bridge" action to ${link(event, bridge)}: ${JSON.stringify(opens)}`,
        );
      else want(opens.length === 0, `actions without a Bridge: ${JSON.stringify(opens)}`);
      break;
    }
    default: {
      const expected: Record<string, string> = {
        type,
        project: d.project,
        stage: d.stage,
        service: d.service,
        shkeptncontext: event.shkeptncontext,
        id: event.id,
      };
      if (finished) expected.result = result;
      if (bridge) expected.bridge = link(event, bridge);
      want(isDeepStrictEqual(body, expected), `the notification sends ${JSON.stringify(body)}, not ${JSON.stringify(expected)}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The whole project

export const WEBHOOK_FILE = 'keptn/resources/webhook/webhook.yaml';

/**
 * Everything a webhook-service project must get right, for `events` (each handled by the webhook
 * of its type), as a list of problems: the file as the release decodes it, the webhooks against
 * the project's subscriptions, what the service sends back to Keptn, and each request made for
 * each event, with a Bridge in the secret and without (its `bridge` key may be empty).
 */
export async function webhookProblems(
  dir: string,
  blueprint: Blueprint,
  events: CloudEventJson[],
  bridges: string[] = [BRIDGE, ''],
): Promise<string[]> {
  const problems: string[] = [];
  const file = join(dir, WEBHOOK_FILE);
  if (!existsSync(file)) return [`no ${WEBHOOK_FILE}`];
  for (const absent of ['package.json', 'src', 'chart', 'Dockerfile'])
    if (existsSync(join(dir, absent))) problems.push(`a webhook-service definition has ${absent}`);
  const family = webhookFamily(blueprint.keptn.release);
  const text = readFileSync(file, 'utf8');
  const parsed = parseWebhookConfig(text);
  problems.push(...parsed.problems);
  if (problems.length > 0) return problems;
  problems.push(...webhookConfigProblems(parsed.config, family));
  if (problems.length > 0) return problems;
  const config = parsed.config as WebhookConfig;
  const webhooks = config.spec.webhooks;
  const at = `webhook-service ${family.name}`;

  // 4. The file reaches Keptn where the service looks first (1.4.5:handler/handler.go:327-365).
  if (!uploadedUris(dir).includes('webhook/webhook.yaml')) problems.push('add-resources.sh does not upload webhook/webhook.yaml');

  // 3. One webhook per subscription: the service picks a webhook by subscription id alone and
  // never compares its type with the event's (1.4.5:lib/eventmod.go:71; 0.12.7:lib/webhook_config.go:52).
  const types = webhooks.map((w) => w.type);
  for (const t of types) if (!blueprint.subscriptions.includes(t)) problems.push(`a webhook for ${t}, which is not subscribed`);
  for (const s of blueprint.subscriptions) {
    const n = types.filter((t) => t === s).length;
    if (n !== 1) problems.push(`${n} webhooks for the subscription ${s}, not 1`);
  }
  // keptn/subscribe.sh writes each id into the subscriptionID line that directly follows `- type:`.
  const lines = text.split('\n');
  webhooks.forEach((w, i) => {
    const at_ = lines.findIndex((l) => new RegExp(`^(\\s*)- type: ["']?${w.type.replaceAll('.', '\\.')}["']?\\s*$`).test(l));
    const indent = at_ >= 0 ? /^(\s*)/.exec(lines[at_])![1] : '';
    if (at_ < 0 || !lines[at_ + 1]?.startsWith(`${indent}  subscriptionID:`))
      problems.push(
        `webhook ${i} (${w.type}): no subscriptionID line right after its - type: line, where keptn/subscribe.sh writes the id`,
      );
  });
  const kind = blueprint.answers.kind;
  for (const w of webhooks) {
    const where = `webhook ${w.type}`;
    if (kind === 'notification') {
      // Nothing back to Keptn: a notification takes part in no task.
      if (w.sendFinished !== false) problems.push(`${where}: a notification needs sendFinished: false`);
      if (family.sendStarted && w.sendStarted !== false)
        problems.push(`${where}: a notification needs sendStarted: false on ${at} (absent means true, 0.13.6:lib/webhook_config.go:74-79)`);
      const sent = answersTo(family, w, w.type, 'succeeded');
      if (sent.started + sent.finished > 0)
        problems.push(
          `${where}: ${at} answers a successful call with ${sent.started} .started and ${sent.finished} .finished; a notification must answer nothing`,
        );
    } else {
      // The task's .started and .finished are the webhook-service's (1.4.5:handler/handler.go:176-202, 127-156).
      if (w.sendFinished !== true)
        problems.push(`${where}: a task needs sendFinished: true, or Keptn waits for ${w.requests.length} .finished from the endpoint`);
      if (w.sendStarted === false) problems.push(`${where}: sendStarted: false leaves the task without .started`);
      for (const outcome of ['succeeded', 'failed'] as const) {
        const sent = answersTo(family, w, w.type, outcome);
        if (sent.started !== 1 || sent.finished !== 1)
          problems.push(
            `${where}: ${at} answers a ${outcome} call with ${sent.started} .started and ${sent.finished} .finished, not 1 and 1`,
          );
      }
    }
    for (const e of w.envFrom ?? [])
      if (e.secretRef.name !== blueprint.name)
        problems.push(`${where}: reads the secret ${e.secretRef.name}, not ${blueprint.name}, which the README has the user create`);
  }

  // 2. Each request as written: the URL and its secret.
  const endpoint = blueprint.answers.endpoint ?? '';
  for (const w of webhooks) {
    for (const r of w.requests) {
      const url = urlOf(family, r);
      const literal = url.replace(/\{\{.*?\}\}/g, '');
      if (kind === 'notification') {
        const before = url.split('{{.env.path}}')[0];
        if (!url.endsWith('{{.env.path}}') || url.indexOf('{{') !== before.length)
          problems.push(
            `webhook ${w.type}: the URL ${url} must be the endpoint followed by {{.env.path}}: the rest of a webhook URL is its secret`,
          );
        else if (before !== endpoint && before !== `${endpoint}/`)
          problems.push(`webhook ${w.type}: the URL ${url} is not ${endpoint}[/]{{.env.path}}`);
      }
      const secret = secretLooking(literal);
      if (secret)
        problems.push(
          `webhook ${w.type}: the URL ${url} holds what looks like a secret (${secret}) in the file, which goes to Git; it belongs in the Keptn secret`,
        );
    }
  }

  const prepared = await prepareRequests(family, config);
  for (const p of prepared.flat()) {
    problems.push(...p.problems.map((x) => `${p.where}: ${x}`));
    if (p.refused) problems.push(`${p.where}: ${at} refuses it before rendering, whatever the event: ${p.refused}`);
  }

  // 2. Each request for each event, rendered and parsed as the family does.
  const runs: Promise<string[]>[] = [];
  for (const event of events) {
    const index = webhooks.findIndex((w) => w.type === event.type);
    if (index < 0) {
      problems.push(`no webhook handles ${event.type}`);
      continue;
    }
    const webhook = webhooks[index];
    // A request refused before rendering is still rendered here: every problem of it shows at once.
    const ready = prepared[index].filter((p) => p.template !== undefined);
    if (ready.length === 0) continue;
    const map = eventMap(family, withSubscription(event, `subscription-${index}`));
    for (const bridge of bridges) {
      const values = secretValues(blueprint, urlOf(family, webhook.requests[0]), bridge);
      const env: Record<string, string> = {};
      for (const e of webhook.envFrom ?? []) {
        // A key the secret lacks reads as "" without an error (lib/secret_reader.go:23-33, every tag).
        if (!(e.secretRef.key in values))
          problems.push(`webhook ${webhook.type}: reads the secret key ${e.secretRef.key}, which the generated secret has not`);
        env[e.name] = values[e.secretRef.key] ?? '';
      }
      const templates = Object.fromEntries(ready.map((p) => [p.where, p.template!]));
      const what = `${event.type} (${describe(event)})${bridges.length > 1 ? (bridge ? ' with a Bridge' : ' without a Bridge') : ''}`;
      runs.push(
        renderOnce(templates, map, env).then((rendered) =>
          ready.flatMap((p) =>
            requestProblems(blueprint, family, webhook, p, runRendered(family, rendered[p.where]), event, values, bridge).map(
              (x) => `${p.where}, ${what}: ${x}`,
            ),
          ),
        ),
      );
    }
  }
  for (const list of await Promise.all(runs)) problems.push(...list);
  return [...new Set(problems)];
}

/** A request's URL as written: the v1beta1 url, or the http(s) argument of the curl string. */
const urlOf = (family: WebhookFamily, r: string | WebhookRequest) =>
  typeof r === 'string'
    ? (parseCommandLine(family, r)
        .filter((a) => /^https?:/.test(a))
        .at(-1) ?? '')
    : r.url;

const describe = (event: CloudEventJson) => (event as { _variant?: string })._variant ?? `id ${event.id}`;

/** What is wrong with one request made for one event: the service's error, or the call itself. */
function requestProblems(
  blueprint: Blueprint,
  family: WebhookFamily,
  webhook: WebhookEntry,
  p: PreparedRequest,
  run: RequestRun,
  event: CloudEventJson,
  secrets: Record<string, string>,
  bridge: string,
): string[] {
  if (run.error) {
    const sent = answersTo(family, webhook, event.type, 'failed');
    const answer = sent.finished > 0 ? ` (and Keptn gets ${sent.finished} errored .finished)` : '';
    return [`webhook-service ${family.name} fails: ${run.error}${answer}`];
  }
  const problems: string[] = [];
  const args = run.args!;
  const mangled = args.find((a) => /[\u0080-\u00ff]/.test(a));
  if (mangled)
    problems.push(
      `non-ASCII text reaches the command, whose parser re-encodes it byte by byte (1.4.5:lib/curl_executor.go:173-235): ${JSON.stringify(mangled.slice(0, 80))}`,
    );
  const call = curlCall(args);
  problems.push(...call.problems);
  const request = p.request;
  const method = typeof request === 'string' ? 'POST' : request.method;
  if (call.method !== method) problems.push(`--request ${call.method}, not ${method}`);
  if (call.maxTime === undefined || !/^\d+$/.test(call.maxTime) || Number(call.maxTime) < 1)
    problems.push(`no --max-time: the webhook-service waits as long as curl does (research §9, lib/cmd_executor.go)`);
  const url = targetUrl(blueprint);
  if (!isDeepStrictEqual(call.urls, [url])) problems.push(`calls ${JSON.stringify(call.urls)}, not [${JSON.stringify(url)}]`);
  const headers = [
    'Content-Type: application/json',
    ...(blueprint.answers.kind === 'generic' ? [`Authorization: Bearer ${secrets.token}`] : []),
  ];
  if (!isDeepStrictEqual([...call.headers].sort(), [...headers].sort()))
    problems.push(`headers ${JSON.stringify(call.headers)}, not ${JSON.stringify(headers)}`);
  if (call.data.length !== 1) return [...problems, `${call.data.length} --data arguments, not 1`];
  let body: unknown;
  try {
    body = JSON.parse(call.data[0]);
  } catch (err) {
    return [...problems, `--data is not JSON (${(err as Error).message}): ${call.data[0].slice(0, 300)}`];
  }
  problems.push(...payloadProblems(blueprint, webhook.type, body, event, bridge));
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Events to send

const EXAMPLES = new URL('../keptn-spec/examples/', import.meta.url);
const readExample = (file: string): CloudEventJson => JSON.parse(readFileSync(new URL(file, EXAMPLES), 'utf8'));

/**
 * The spec's example of an event type (test/keptn-spec/examples/<task>-<kind>.json), or, for a type
 * without one, the test task's example of that kind with its type and its task key (data.test)
 * changed (a custom task: db-migrate).
 */
export function exampleEvent(type: string): CloudEventJson {
  const [, , , task, ...rest] = type.split('.');
  const own = `${task}-${rest.join('-')}.json`;
  if (existsSync(new URL(own, EXAMPLES))) {
    const event = readExample(own);
    if (event.type === type) return event;
  }
  const base = `test-${rest.join('-')}.json`;
  if (!existsSync(new URL(base, EXAMPLES))) throw new Error(`no spec example to derive ${type} from`);
  const event = readExample(base);
  event.type = type;
  if (event.data?.test) {
    event.data[task] = event.data.test;
    delete event.data.test;
  }
  return event;
}

/** Text with everything that breaks a quoted curl argument, JSON, a shell, the deny lists or ASCII. */
export const HOSTILE = `it's "quoted" \`ticked\` $HOME $(id) | pipe; semi > out & bg && and % 100% %s %!d {{.env.path}} \\ back\nnew line\ttab \u2028 ü 日本 🚀 </script> @/etc/passwd -o /var/run localhost kubernetes`;

/** The variants each example is sent in: as the spec has it, and hostile or thin where the event is free. */
export function eventVariants(example: CloudEventJson): CloudEventJson[] {
  const variant = (name: string, change: (e: CloudEventJson) => void): CloudEventJson => {
    const e = structuredClone(example) as CloudEventJson;
    change(e);
    Object.defineProperty(e, '_variant', { value: name, enumerable: false });
    return e;
  };
  return [
    variant('as the spec has it', () => {}),
    variant('hostile labels and message', (e) => {
      e.data.labels = { team: HOSTILE, 'label-key': HOSTILE, [`key with 'quotes' and "more"`]: HOSTILE, ünïcode: 'ok' };
      e.data.message = HOSTILE;
    }),
    variant('hostile data.result', (e) => (e.data.result = `pass' --data '@/etc/passwd' "x": "${HOSTILE}`)),
    variant('hostile data.status', (e) => (e.data.status = HOSTILE)),
    variant('data.result missing', (e) => delete e.data.result),
    variant('data.result a number', (e) => (e.data.result = 3)),
    variant('data.result fail', (e) => (e.data.result = 'fail')),
    variant('data.result warning', (e) => (e.data.result = 'warning')),
    variant('data.evaluation missing', (e) => delete e.data.evaluation),
    variant('only project, stage and service', (e) => {
      e.data = { project: e.data.project, stage: e.data.stage, service: e.data.service };
      for (const key of [
        'triggeredid',
        'gitcommitid',
        'shkeptnspecversion',
        'contenttype',
        'datacontenttype',
        'time',
        'specversion',
        'source',
      ])
        delete e[key];
    }),
  ];
}

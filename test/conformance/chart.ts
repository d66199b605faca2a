// Chart checks: render it with Helm itself (and lint it), then hold the manifests to Kubernetes'
// schemas and to what the integration needs (subscription, versions, secure defaults).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv from 'ajv';
import { execa } from 'execa';
import { parse, parseAllDocuments } from 'yaml';
import type { Blueprint } from '../../src/blueprint.js';
import { helm, helmEnv } from './tools.js';

const require = createRequire(import.meta.url);

export interface Rendered {
  docs: any[];
  problems: string[];
}

/**
 * Renders chart/ with its default values plus `valueFiles` and `set` (`--set`, typed as an operator
 * types them: 2 is a number) (`helm template`, released under the
 * chart's own name into namespace keptn, for Kubernetes 1.27) and lints it (`helm lint --strict`,
 * its warnings and errors become problems); problems instead of throwing. `helm template` renders
 * NOTES.txt with the manifests (without printing it), so a NOTES.txt that does not render fails it.
 */
export async function renderChart(dir: string, valueFiles: string[] = [], set: string[] = []): Promise<Rendered> {
  const bin = helm();
  const chart = join(dir, 'chart');
  // The release is named after the chart, so names come out as the chart's name alone.
  const name = String(parse(readFileSync(join(chart, 'Chart.yaml'), 'utf8'))?.name);
  const common = [
    ...valueFiles.flatMap((f) => ['-f', join(dir, f)]),
    ...set.flatMap((v) => ['--set', v]),
    '--namespace',
    'keptn',
    '--kube-version',
    '1.27.0',
  ];
  const options = { reject: false, env: helmEnv() } as const;
  const [r, lint] = await Promise.all([
    execa(bin, ['template', name, chart, ...common], options),
    execa(bin, ['lint', '--strict', '--quiet', chart, ...common], options),
  ]);
  const problems: string[] = [];
  if (lint.exitCode !== 0) {
    const found = `${lint.stdout}\n${lint.stderr}`.split('\n').filter((l) => /^\[(ERROR|WARNING)\]/.test(l));
    problems.push(...(found.length > 0 ? found : [helmError(lint.stderr)]).map((l) => `helm lint: ${l}`));
  }
  if (r.exitCode !== 0) return { docs: [], problems: [`chart does not render: ${helmError(r.stderr)}`, ...problems] };
  const docs: any[] = [];
  for (const doc of parseAllDocuments(r.stdout)) {
    if (doc.errors.length > 0) problems.push(`rendered YAML does not parse: ${doc.errors[0].message}`);
    else if (doc.toJS() != null) docs.push(doc.toJS());
  }
  // Helm renders a value that does not exist as nothing (it has no strict mode: `helm lint
  // --strict` only fails on warnings), so `name: {{ .Values.typo }}` leaves a null behind.
  for (const doc of docs) {
    for (const path of nulls(doc))
      problems.push(`${doc.kind} ${doc.metadata?.name}: ${path} is empty (null): a value that does not exist?`);
  }
  return { docs, problems };
}

/** Helm's error on one line, without its advice to use --debug. */
const helmError = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('Use --debug'))
    .map((l) => l.replace(/^Error: /, ''))
    .join(' ');

/** Where a rendered document holds null, as paths like spec.containers[0].env[3].value. */
function nulls(value: unknown, path = ''): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nulls(v, `${path}[${i}]`));
  if (typeof value === 'object') return Object.entries(value as object).flatMap(([k, v]) => nulls(v, path ? `${path}.${k}` : k));
  return [];
}

/** Kubernetes' OpenAPI schemas, as compiled validators of the kubernetes-models package. */
export function kubernetesProblems(docs: any[]): string[] {
  const problems: string[] = [];
  for (const doc of docs) {
    const [group, version] = String(doc.apiVersion).includes('/') ? doc.apiVersion.split('/') : ['', doc.apiVersion];
    const path = `kubernetes-models/${group ? `${group}/` : ''}${version}/${doc.kind}`;
    let Model: any;
    try {
      Model = require(path)[doc.kind];
    } catch {
      problems.push(`unknown kind ${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (err) {
      problems.push(`${doc.kind} ${doc.metadata?.name}: ${(err as Error).message}`);
    }
  }
  return problems;
}

const env = (container: any, name: string) => container?.env?.find((e: any) => e.name === name);

/** What the chart must say for this integration, with the default values. */
export function integrationProblems(docs: any[], blueprint: Blueprint, remote: boolean): string[] {
  const problems: string[] = [];
  const want = (ok: unknown, what: string) => ok || problems.push(what);
  const kinds = docs.map((d) => d.kind);
  for (const forbidden of ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'])
    want(!kinds.includes(forbidden), `renders a ${forbidden}`);
  const deployments = docs.filter((d) => d.kind === 'Deployment');
  want(deployments.length === 1, `renders ${deployments.length} Deployments, not 1`);
  const deployment = deployments[0];
  if (!deployment) return problems;
  const pod = deployment.spec?.template?.spec ?? {};
  const containers: any[] = pod.containers ?? [];
  const service = containers.find((c) => c.name === blueprint.name);
  const distributor = containers.find((c) => c.name === 'distributor');
  want(deployment.metadata?.name === blueprint.name, `Deployment is named ${deployment.metadata?.name}, not ${blueprint.name}`);
  want(service, `no container named ${blueprint.name}`);
  want(distributor, 'no distributor container');
  if (!service || !distributor) return problems;

  want(String(service.image).startsWith(`${blueprint.answers.image}:`), `image ${service.image} is not from ${blueprint.answers.image}`);
  const k = blueprint.keptn;
  want(distributor.image === `${k.distributorImage}:${k.distributorTag}`, `distributor image ${distributor.image}`);
  // Every variable set on the distributor is one its release reads.
  for (const e of distributor.env ?? []) want(k.distributorEnv.includes(e.name), `distributor ${k.release} does not know ${e.name}`);
  want(
    env(distributor, 'API_PROXY_MAX_PAYLOAD_BYTES_KB')?.value === (k.maxPayloadKB === undefined ? undefined : String(k.maxPayloadKB)),
    `API_PROXY_MAX_PAYLOAD_BYTES_KB ${env(distributor, 'API_PROXY_MAX_PAYLOAD_BYTES_KB')?.value} (Keptn ${k.release}: ${k.maxPayloadKB ?? 'none'})`,
  );
  // The integration keeps its replies under the distributor's limit.
  want(
    env(service, 'MAX_EVENT_BYTES')?.value === (k.maxPayloadKB === undefined ? undefined : String(k.maxPayloadKB * 1024)),
    `MAX_EVENT_BYTES ${env(service, 'MAX_EVENT_BYTES')?.value} does not match the distributor's limit`,
  );
  const probe = distributor.livenessProbe?.httpGet;
  want(
    probe?.port === k.distributorHealthPort,
    `distributor probe on ${probe?.port ?? 'no port'}, where Keptn ${k.release} serves ${k.distributorHealthPort ?? 'none a probe can reach'}`,
  );
  if (remote) {
    for (const t of String(env(distributor, 'PUBSUB_TOPIC')?.value).split(','))
      want(t.endsWith('.triggered'), `remote plane subscribed to ${t}, which Keptn's API never hands out`);
  }
  want(env(distributor, 'PUBSUB_URL')?.value === blueprint.keptn.natsUrl, `PUBSUB_URL ${env(distributor, 'PUBSUB_URL')?.value}`);
  const topic = (remote ? blueprint.remoteSubscriptions : blueprint.subscriptions).join(',');
  want(env(distributor, 'PUBSUB_TOPIC')?.value === topic, `PUBSUB_TOPIC ${env(distributor, 'PUBSUB_TOPIC')?.value} is not ${topic}`);
  want(env(distributor, 'PUBSUB_RECIPIENT')?.value === '127.0.0.1', 'PUBSUB_RECIPIENT is not 127.0.0.1');
  const port = service.ports?.find((p: any) => p.name === 'http')?.containerPort;
  want(env(distributor, 'PUBSUB_RECIPIENT_PORT')?.value === String(port), `PUBSUB_RECIPIENT_PORT is not the service's port ${port}`);
  want(env(service, 'PORT')?.value === String(port), `PORT is not the service's port ${port}`);
  want(
    Boolean(env(distributor, 'PUBSUB_GROUP')) === blueprint.keptn.queueGroup,
    `PUBSUB_GROUP ${blueprint.keptn.queueGroup ? 'missing' : 'set before Keptn 0.10'}`,
  );
  want(
    env(service, 'CONFIGURATION_SERVICE_URL')?.value === `http://localhost:8081${blueprint.keptn.resourceServicePath}`,
    `CONFIGURATION_SERVICE_URL ${env(service, 'CONFIGURATION_SERVICE_URL')?.value}`,
  );
  want(env(service, 'EVENT_BROKER_URL')?.value === 'http://localhost:8081/event', 'EVENT_BROKER_URL is not the distributor');
  for (const e of blueprint.env) {
    const found = env(service, e.name);
    want(found, `service has no ${e.name}`);
    if (e.secret) want(found?.valueFrom?.secretKeyRef, `${e.name} does not come from a Secret`);
  }
  // The order in which the pod stops (test/conformance/termination.test.ts plays it through): the
  // integration takes events for as long as the distributor is subscribed (until its preStop
  // sleep ends), and its cut-short tasks report errored a few seconds before that.
  const sleepOf = (c: any) => {
    const command = c.lifecycle?.preStop?.exec?.command;
    return command?.[0]?.endsWith('sleep') ? Number(command[1]) : 0;
  };
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  const subscribed = sleepOf(distributor);
  const accepting = sleepOf(service) + Number(env(service, 'SHUTDOWN_ACCEPT_SECONDS')?.value ?? 0);
  const reported = sleepOf(service) + Number(env(service, 'SHUTDOWN_GRACE_SECONDS')?.value ?? 25);
  want(
    accepting > subscribed && accepting < grace,
    `the integration takes events until ${accepting} s, the distributor forwards them until ${subscribed} s (grace period ${grace} s)`,
  );
  want(
    reported + 2 <= subscribed,
    `cut-short tasks report at ${reported} s, too late for the distributor, which leaves at ${subscribed} s`,
  );
  want(service.readinessProbe?.httpGet?.path === '/ready', 'no readiness probe on /ready');
  want(service.livenessProbe?.httpGet?.path === '/health', 'no liveness probe on /health');

  // Secure defaults.
  want(pod.securityContext?.runAsNonRoot === true, 'pod does not run as non-root');
  want(pod.securityContext?.seccompProfile?.type === 'RuntimeDefault', 'no RuntimeDefault seccomp profile');
  want(pod.automountServiceAccountToken === false, 'service account token is mounted');
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    want(sc.allowPrivilegeEscalation === false, `${c.name}: privilege escalation allowed`);
    want(sc.readOnlyRootFilesystem === true, `${c.name}: root filesystem writable`);
    want(sc.capabilities?.drop?.includes('ALL'), `${c.name}: capabilities not dropped`);
    want(c.resources?.limits && c.resources?.requests, `${c.name}: no resource requests and limits`);
  }
  // With a read-only root, the integration (and a test tool it runs) still needs a writable /tmp.
  const tmp = service.volumeMounts?.find((m: any) => m.mountPath === '/tmp');
  want(
    tmp && pod.volumes?.some((v: any) => v.name === tmp.name && v.emptyDir),
    'no writable /tmp (an emptyDir) in the integration container',
  );

  const endpoint = env(distributor, 'KEPTN_API_ENDPOINT');
  const token = env(distributor, 'KEPTN_API_TOKEN');
  if (remote) {
    want(endpoint?.value === 'https://keptn.example.com/api', `KEPTN_API_ENDPOINT ${endpoint?.value}`);
    want(token?.valueFrom?.secretKeyRef?.key === 'keptn-api-token', 'KEPTN_API_TOKEN does not come from a Secret');
    const secret = docs.find((d) => d.kind === 'Secret' && d.metadata?.name === token?.valueFrom?.secretKeyRef?.name);
    want(secret?.data?.['keptn-api-token'], 'no Secret holding the Keptn API token');
    if (k.distributorEnv.includes('LOCATION'))
      want(env(distributor, 'LOCATION')?.value === 'remote-execution-plane', 'LOCATION is not remote-execution-plane');
  } else {
    want(!endpoint && !token, 'KEPTN_API_ENDPOINT set without a remote control plane');
  }
  return problems;
}

/**
 * chart/values.schema.json against chart/values.yaml: every value is described (its path through
 * `properties`, or a map the schema leaves open), every value the schema names exists, and the
 * defaults (and the CI values over them) are valid by the schema (draft-07, as Helm reads it).
 */
export function schemaProblems(dir: string): string[] {
  const file = join(dir, 'chart', 'values.schema.json');
  if (!existsSync(file)) return ['chart/values.schema.json is missing'];
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  const values = parse(readFileSync(join(dir, 'chart', 'values.yaml'), 'utf8'));
  const problems: string[] = [];
  const resolve = (node: any): any => (node?.$ref ? resolve(schema.definitions[node.$ref.replace('#/definitions/', '')]) : node);
  // Values the schema describes as open objects (a Kubernetes object, a map of strings) end the walk.
  const walk = (value: unknown, node: any, path: string) => {
    node = resolve(node);
    if (!node) return void problems.push(`${path}: in values.yaml, not in values.schema.json`);
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !node.properties) return;
    for (const [key, v] of Object.entries(value as object))
      walk(
        v,
        node.properties[key] ?? (node.additionalProperties === false ? undefined : (node.additionalProperties ?? {})),
        path ? `${path}.${key}` : key,
      );
  };
  walk(values, schema, '');
  // An empty map in values.yaml (strategy: {}) leaves what goes in it to the operator.
  const declared = (node: any, value: any, path: string) => {
    node = resolve(node);
    if (path && Object.keys(value).length === 0) return;
    for (const key of Object.keys(node?.properties ?? {})) {
      if (path === '' && key === 'global') continue; // Helm's own, for subcharts
      const p = path ? `${path}.${key}` : key;
      if (value === null || typeof value !== 'object' || !(key in value)) problems.push(`${p}: in values.schema.json, not in values.yaml`);
      else declared(node.properties[key], value[key], p);
    }
  };
  declared(schema, values, '');
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  const ci = join(dir, 'chart', 'ci', 'remote-control-plane-values.yaml');
  for (const [label, v] of [
    ['defaults', values],
    ...(existsSync(ci) ? [['defaults with ci/remote-control-plane-values.yaml', merge(values, parse(readFileSync(ci, 'utf8')))]] : []),
  ] as const) {
    if (!validate(v)) problems.push(`${label} break values.schema.json: ${ajv.errorsText(validate.errors)}`);
  }
  return problems;
}

/** `over` merged into `base` as Helm merges a values file into the defaults. */
function merge(base: any, over: any): any {
  if (over === null || typeof over !== 'object' || Array.isArray(over) || base === null || typeof base !== 'object') return over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

/** All chart problems of a generated project: default values and remote-control-plane values. */
export async function chartProblems(dir: string, blueprint: Blueprint): Promise<string[]> {
  const problems: string[] = schemaProblems(dir);
  const remoteValues = 'chart/ci/remote-control-plane-values.yaml';
  // No remote values where the integration hears no .triggered event: it cannot run remotely.
  if (existsSync(join(dir, remoteValues)) !== blueprint.remoteSubscriptions.length > 0) {
    problems.push(
      `${remoteValues} ${blueprint.remoteSubscriptions.length > 0 ? 'is missing' : 'exists, though a remote plane would receive none of its events'}`,
    );
  }
  for (const [label, files, remote] of [
    ['default values', [], false],
    ...(blueprint.remoteSubscriptions.length > 0 ? [['remote control plane values', [remoteValues], true] as const] : []),
  ] as const) {
    const rendered = await renderChart(dir, [...files]);
    const found = [...rendered.problems, ...kubernetesProblems(rendered.docs), ...integrationProblems(rendered.docs, blueprint, remote)];
    problems.push(...found.map((p) => `${label}: ${p}`));
  }
  return problems;
}

// Checks of keptn/shipyard.yaml and keptn/add-resources.sh against Keptn's published rules.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import type { Blueprint } from '../../src/blueprint.js';
import { keptnSchema } from '../helpers.js';
import { shellcheck } from './tools.js';

const STAGE = /^[a-z][a-z0-9-]*$/;

/** Every event type a shipyard's sequences emit for its tasks: sh.keptn.event.<task>.<phase>. */
function taskNames(shipyard: any): string[] {
  return (shipyard?.spec?.stages ?? []).flatMap((s: any) =>
    (s.sequences ?? []).flatMap((q: any) => (q.tasks ?? []).map((t: any) => t.name)),
  );
}

export function shipyardProblems(dir: string, blueprint: Blueprint): string[] {
  const problems: string[] = [];
  let shipyard: any;
  try {
    shipyard = parse(readFileSync(join(dir, 'keptn/shipyard.yaml'), 'utf8'));
  } catch (err) {
    return [`shipyard.yaml does not parse: ${(err as Error).message}`];
  }
  const validate = keptnSchema('shipyard');
  if (!validate(shipyard)) problems.push(`shipyard.yaml breaks the shipyard schema: ${JSON.stringify(validate.errors)}`);
  if (shipyard?.apiVersion !== blueprint.keptn.shipyardApiVersion)
    problems.push(`apiVersion ${shipyard?.apiVersion} is not ${blueprint.keptn.shipyardApiVersion}`);
  if (shipyard?.kind !== 'Shipyard') problems.push(`kind ${shipyard?.kind} is not Shipyard`);
  for (const stage of shipyard?.spec?.stages ?? []) {
    if (!STAGE.test(stage.name) || stage.name.length > 43) problems.push(`stage name ${stage.name} is not a valid Keptn stage name`);
  }
  const tasks = taskNames(shipyard);
  // Every task whose events it receives (sh.keptn.event.<task>.<phase>) must be in a sequence;
  // the lighthouse sends get-sli during an evaluation, so that is the task an SLI provider needs.
  const needed = new Set<string>();
  for (const type of blueprint.subscriptions) {
    const segs = type.split('.').slice(3);
    if (segs.length === 2 && segs[0] !== '*') needed.add(segs[0] === 'get-sli' ? 'evaluation' : segs[0]);
  }
  for (const t of needed) if (!tasks.includes(t)) problems.push(`shipyard has no task ${t}`);
  return problems;
}

interface Upload {
  line: string;
  flags: Map<string, string | true>;
}

/** The keptn add-resource lines of the script, with their flags. */
function uploads(script: string): Upload[] {
  return script
    .split('\n')
    .filter((l) => /^\s*keptn add-resource\b/.test(l))
    .map((line) => ({
      line,
      flags: new Map(
        [...line.matchAll(/--([a-zA-Z-]+)(?:=("[^"]*"|'[^']*'|\S+))?/g)].map((m) => [m[1], m[2]?.replace(/^["']|["']$/g, '') ?? true]),
      ),
    }));
}

/** The resource URIs the script uploads. */
export function uploadedUris(dir: string): string[] {
  return uploads(readFileSync(join(dir, 'keptn/add-resources.sh'), 'utf8')).map((u) =>
    String(u.flags.get('resourceUri') ?? u.flags.get('resource')),
  );
}

export async function scriptProblems(dir: string, blueprint: Blueprint): Promise<string[]> {
  const file = join(dir, 'keptn/add-resources.sh');
  const script = readFileSync(file, 'utf8');
  const problems: string[] = [];
  const syntax = await execa('bash', ['-n', file], { reject: false });
  if (syntax.exitCode !== 0) problems.push(`bash -n: ${syntax.stderr}`);
  problems.push(...(await shellcheck(file)).map((l) => `shellcheck: ${l}`));
  for (const u of uploads(script)) {
    const local = u.flags.get('resource');
    if (typeof local !== 'string') problems.push(`no --resource in: ${u.line}`);
    else if (!existsSync(join(dir, 'keptn', local))) problems.push(`uploads ${local}, which does not exist under keptn/`);
    if (!u.flags.has('project')) problems.push(`no --project in: ${u.line}`);
    // Every release's add-resource: "Flag 'stage' is missing" (cli/cmd/add_resource.go, 0.8.7 to 1.4.5).
    if (u.flags.has('service') && !u.flags.has('stage') && !u.flags.has('all-stages')) {
      problems.push(`Keptn ${blueprint.keptn.release}: --service needs --stage or --all-stages in: ${u.line}`);
    }
    if (!blueprint.keptn.cli.allStagesAlone && u.flags.has('all-stages') && !u.flags.has('service')) {
      problems.push(`Keptn ${blueprint.keptn.release}: --all-stages needs --service in: ${u.line}`);
    }
  }
  const uris = uploadedUris(dir);
  for (const r of blueprint.resources)
    if (!uris.includes(r.uri)) problems.push(`the service reads ${r.uri}, which the script does not upload`);
  return problems;
}

/**
 * The keptn commands of a text (README, banner) held to the CLI of the targeted release, as the
 * version table states it: which trigger command exists and in which form, and whether
 * `create project` needs a Git upstream.
 */
export function commandProblems(text: string, blueprint: Blueprint): string[] {
  const cli = blueprint.keptn.cli;
  const problems: string[] = [];
  const lines = text
    .split('\n')
    .filter((l) => /^\s*(\$\s*)?keptn /.test(l))
    .map((l) => l.replace(/^\s*(\$\s*)?/, ''));
  const release = `Keptn ${blueprint.keptn.release}`;
  for (const line of lines) {
    if (line.startsWith('keptn trigger sequence')) {
      if (cli.trigger === 'send-event') problems.push(`${release} has no \`keptn trigger sequence\`: ${line}`);
      const flag = /--sequence=/.test(line);
      if (cli.trigger === 'sequence-flag' && !flag) problems.push(`${release} names the sequence with --sequence=: ${line}`);
      if (cli.trigger === 'sequence' && flag) problems.push(`${release} takes the sequence as an argument: ${line}`);
    }
    if (line.startsWith('keptn create project') && cli.gitUpstream) {
      for (const flag of ['--git-user=', '--git-token=', '--git-remote-url='])
        if (!line.includes(flag)) problems.push(`${release} needs a Git upstream (${flag}…): ${line}`);
    }
  }
  if (!lines.some((l) => l.startsWith('keptn create project'))) problems.push('no `keptn create project` command');
  return problems;
}

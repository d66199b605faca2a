// The create command: answers (flags, answers file, prompts) → blueprint → plan → writer, then
// npm install, git init and the next-steps banner. cli.ts turns the command line into its arguments.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { asGiven, resolveAnswers, type Answers } from './answers.js';
import { Cancelled, InputError } from './errors.js';
import { renderPlan } from './plan.js';
// Small (execa, for npm and git, it loads when used): a chunk of its own cost more than it saved.
import { banner, gitInit, install as npmInstall } from './after-create.js';
import { toBlueprint, type Blueprint } from './blueprint.js';
import { colour } from './ui.js';
import { checkTarget, formatTree, recover, targetProblem, writeProject } from './writer.js';
import { RECORD_FILE } from './record.js';

/** The create command's own options (the answers come apart). */
export interface CreateOptions {
  yes?: boolean;
  answers?: string;
  dryRun?: boolean;
  force?: boolean;
  install: boolean;
  git: boolean;
}

/** Creates a project from `flagged` answers (the command line's), an answers file and prompts; returns the exit code. */
export async function create(directory: string | undefined, flagged: Answers, flags: CreateOptions): Promise<number> {
  // Loaded only when used (it brings the YAML parser): startup stays small.
  const fromFile = flags.answers ? (await import('./answers-file.js')).readAnswersFile(flags.answers) : {};
  const given = { ...fromFile, ...flagged };
  const interactive = !flags.yes && !flags.answers && process.stdin.isTTY === true && process.env.CI !== 'true';
  if (!directory && !given.name && !interactive) {
    // Say what turned the prompts off: a person in a terminal with CI=true set may not know.
    const off = flags.yes ? '--yes' : flags.answers ? '--answers' : process.env.CI === 'true' ? 'CI=true' : 'no terminal';
    throw new InputError(
      'directory',
      undefined,
      `required without prompts (${off} turns them off); pass it first or give --name, e.g. create-keptn-integration my-tests --yes`,
    );
  }
  // The target is checked before any question: a non-empty one is raised first, as create-vite does.
  let force = flags.force ?? false;
  if (directory) {
    // What a run killed outright left there is rolled back first (a dry run changes nothing).
    if (!flags.dryRun) recover(directory);
    const problem = targetProblem(directory, force);
    // Asked instead of refused; a no cancels, as Ctrl-C does.
    if (problem instanceof InputError && interactive) {
      if (!(await (await import('./prompts.js')).confirmForce(directory))) throw new Cancelled();
      force = true;
    } else if (problem) throw problem;
  }
  const defaults: Answers = directory && !given.name ? { name: nameFrom(directory) } : {};
  const ask = interactive ? (await import('./prompts.js')).createAsk() : undefined;
  const warn = (line: string) => console.error(colour.err.yellow(`warning: ${line}`));
  // An answer from the file is refused as the file's key; one taken from the directory as the directory's.
  const sources = Object.fromEntries(
    Object.keys(fromFile)
      .filter((key) => !(key in flagged))
      .map((key) => [key, `${flags.answers}: ${key}`]),
  );
  const answers = await resolveAnswers(given, ask, defaults, warn).catch((err: unknown) => {
    if (err instanceof InputError && err.field === '--name' && defaults.name !== undefined && err.value === defaults.name) {
      throw new InputError(
        'directory',
        directory,
        `gives the integration name ${JSON.stringify(defaults.name)}, and ${err.rule.replace(/; choose another$/, '')}: pass --name`,
      );
    }
    throw asGiven(err, sources);
  });
  const where = directory ?? answers.name;
  const dir = resolve(where);
  const blueprint = toBlueprint(answers);
  const plan = renderPlan(blueprint);
  const replaced = checkTarget(where, plan, force);
  const replacing = (c: typeof colour.out) => (replaced.length > 0 ? replacingNote(where, replaced, c) : '');

  if (flags.dryRun) {
    console.log(
      `Would write ${plan.size} files to ${dir}:\n${formatTree(plan, where)}${replaced.length > 0 ? `\n${replacing(colour.out)}` : ''}`,
    );
    remoteNote(blueprint);
    return 0;
  }
  // Said before anything is replaced; in a terminal, asked.
  if (replaced.length > 0) {
    console.error(replacing(colour.err));
    if (interactive && !(await (await import('./prompts.js')).confirmReplace(replaced.length))) throw new Cancelled();
  }
  await writeProject(where, plan, { force });
  console.error(`${colour.err.green('✔')} Wrote ${plan.size} files to ${dir}`);
  remoteNote(blueprint);

  // A no-code definition has no package to install.
  const install = flags.install && blueprint.runtime.install;
  if (install) await npmInstall(dir, where, flags.git);
  if (flags.git) {
    const git = await gitInit(dir).catch((err: Error) => `failed: ${err.message.split('\n')[0]}`);
    if (git === 'inside-repo') console.error(colour.err.dim('  Inside an existing git repository: commit the new files there.'));
    else if (git !== 'created') console.error(colour.err.yellow(`  git init ${git}`));
  }
  console.log(banner(blueprint, dir, install));
  return 0;
}

/**
 * The integration name a directory suggests, as create-vite makes package names: lowercase, other
 * characters as '-'. Said when it differs, so that an error about it names where it came from.
 */
function nameFrom(directory: string): string {
  const base = basename(resolve(directory));
  const name = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 53)
    .replace(/-+$/, '');
  if (name && name !== base) console.error(colour.err.dim(`Integration name ${name} (from the directory ${base}); --name sets another.`));
  if (!name) throw new InputError('directory', directory, 'gives no integration name (letters or digits needed); pass --name');
  return name;
}

/** The files --force replaces, and where a project made by this generator keeps its owners' edits instead. */
function replacingNote(where: string, replaced: string[], c: typeof colour.out): string {
  const lines = [
    c.yellow(`--force replaces ${replaced.length} existing file${replaced.length === 1 ? '' : 's'}:`),
    ...replaced.map((p) => `  ${p}`),
  ];
  if (existsSync(join(where, RECORD_FILE))) {
    lines.push(
      c.dim(
        `${where} was made by create-keptn-integration: \`create-keptn-integration regenerate ${where}\` ` +
          `brings new templates in and keeps your edits.`,
      ),
    );
  }
  return lines.join('\n');
}

/** Not an error (most integrations run in Keptn's cluster), but said before anyone deploys remotely. */
function remoteNote(blueprint: Blueprint): void {
  if (!blueprint.runtime.ownDistributor || blueprint.inClusterOnly.length === 0) return;
  const verb = blueprint.inClusterOnly.length === 1 ? 'reaches' : 'reach';
  console.error(
    colour.err.yellow(
      `note: ${blueprint.inClusterOnly.join(', ')} ${verb} ${blueprint.name} only in Keptn's own cluster: ` +
        `a remote execution plane receives .triggered events only.`,
    ),
  );
}

// The command line: options are derived from the answer table, then
// answers → spec → plan → writer.
import { basename, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ANSWERS, defaultForHelp, resolveAnswers, type Answers } from './answers.js';
import { InputError } from './errors.js';
import { renderPlan } from './plan.js';
// Small (execa, for npm and git, it loads when used): a chunk of its own cost more than it saved.
import { banner, gitInit, install as npmInstall } from './post.js';
import { toSpec, type Spec } from './spec.js';
import { c, userMessage } from './ui.js';
import { GENERATOR } from './version.js';
import { checkTarget, formatTree, targetProblem, writeProject } from './writer.js';

interface CreateFlags {
  yes?: boolean;
  answers?: string;
  dryRun?: boolean;
  force?: boolean;
  install: boolean;
  git: boolean;
  [answer: string]: unknown;
}

const EXAMPLES = `
Examples:
  $ npx create-keptn-integration                      # asks for everything
  $ npx create-keptn-integration locust-tests --kind test-tool \\
      --test-tool locust --yes
  $ npx create-keptn-integration k6-job --kind test-tool --test-tool k6 \\
      --runtime job-executor --yes
  $ npx create-keptn-integration slack-notifier --kind notification \\
      --events sh.keptn.event.evaluation.finished --keptn 0.8 --yes
  $ npx create-keptn-integration slack-hook --kind notification \\
      --runtime webhook-service --keptn 1.4 --yes
  $ npx create-keptn-integration my-provider --kind sli-provider \\
      --sli-provider prometheus --yes
  $ npx create-keptn-integration my-task --kind generic --task my-task --yes
  $ npx create-keptn-integration my-tests --answers answers.yaml --dry-run
  $ npx create-keptn-integration help regenerate   # keeping projects up to date`;

function program(): Command {
  const cmd = new Command('create-keptn-integration')
    .description('Create a complete, working Keptn integration: service, tests, Helm chart, shipyard and resources (or a job-executor definition).')
    .version(GENERATOR.version, '-v, --version')
    .argument('[directory]', 'where to create the project (default: the integration name)')
    .showHelpAfterError('(run with --help for every option)')
    .exitOverride()
    // The command column is wide (regenerate's arguments): wrap descriptions even in 80 columns.
    .configureHelp({ minWidthToWrap: 24 });
  for (const def of ANSWERS) cmd.addOption(new Option(def.flag, `${def.help}${defaultForHelp(def)}; e.g. ${def.example}`));
  cmd
    .option('-y, --yes', 'never prompt: take defaults; a missing required answer is an error')
    .option('--answers <file>', 'read answers from a JSON or YAML file (keys = long option names)')
    .option('--dry-run', 'print the files that would be written, write nothing')
    .option('--force', 'write into a non-empty directory (files the templates do not produce are kept)')
    .option('--no-install', 'skip npm install in the new project')
    .option('--no-git', 'skip git init and the initial commit')
    .addHelpText('after', EXAMPLES);
  return cmd;
}

/** Answers given on the command line, by answer key. */
function flagAnswers(flags: CreateFlags): Answers {
  const out: Answers = {};
  for (const def of ANSWERS) {
    const attr = new Option(def.flag).attributeName();
    if (typeof flags[attr] === 'string') out[def.key] = flags[attr] as string;
  }
  return out;
}

async function create(directory: string | undefined, flags: CreateFlags): Promise<number> {
  // Loaded only when used (it brings the YAML parser): startup stays small.
  const fromFile = flags.answers ? (await import('./answers-file.js')).readAnswersFile(flags.answers) : {};
  const given = { ...fromFile, ...flagAnswers(flags) };
  const interactive = !flags.yes && !flags.answers && process.stdin.isTTY === true && process.env.CI !== 'true';
  if (!directory && !given.name && !interactive) {
    throw new InputError('directory', undefined, 'required without prompts; pass it first, e.g. create-keptn-integration my-tests --yes');
  }
  // The target is checked before any question: a non-empty one is raised first, as create-vite does.
  let force = flags.force ?? false;
  if (directory) {
    const problem = targetProblem(directory, force);
    if (problem instanceof InputError && interactive) force = await (await import('./prompts.js')).confirmForce(directory);
    else if (problem) throw problem;
  }
  const defaults: Answers = directory && !given.name ? { name: nameFrom(directory) } : {};
  const ask = interactive ? (await import('./prompts.js')).createAsk() : undefined;
  const answers = await resolveAnswers(given, ask, defaults);
  const where = directory ?? answers.name;
  const dir = resolve(where);
  const spec = toSpec(answers);
  const plan = renderPlan(spec);
  const replaced = checkTarget(where, plan, force);
  const replacing = replaced.length > 0 ? `\n${c.yellow(`--force replaces ${replaced.length} existing file${replaced.length === 1 ? '' : 's'}:`)}\n${replaced.map((p) => `  ${p}`).join('\n')}` : '';

  if (flags.dryRun) {
    console.log(`Would write ${plan.size} files to ${dir}:\n${formatTree(plan, where)}${replacing}`);
    remoteNote(spec);
    return 0;
  }
  await writeProject(where, plan, { force });
  console.error(`${c.green('✔')} Wrote ${plan.size} files to ${dir}${replacing}`);
  remoteNote(spec);

  // A no-code definition has no package to install.
  const install = flags.install && spec.runtime === 'service';
  if (install) await npmInstall(dir, where);
  if (flags.git) {
    const git = await gitInit(dir).catch((err: Error) => `failed: ${err.message.split('\n')[0]}`);
    if (git === 'inside-repo') console.error(c.dim('  Inside an existing git repository: commit the new files there.'));
    else if (git !== 'created') console.error(c.yellow(`  git init ${git}`));
  }
  console.log(banner(spec, dir, install));
  return 0;
}

/**
 * The integration name a directory suggests, as create-vite makes package names: lowercase, other
 * characters as '-'. Said when it differs, so that an error about it names where it came from.
 */
function nameFrom(directory: string): string {
  const base = basename(resolve(directory));
  const name = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 53).replace(/-+$/, '');
  if (name && name !== base) console.error(c.dim(`Integration name ${name} (from the directory ${base}); --name sets another.`));
  if (!name) throw new InputError('directory', directory, 'gives no integration name (letters or digits needed); pass --name');
  return name;
}

/** Not an error (most integrations run in Keptn's cluster), but said before anyone deploys remotely. */
function remoteNote(spec: Spec): void {
  if (spec.runtime !== 'service' || spec.inClusterOnly.length === 0) return;
  const verb = spec.inClusterOnly.length === 1 ? 'reaches' : 'reach';
  console.error(c.yellow(`note: ${spec.inClusterOnly.join(', ')} ${verb} ${spec.name} only in Keptn's own cluster: a remote execution plane receives .triggered events only.`));
}

const REGENERATE_EXAMPLES = `
Exit codes: 0 done (or nothing to do), 1 error or, with --check, something would change or a
file still holds conflict markers, 3 conflicts written as markers (or still unresolved) for you to
resolve.

Examples:
  $ npx create-keptn-integration regenerate                  # the project in this directory
  $ npx create-keptn-integration regenerate --check --diff   # in CI: fail when templates moved on
  $ npx create-keptn-integration regenerate --set keptn=0.8  # switch the target Keptn release
  $ npx create-keptn-integration regenerate integrations/* --json`;

function regenerateCommand(cmd: Command, done: (code: number) => void): void {
  const collect = (value: string, all: string[] = []) => [...all, value];
  cmd
    .command('regenerate')
    .description('Bring newer templates or changed answers into generated projects, keeping your changes (3-way merge).')
    .argument('[directories...]', 'projects to regenerate (default: .)')
    .option('--check', 'write nothing; exit 1 when regenerate would change something, listing the files')
    .option('--diff', 'with --check (or without), print unified diffs of what changes')
    .option('--set <key=value>', 'change an answer, e.g. --set keptn=0.8 (repeatable)', collect)
    .option('--restore <path>', 'bring back a generated file you deleted (repeatable)', collect)
    .option('--json', 'machine-readable report on stdout')
    .option('--allow-downgrade', 'regenerate a project recorded by a newer create-keptn-integration with these older templates')
    .option('-y, --yes', 'never prompt (regenerate never does; accepted for symmetry with create)')
    .addHelpText('after', REGENERATE_EXAMPLES)
    .action(async (directories: string[], flags: { check?: boolean; diff?: boolean; json?: boolean; allowDowngrade?: boolean; set?: string[]; restore?: string[] }) => {
      const { regenerate } = await import('./regenerate-command.js');
      done(await regenerate(directories, { ...flags, set: flags.set ?? [], restore: flags.restore ?? [] }));
    });
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // `help` and `help regenerate` as a CLI user expects them, not as a directory named "help".
  if (argv[2] === 'help') argv = [...argv.slice(0, 2), ...argv.slice(3), '--help'];
  // Output piped into `head` ends early: that is no error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const cmd = program();
  let code = 0;
  cmd.action(async (directory: string | undefined, flags: CreateFlags) => {
    code = await create(directory, flags);
  });
  regenerateCommand(cmd, (c) => (code = c));
  try {
    await cmd.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof Error && err.name === 'ExitPromptError') {
      console.error(c.yellow('Cancelled: nothing was written.'));
      return 130;
    }
    console.error(`${c.red('error:')} ${userMessage(err)}`);
    return 1;
  }
}

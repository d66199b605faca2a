// The command line, kept thin: the create command's options are derived from the answer table
// (create-command.ts runs it), regenerate's are its own (regenerate-command.ts runs it).
import { Command, CommanderError, Option } from 'commander';
import { ANSWERS, defaultForHelp, type Answers } from './answers.js';
import { create, type CreateOptions } from './create-command.js';
import { existsSync } from 'node:fs';
import { Cancelled } from './errors.js';
import { editDistance } from './rules.js';
import { chooseColour, colour, userMessage } from './ui.js';
import { GENERATOR } from './version.js';

/** What commander gives the create action: its options, and the answers by attribute name. */
type CreateFlags = CreateOptions & Record<string, unknown>;

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
    .description(
      'Create a complete, working Keptn integration: service, tests, Helm chart, shipyard and resources (or a job-executor definition).',
    )
    .version(GENERATOR.version, '-v, --version')
    .argument('[directory]', 'where to create the project (default: the integration name)')
    .showHelpAfterError('(run with --help for every option)')
    .exitOverride()
    // The command column is wide (regenerate's arguments): wrap descriptions even in 80 columns.
    .configureHelp({ minWidthToWrap: 24 });
  for (const def of ANSWERS) cmd.addOption(new Option(def.flag, `${def.help}${defaultForHelp(def)}; e.g. ${def.example}`));
  cmd
    .option('-y, --yes', 'never prompt: take defaults; a missing required answer is an error; e.g. --kind generic --task my-task --yes')
    .option('--answers <file>', 'read answers from a JSON or YAML file (keys = long option names; flags win); e.g. --answers answers.yaml')
    .option('--dry-run', 'print the files that would be written, write nothing; e.g. --kind test-tool --yes --dry-run')
    .option(
      '--force',
      'write into a non-empty directory (files the templates do not produce are kept; regenerate keeps your edits instead); e.g. . --force',
    )
    .option('--no-install', 'skip npm install in the new project; e.g. --no-install, then npm install yourself')
    .option('--no-git', 'skip git init and the initial commit; e.g. --no-git inside a monorepo')
    .option(
      '--color',
      'colours even when the output is no terminal (above FORCE_COLOR and NO_COLOR); e.g. --color in a CI log that shows them',
    )
    .option('--no-color', 'no colours, also on a terminal; e.g. --no-color for a screen reader')
    .hook('preAction', (root) => chooseColour(root.opts().color as boolean | undefined))
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
    .option('--check', 'write nothing; exit 1 when regenerate would change something, listing the files; e.g. --check in CI')
    .option('--diff', 'with --check (or without), print unified diffs of what changes; e.g. --check --diff')
    .option(
      '--set <key=value>',
      `change an answer (repeatable), key one of ${ANSWERS.map((d) => d.key).join(', ')}; e.g. --set keptn=0.8`,
      collect,
    )
    .option('--restore <path>', 'bring back a generated file you deleted (repeatable); e.g. --restore .github/workflows/ci.yml', collect)
    .option('--json', 'machine-readable report on stdout; e.g. --json | jq .projects')
    .option(
      '--allow-downgrade',
      'regenerate a project recorded by a newer create-keptn-integration with these older templates; e.g. ' +
        '--allow-downgrade to go back one release',
    )
    .option('-y, --yes', 'never prompt (regenerate never does; accepted for symmetry with create); e.g. --yes')
    .addHelpText('after', REGENERATE_EXAMPLES)
    .action(
      async (
        directories: string[],
        flags: { check?: boolean; diff?: boolean; json?: boolean; allowDowngrade?: boolean; set?: string[]; restore?: string[] },
      ) => {
        const { regenerate } = await import('./regenerate-command.js');
        done(await regenerate(directories, { ...flags, set: flags.set ?? [], restore: flags.restore ?? [] }));
      },
    );
}

/**
 * The command a first word was most likely meant to be, as git and npm suggest one: within two
 * edits of `regenerate` or `help`, and no folder of that name here (that would be a project to create).
 */
function commandTypo(word: string | undefined): string | undefined {
  if (!word || word.startsWith('-') || word.includes('/') || existsSync(word)) return undefined;
  // `help` is short: only a slip of its own letters (`hlep`), not a name like `kelp`.
  return ['regenerate', 'help'].find(
    (command) => word !== command && word[0] === command[0] && editDistance(word, command) <= (command.length > 4 ? 2 : 1),
  );
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // `help` and `help regenerate` as a CLI user expects them, not as a directory named "help".
  if (argv[2] === 'help') argv = [...argv.slice(0, 2), ...argv.slice(3), '--help'];
  const typo = commandTypo(argv[2]);
  if (typo) {
    console.error(
      `${colour.err.red('error:')} unknown command ${JSON.stringify(argv[2])}: did you mean ${typo}? (to ` +
        `create a project in a folder of that name, pass ./${argv[2]})`,
    );
    return 1;
  }
  // -V as well as -v, as many CLIs spell it (commander takes one short flag for the version).
  if (argv.length === 3 && argv[2] === '-V') argv = [...argv.slice(0, 2), '-v'];
  // Output piped into `head` ends early: that is no error, and the run goes on to its own exit
  // code (`regenerate --check | head -1` still fails on drift). What is written after is dropped.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
  const cmd = program();
  let code = 0;
  cmd.action(async (directory: string | undefined, flags: CreateFlags) => {
    code = await create(directory, flagAnswers(flags), flags);
  });
  regenerateCommand(cmd, (c) => (code = c));
  try {
    await cmd.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof Cancelled || (err instanceof Error && err.name === 'ExitPromptError')) {
      console.error(colour.err.yellow('Cancelled: nothing was written.'));
      return 130;
    }
    console.error(`${colour.err.red('error:')} ${userMessage(err)}`);
    return 1;
  }
}

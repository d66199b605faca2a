// `create-keptn-integration regenerate`: bring newer templates (or changed answers) into existing
// projects, keeping what their owners changed.
import { isUtf8 } from 'node:buffer';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { ANSWERS, asGiven, resolveAnswers, type Answers, type Resolved } from './answers.js';
import { InputError, UserError } from './errors.js';
import { renderPlan, type Plan } from './plan.js';
import { LAYOUT, movesFrom } from './layouts.js';
import { hasConflictMarkers, hasMarkerLines, OURS_LABEL } from './merge.js';
import { decodeRecord, RECORD_FILE, withConflicts, type ProjectRecord } from './record.js';
import { besidePath, NOT_TEXT, planRegeneration, WRITES, type FileChange, type FileStatus } from './regenerate.js';
import { toBlueprint } from './blueprint.js';
import { colour, userMessage } from './ui.js';
import { compareVersions, GENERATOR } from './version.js';
import { applyChanges, inside, recover } from './writer.js';

export interface RegenerateOptions {
  check?: boolean;
  /** Regenerate a project recorded by a newer generator with this one's older templates. */
  allowDowngrade?: boolean;
  diff?: boolean;
  json?: boolean;
  set: string[];
  restore: string[];
}

export interface ProjectReport {
  dir: string;
  result: 'unchanged' | 'changed' | 'conflict' | 'error';
  error?: string;
  /** Why the record itself would be rewritten (beyond the generator's version stamp). */
  record?: string;
  /** Files still holding the markers of an earlier run's conflict. */
  unresolved?: string[];
  files: { path: string; status: FileStatus; beside?: string }[];
}

/** `--set key=value` pairs as answers; keys are the long option names. */
export function parseSets(sets: string[]): Answers {
  const out: Answers = {};
  for (const pair of sets) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq) : pair;
    if (eq <= 0) throw new InputError('--set', pair, 'must be key=value, e.g. --set keptn=0.8');
    if (!ANSWERS.some((d) => d.key === key)) {
      throw new InputError('--set', pair, `key must be one of: ${ANSWERS.map((d) => d.key).join(', ')}`);
    }
    out[key] = pair.slice(eq + 1);
  }
  return out;
}

async function regenerateOne(dir: string, options: RegenerateOptions, sets: Answers): Promise<{ report: ProjectReport; diffs: string[] }> {
  if (!existsSync(dir))
    throw new UserError(`${dir} does not exist: regenerate takes the directories of projects made by ${GENERATOR.name}`);
  if (!statSync(dir).isDirectory())
    throw new UserError(`${dir} is a file: regenerate takes the directories of projects made by ${GENERATOR.name}`);
  // A killed run's half-done write is rolled back before anything is read (--check only says so).
  recover(dir, options.check);
  const recordPath = join(dir, RECORD_FILE);
  if (!existsSync(recordPath)) {
    throw new InputError(
      recordPath,
      undefined,
      'regenerate works on projects made by create-keptn-integration, which keep their answers there',
    );
  }
  const recordText = readFileSync(recordPath, 'utf8');
  const record = decodeRecord(recordText, recordPath);
  // Before the version: --allow-downgrade writes older templates, but cannot put files back where
  // an older layout had them.
  if (record.layout > LAYOUT) {
    throw new InputError(
      `${recordPath}: layout`,
      record.layout,
      `is newer than the layouts this ${GENERATOR.name} (${GENERATOR.version}) knows (1 to ${LAYOUT}): regenerate ` +
        `with the ${GENERATOR.name} that wrote it (${record.generator.version}) or a later one; --allow-downgrade ` +
        `cannot move files back`,
    );
  }
  if (compareVersions(record.generator.version, GENERATOR.version) > 0 && !options.allowDowngrade) {
    throw new InputError(
      `${recordPath}: generator`,
      record.generator.version,
      `is newer than this ${GENERATOR.name} (${GENERATOR.version}): run ` +
        `${GENERATOR.name}@${record.generator.version} or later, or pass --allow-downgrade to write older ` +
        `templates`,
    );
  }
  // The record's own answers must hold by themselves: a bad one is the record's, not a flag's.
  let recorded: Resolved;
  try {
    recorded = await resolveAnswers({}, undefined, record.answers);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`${recordPath}: answer ${err.field.replace(/^--/, '')}`, err.value, err.rule);
    throw err;
  }
  // The recorded answers stand in for the defaults: one that a --set makes moot (an image, after
  // --set runtime=job-executor) is dropped, while what --set gives must apply.
  const sources = Object.fromEntries(Object.keys(sets).map((key) => [key, `--set ${key}`]));
  const answers =
    Object.keys(sets).length === 0
      ? recorded
      : await resolveAnswers(sets, undefined, following(record.answers, recorded, sets)).catch((err: unknown) => {
          throw asGiven(err, sources);
        });
  const blueprint = toBlueprint(answers);
  const next = renderPlan(blueprint);
  // The plan's record is the next one: these answers, this generator, the files rendered now.
  const nextRecord = next.get(RECORD_FILE)!;
  next.delete(RECORD_FILE);
  for (const path of options.restore) {
    if (!next.has(path)) throw new InputError('--restore', path, 'must name a file the templates generate for this project');
  }
  const read = (path: string) => {
    const full = inside(dir, path);
    if (!existsSync(full)) return undefined;
    const bytes = readFileSync(full);
    // Decoded only when that is lossless: anything else would come back with its bytes rewritten.
    return isUtf8(bytes) && !bytes.includes(0) ? bytes.toString('utf8') : NOT_TEXT;
  };
  const changes = planRegeneration(
    read,
    record.base,
    next,
    {
      ours: OURS_LABEL,
      base: `generated by ${record.generator.name} ${record.generator.version} (last time)`,
      theirs: `generated by ${GENERATOR.name} ${GENERATOR.version} (now)`,
    },
    new Set(options.restore),
    movesFrom(record.layout),
  );
  // A conflict reported before and not yet resolved stays one: the file is left alone and the run
  // fails, so that a --check in CI cannot pass with markers in the tree. In a file the last run
  // left in conflict any marker line counts (relabelled, CRLF, half removed); elsewhere only our own.
  // A file that is not text stays in conflict while the rendering beside it is there.
  const unresolved: string[] = [];
  for (const ch of changes) {
    const listed = record.conflicts.includes(ch.path);
    if (ch.current !== undefined && (hasConflictMarkers(ch.current) || (listed && hasMarkerLines(ch.current)))) {
      Object.assign(ch, { status: 'conflict', next: undefined });
      unresolved.push(ch.path);
    } else if (listed && ch.status !== 'conflict' && existsSync(inside(dir, besidePath(ch.path))) && read(ch.path) === NOT_TEXT) {
      Object.assign(ch, { status: 'conflict', next: undefined, beside: besidePath(ch.path) });
      unresolved.push(ch.path);
    }
  }

  const writes = changes.filter((ch) => WRITES.includes(ch.status) && ch.next !== undefined);
  const conflicts = changes.filter((ch) => ch.status === 'conflict').map((ch) => ch.path);
  const recordDrift = driftOf(record, blueprint.answers, next);
  // The record moves on (new base, version, layout, answers) whenever the run gets this far: a
  // clean run or one with reported conflicts. A new version or layout alone (no file moved) is no
  // drift for --check, nor is a conflict resolved since the last run.
  const stamp =
    record.generator.version !== GENERATOR.version || record.layout !== LAYOUT || record.conflicts.join('\n') !== conflicts.join('\n');
  if (!options.check && (writes.length > 0 || recordDrift || stamp)) {
    await applyChanges(dir, changes, withConflicts(nextRecord, conflicts));
  }
  const diffs = options.diff ? await unifiedDiffs(writes) : [];
  return {
    report: {
      dir,
      result: conflicts.length > 0 ? 'conflict' : writes.length > 0 || recordDrift ? 'changed' : 'unchanged',
      // Said when the record alone changes: a corrupt or foreign base, answers written by hand.
      ...(recordDrift && writes.length === 0 && conflicts.length === 0 ? { record: recordDrift } : {}),
      ...(unresolved.length > 0 ? { unresolved } : {}),
      files: changes.map(({ path, status, beside }) => ({ path, status, ...(beside ? { beside } : {}) })),
    },
    diffs,
  };
}

/**
 * The recorded answers as defaults for a run with --set, less those that were only a default
 * which the set answers move: `--set kind=generic` brings the generic kind's description unless
 * the owner wrote their own; an answer the owner chose stays.
 */
function following(given: Answers, recorded: Answers, sets: Answers): Answers {
  const moved = { ...recorded, ...sets };
  return Object.fromEntries(
    Object.entries(given).filter(([key, value]) => {
      const def = ANSWERS.find((d) => d.key === key);
      return !def || def.default(recorded) !== value || def.default(moved) === value;
    }),
  );
}

/**
 * What a run would change in the record beyond the version stamp, in words, or undefined: its
 * answers, its base (the files as generated now), keys of its own. (A conflict resolved since is
 * none: the run that notices forgets it, and --check does not ask for that run.)
 */
function driftOf(record: ProjectRecord, answers: Answers, next: Plan): string | undefined {
  if (record.foreign) return `it holds keys ${GENERATOR.name} does not write (${record.foreign.join(', ')})`;
  if (record.generator.name !== GENERATOR.name) return `it was written by ${record.generator.name}`;
  const sorted = (a: Answers) => JSON.stringify(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : 1)));
  if (sorted(record.answers) !== sorted(answers)) return 'its answers change';
  if (record.base.size !== next.size || [...next].some(([path, content]) => record.base.get(path) !== content)) {
    return 'its base (the files as generated last time) changes';
  }
  return undefined;
}

async function unifiedDiffs(writes: FileChange[]): Promise<string[]> {
  const { createTwoFilesPatch } = await import('diff');
  return writes.map((ch) => createTwoFilesPatch(`a/${ch.path}`, `b/${ch.path}`, ch.current ?? '', ch.next ?? '', 'now', 'regenerated'));
}

const COLOURS: Partial<Record<FileStatus, (s: string) => string>> = {
  updated: colour.out.green,
  added: colour.out.green,
  merged: colour.out.cyan,
  conflict: colour.out.red,
  removed: colour.out.yellow,
  kept: colour.out.yellow,
  'kept-deleted': colour.out.dim,
};

/** Runs regenerate over `dirs`; returns the exit code (0 fine, 1 error or --check drift, 3 conflicts). */
export async function regenerate(dirs: string[], options: RegenerateOptions): Promise<number> {
  const sets = parseSets(options.set);
  const reports: ProjectReport[] = [];
  for (const dir of dirs.length > 0 ? dirs : [projectAbove(process.cwd())]) {
    try {
      const { report, diffs } = await regenerateOne(dir, options, sets);
      reports.push(report);
      if (!options.json) printProject(report, options.check ?? false, diffs);
    } catch (err) {
      const message = userMessage(err);
      reports.push({ dir, result: 'error', error: message, files: [] });
      if (!options.json) console.error(`${colour.err.red('error:')} ${message}`);
    }
  }
  if (options.json) console.log(JSON.stringify({ generator: GENERATOR, check: options.check ?? false, projects: reports }, null, 2));
  else if (reports.length > 1) console.log(summaryTable(reports));
  if (reports.some((r) => r.result === 'error')) return 1;
  if (options.check && reports.some((r) => r.result !== 'unchanged')) return 1;
  return reports.some((r) => r.result === 'conflict') ? 3 : 0;
}

/**
 * The project holding `from`, as git finds its repository: the nearest folder upward with a
 * record, relative to the working directory ('.' there, where none is found: its error says why).
 */
function projectAbove(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, RECORD_FILE))) return relative(from, dir) || '.';
    if (dir === dirname(dir)) return '.';
  }
}

/** A project as the report names it: its path from here, or its name when it is here or above. */
function label(dir: string): string {
  const path = relative('.', dir);
  return path === '' || path.split(sep)[0] === '..' ? basename(resolve(dir)) : path;
}

function printProject(report: ProjectReport, check: boolean, diffs: string[]): void {
  const name = label(report.dir);
  const shown = report.files.filter((f) => f.status !== 'unchanged');
  const verdict = {
    unchanged: colour.out.green('up to date'),
    changed: check ? colour.out.yellow('would change') : colour.out.green('regenerated'),
    conflict: colour.out.red(check ? 'would conflict' : 'conflicts to resolve'),
    error: '',
  }[report.result];
  console.log(`${colour.out.bold(name)}: ${verdict}`);
  for (const f of shown) console.log(`  ${(COLOURS[f.status] ?? String)(f.status.padEnd(12))} ${f.path}`);
  for (const d of diffs) console.log(d);
  if (report.record)
    console.log(`  ${colour.out.yellow((check ? 'would update' : 'updated').padEnd(12))} ${RECORD_FILE}: ${report.record}`);
  for (const line of conflictAdvice(report, check)) console.log(colour.out.dim(`  ${line}`));
}

/** What to do about conflicts: --check wrote no markers, so it says what a run would do. */
function conflictAdvice(report: ProjectReport, check: boolean): string[] {
  if (report.result !== 'conflict') return [];
  const unresolved = report.unresolved ?? [];
  const fresh = report.files.filter((f) => f.status === 'conflict' && !unresolved.includes(f.path) && !f.beside);
  const marked = unresolved.filter((path) => !report.files.find((f) => f.path === path)?.beside);
  const lines =
    marked.length > 0 ? [`Still holding conflict markers from an earlier run: ${marked.join(', ')}. Resolve them, then commit.`] : [];
  const beside = report.files.filter((f) => f.beside && unresolved.includes(f.path));
  if (beside.length > 0)
    lines.push(
      `Still in conflict from an earlier run (not text): ` +
        `${beside.map((f) => `${f.path} beside ${f.beside}`).join(', ')}. Delete each ${'.regenerated'} file ` +
        `once you took what you need.`,
    );
  for (const f of report.files) {
    if (!f.beside || unresolved.includes(f.path)) continue;
    lines.push(
      `${f.path} is not UTF-8 text, so it is kept as it is: the new rendering ${check ? 'would go' : 'is'} ` +
        `beside it in ${f.beside}. Take what you need, then delete ${f.beside}.`,
    );
  }
  if (fresh.length === 0) return lines;
  return [
    ...lines,
    check
      ? 'A run without --check would write conflict markers (<<<<<<< … >>>>>>>) into the files marked conflict, for you to resolve.'
      : 'Resolve the conflict markers (<<<<<<< … >>>>>>>) in the files marked conflict, then commit.',
  ];
}

const COUNTED: FileStatus[] = ['updated', 'added', 'merged', 'conflict', 'removed', 'kept-deleted', 'kept'];

function summaryTable(reports: ProjectReport[]): string {
  const rows = reports.map((r) => [label(r.dir), ...COUNTED.map((s) => String(r.files.filter((f) => f.status === s).length)), r.result]);
  const header = ['project', ...COUNTED, 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (i < row.length - 1 ? row[i].length : 0))));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ');
  return ['', line(header), ...rows.map(line)].join('\n');
}

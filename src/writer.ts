// The only module that writes the project to disk. Every write is all-or-nothing: a new project is
// made in a staging folder and renamed into place; a write into an existing directory (an empty
// one, --force, a regeneration) stages every file first and then moves each into place under a
// journal, so that a failure rolls it back at once and a run killed outright is rolled back by
// the next one. Paths are checked whole before the first file, through symbolic links too.
import {
  accessSync,
  chmodSync,
  constants,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statfsSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError, UserError, WriteError } from './errors.js';
import type { Plan } from './plan.js';
import { RECORD_FILE } from './record.js';
import type { FileChange } from './regenerate.js';

/** A new file's mode: scripts are executable. A file that exists keeps its owner's mode. */
const modeOf = (path: string) => (/\.sh$/.test(path) ? 0o755 : 0o644);

/** A name part no other run uses at the same time (node:crypto would cost a few ms to load). */
const unique = () => `${process.pid}-${Date.now().toString(36)}`;

/** Staging folders, beside a new target or inside an existing one: .keptn-integration.<pid>-<time>.tmp */
const STAGING = /^\.keptn-integration\.(\d+)-[a-z0-9]+\.tmp$/;
const stagingName = () => `.keptn-integration.${unique()}.tmp`;
/** What regenerate 0.1.0 left beside a file when killed between writing and renaming it. */
const STRAY = /^(.+)\.(\d+)-[a-z0-9]+\.tmp$/;

export interface WriteOptions {
  /** Write into a non-empty directory; files the plan does not name are left alone. */
  force?: boolean;
}

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENAMETOOLONG: 'a name in the path is longer than the file system allows',
  ELOOP: 'too many levels of symbolic links',
  EBUSY: 'the file system says it is busy',
};

function writeError(where: string, err: unknown): Error {
  if (err instanceof UserError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return code in REASONS ? new WriteError(`cannot write ${where}: ${REASONS[code]} (${code})`) : (err as Error);
}

/** Kernel file systems (statfs f_type, linux/magic.h): mkdir there fails in ways that are no disk's. */
const KERNEL_FS: Record<number, string> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x1cd1: 'devpts',
  0x63677270: 'cgroup2',
  0x27e0eb: 'cgroup',
  0x64626720: 'debugfs',
  0x73636673: 'securityfs',
  0x74726163: 'tracefs',
  0xcafe4a11: 'bpf',
  0x6e736673: 'nsfs',
  0x42494e4d: 'binfmt_misc',
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A staging folder's pid, if `name` is one (or, beside `target`, one of 0.1.0's: .<target>.<pid>-<time>.tmp). */
function stagingPid(name: string, target?: string): number {
  const m =
    STAGING.exec(name) ?? (target && name.startsWith(`.${target}.`) ? /^(\d+)-[a-z0-9]+\.tmp$/.exec(name.slice(target.length + 2)) : null);
  return Number(m?.[1] ?? 0);
}

/** lstat, or undefined where nothing is. */
function look(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** How a path is named in a message: as the user gave it, joined with a project path. */
const named = (dir: string, path = '') => join(dir, path) || '.';

interface Target {
  /** The real path of the existing target; undefined when it is still to be made. */
  real?: string;
  /** A new target: the deepest folder on its way that exists (real path), and the names below it. */
  anchor?: string;
  missing?: string[];
  /** Entries already there, not counting what killed runs left. */
  entries: string[];
}

/** The target and every folder on its way, checked: one WriteError or InputError naming the trouble. */
function inspect(dir: string, force: boolean): Target {
  const target = resolve(dir);
  const fileInWay = (p: string) => new WriteError(`${p === target ? dir : relative(process.cwd(), p) || p} is a file, not a directory`);
  // The target, then its parents up to the first that exists.
  for (let p = target; ; p = dirname(p)) {
    let st: Stats | undefined;
    try {
      st = look(p);
    } catch (err) {
      // ENOTDIR: a folder on its way is a file; found as the walk goes up.
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
      throw writeError(dir, err);
    }
    if (!st) {
      if (p === dirname(p)) throw new WriteError(`cannot write ${dir}: its root does not exist`);
      continue;
    }
    if (st.isSymbolicLink()) {
      let real: Stats;
      try {
        real = statSync(p);
      } catch {
        throw new WriteError(
          `${p === target ? dir : relative(process.cwd(), p) || p} is a symbolic link to ${readlinkSync(p)}, which does not exist`,
        );
      }
      if (!real.isDirectory()) throw fileInWay(p);
    } else if (!st.isDirectory()) throw fileInWay(p);
    const real = realpathSync(p);
    writable(real, dir);
    if (p !== target) return { anchor: real, missing: relative(p, target).split(sep), entries: [] };
    const entries = readdirSync(real).filter((name) => {
      const pid = stagingPid(name);
      if (pid && alive(pid) && pid !== process.pid)
        throw new WriteError(`cannot write ${dir}: another create-keptn-integration run (pid ${pid}) is writing into it`);
      return !pid;
    });
    if (!force && entries.length > 0) {
      throw new InputError('directory', dir, 'must be empty or not exist; pass --force to write into it (other files are kept)');
    }
    return { real, entries };
  }
}

/** Refuses a folder this user may not write into, or one on a kernel file system (/proc). */
function writable(real: string, dir: string): void {
  const kernel = KERNEL_FS[statfsSync(real).type];
  if (kernel) {
    let top = real;
    while (dirname(top) !== top && KERNEL_FS[statfsSync(dirname(top)).type] === kernel) top = dirname(top);
    throw new WriteError(`cannot write ${dir}: ${top} is a kernel file system (${kernel}), not a place for files`);
  }
  try {
    accessSync(real, constants.W_OK);
  } catch (err) {
    throw writeError(dir, err);
  }
}

/** Project folder (root + path) → where it really is, for the folders that exist. */
const folders = new Map<string, string>();

/**
 * Where a project path really is, following the symbolic links on its way: refused when one
 * leads outside the project or nowhere, or when a folder stands where a file goes (or the
 * reverse). `shown` names the project in messages.
 */
function within(root: string, shown: string, path: string): string {
  const parts = path.split('/');
  let at = root;
  let i = 0;
  // The folders already followed (regenerate asks for every file of a folder in turn).
  for (let j = parts.length - 1; j > 0; j--) {
    const known = folders.get(`${root}${sep}${parts.slice(0, j).join(sep)}`);
    if (known) {
      [at, i] = [known, j];
      break;
    }
  }
  for (; i < parts.length; i++) {
    const next = at + sep + parts[i];
    const where = named(shown, parts.slice(0, i + 1).join('/'));
    let st: Stats | undefined;
    try {
      st = look(next);
    } catch (err) {
      throw writeError(where, err);
    }
    if (!st) return [next, ...parts.slice(i + 1)].join(sep);
    let real = next;
    if (st.isSymbolicLink()) {
      const link = readlinkSync(next);
      try {
        real = realpathSync(next);
        st = statSync(real);
      } catch {
        throw new WriteError(`${where} is a symbolic link to ${link}, which does not exist`);
      }
      if (real !== root && !real.startsWith(root + sep))
        throw new WriteError(`${where} is a symbolic link to ${link}, outside the project: nothing is written through it`);
    }
    const last = i === parts.length - 1;
    if (!last && !st.isDirectory()) throw new WriteError(`${where} is a file where a generated folder goes (ENOTDIR)`);
    if (last && st.isDirectory()) throw new WriteError(`${where} is a directory where a generated file goes (EISDIR)`);
    if (!last) folders.set(`${root}${sep}${parts.slice(0, i + 1).join(sep)}`, real);
    at = real;
  }
  return at;
}

/** The target's trouble, if any, before a question is asked or a file written. */
export function targetProblem(dir: string, force = false): Error | undefined {
  try {
    inspect(dir, force);
    return undefined;
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
}

/** Linux's PATH_MAX, counting the terminating NUL. */
const PATH_MAX = 4096;

/**
 * Throws the target's trouble, checking the path of every file of the plan; returns the files of
 * the plan that already exist there (--force replaces them).
 */
export function checkTarget(dir: string, plan: Plan, force = false): string[] {
  const t = inspect(dir, force);
  const longest = [...plan.keys()].reduce((a, b) => (Buffer.byteLength(b) > Buffer.byteLength(a) ? b : a), '');
  // The longest path a file is written at (in staging) must fit.
  const staged = t.real ? join(t.real, stagingName(), 'new', longest) : join(t.anchor!, stagingName(), ...t.missing!, longest);
  if (Buffer.byteLength(staged) >= PATH_MAX) throw writeError(dir, Object.assign(new Error(), { code: 'ENAMETOOLONG' }));
  if (!t.real) return [];
  const replaced: string[] = [];
  for (const path of plan.keys()) if (look(within(t.real, dir, path))) replaced.push(path);
  // In the order the plan had before it was sorted by code unit (see renderPlan).
  return replaced.sort((x, y) => x.localeCompare(y));
}

/**
 * Runs `work` (synchronous) with SIGINT and SIGTERM held back until it is done: a signal then
 * ends the run with the signal's exit code, the write finished. A kill -9 cannot be held back:
 * the next run rolls back what it left (recover).
 */
async function held<T>(work: () => T): Promise<T> {
  let signal: NodeJS.Signals | undefined;
  const onSignal = (s: NodeJS.Signals) => (signal ??= s);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return work();
  } finally {
    // A signal that came during the work is delivered on the next turn of the event loop.
    await new Promise((r) => setImmediate(r));
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (signal) process.exit(signal === 'SIGINT' ? 130 : 143);
  }
}

/**
 * Writes the plan into `dir`. A new directory is filled in a staging folder beside it and renamed
 * into place; an existing one (empty, or with --force) is written into in place, all or nothing.
 */
export async function writeProject(dir: string, plan: Plan, options: WriteOptions = {}): Promise<void> {
  recover(dir);
  // Checked again right before writing (the answers may have taken a while); which files --force
  // replaces is the caller's to list (checkTarget).
  checkTarget(dir, plan, options.force);
  const t = inspect(dir, options.force ?? false);
  try {
    await held(() => {
      if (t.real)
        return install(
          t.real,
          [...plan].map(([path, content]) => ({ path, content })),
        );
      const staging = join(t.anchor!, stagingName());
      mkdirSync(staging);
      try {
        let root = staging;
        for (const name of t.missing!) mkdirSync((root = join(root, name)));
        writeTree(root, plan.keys(), (path) => ({ content: plan.get(path)! }));
        renameSync(join(staging, t.missing![0]), join(t.anchor!, t.missing![0]));
      } finally {
        rmSync(staging, { recursive: true, force: true, maxRetries: 3 });
      }
    });
  } catch (err) {
    throw writeError(dir, err);
  }
}

/** A file to put in place: its content, or none to remove it; a mode to keep (the owner's). */
interface Entry {
  path: string;
  content?: string | Uint8Array;
  mode?: number;
}

/**
 * Writes files under root, a folder made for them: one mkdir per folder (sorted, a folder comes
 * before the folders in it), synchronous calls. Some 40 small files take half the time that
 * promises through libuv's thread pool take. Plan paths are relative and normalized, so joined by
 * hand: path.join's normalizing, once per file, grows hot enough for V8's optimizing compiler,
 * whose code costs 4 MB of peak memory.
 */
function writeTree(root: string, paths: Iterable<string>, entry: (path: string) => Omit<Entry, 'path'>): void {
  const all = [...paths];
  const dirs = new Set<string>();
  for (const path of all) for (let d = dirname(path); d !== '.' && !dirs.has(d); d = dirname(d)) dirs.add(d);
  for (const d of [...dirs].sort()) mkdirSync(`${root}${sep}${d}`);
  for (const path of all) {
    const { content, mode } = entry(path);
    const full = `${root}${sep}${path}`;
    writeFileSync(full, content!, { mode: mode ?? modeOf(path) });
    if (mode !== undefined) chmodSync(full, mode);
  }
}

interface Journal {
  /** Each path, and whether a new file goes there (false: it is removed). */
  files: [string, boolean][];
  /** Folders the project did not have, made for new files. */
  created: string[];
}

/**
 * Puts entries in place under root (an existing directory) all or nothing: every new file is
 * written into a staging folder inside root first; then, under a journal, each file there is
 * moved aside (into staging) and the new one renamed into its place, the record last. Removing the
 * journal commits; a failure before that rolls back at once, a kill on the next run.
 */
function install(root: string, entries: Entry[]): void {
  const staging = join(root, stagingName());
  const fresh = join(staging, 'new');
  const old = join(staging, 'old');
  const writes = entries.filter((e) => e.content !== undefined);
  const byPath = new Map(writes.map((e) => [e.path, e]));
  let journal: Journal | undefined;
  // Kept when a rollback could not finish: the files set aside are in it, for the next run.
  let keep = false;
  mkdirSync(staging);
  try {
    mkdirSync(fresh);
    writeTree(fresh, byPath.keys(), (path) => byPath.get(path)!);
    const created = new Set<string>();
    for (const { path } of writes)
      for (let d = dirname(path); d !== '.' && !created.has(d) && !look(join(root, d)); d = dirname(d)) created.add(d);
    const files = entries.map((e): [string, boolean] => [e.path, e.content !== undefined]);
    // The record last: until it is in place, the project reads as the run before.
    files.sort(([a], [b]) => Number(a === RECORD_FILE) - Number(b === RECORD_FILE));
    journal = { files, created: [...created].sort() };
    writeFileSync(join(staging, 'journal.tmp'), JSON.stringify(journal));
    renameSync(join(staging, 'journal.tmp'), join(staging, 'journal.json'));
    for (const d of journal.created) mkdirSync(join(root, d));
    mkdirSync(old);
    const aside = new Set<string>();
    const folderAside = (d: string): void => {
      if (d === '.' || aside.has(d)) return;
      folderAside(dirname(d));
      mkdirSync(join(old, d));
      aside.add(d);
    };
    for (const [path, write] of files) {
      const at = join(root, path);
      if (look(at)) {
        folderAside(dirname(path));
        renameSync(at, join(old, path));
      }
      if (write) renameSync(join(fresh, path), at);
    }
    unlinkSync(join(staging, 'journal.json'));
  } catch (err) {
    if (journal) keep = !rollback(root, staging, journal);
    throw err;
  } finally {
    if (!keep) rmSync(staging, { recursive: true, force: true, maxRetries: 3 });
  }
  for (const e of entries) if (e.content === undefined) removeEmptyFolders(root, dirname(join(root, e.path)));
}

/**
 * Undoes an install that did not commit: new files back into staging, moved-aside files back into
 * place, made folders gone; run again after a kill, it goes on where it stopped.
 * False when a step failed: staging, with the files set aside, must then stay for the next run.
 */
function rollback(root: string, staging: string, journal: Journal): boolean {
  for (const [path, write] of [...journal.files].reverse()) {
    const at = join(root, path);
    try {
      // Ours goes back into staging rather than away: a rollback cut short and run again then
      // never takes an owner's file, already put back, for ours.
      if (write && !look(join(staging, 'new', path)) && look(at)) renameSync(at, join(staging, 'new', path));
      if (look(join(staging, 'old', path))) renameSync(join(staging, 'old', path), at);
    } catch {
      return false;
    }
  }
  for (const d of [...journal.created].reverse()) {
    try {
      rmdirSync(join(root, d));
    } catch {
      // not empty: someone wrote there since
    }
  }
  return true;
}

/**
 * What runs killed outright (SIGKILL, power loss) left in or beside `dir`: an install that did
 * not commit is rolled back, staging folders removed. With `check`, nothing is changed: an
 * uncommitted install is reported instead (the files are then half the old, half the new run).
 */
export function recover(dir: string, check = false): void {
  const target = resolve(dir);
  const places: string[] = [];
  try {
    if (look(target) && statSync(target).isDirectory()) places.push(target);
    let p = dirname(target);
    while (!look(p) && p !== dirname(p)) p = dirname(p);
    places.push(p);
  } catch {
    return; // an odd target: inspect() says what is wrong with it
  }
  for (const place of places) {
    let names: string[];
    try {
      names = readdirSync(place);
    } catch {
      continue;
    }
    for (const name of names) {
      const pid = stagingPid(name, place === target ? undefined : basename(target));
      if (!pid || alive(pid)) continue;
      const staging = join(place, name);
      let journal: Journal | undefined;
      try {
        journal = JSON.parse(readFileSync(join(staging, 'journal.json'), 'utf8'));
      } catch {
        // no journal: nothing was moved into place
      }
      if (check) {
        if (journal)
          throw new WriteError(`${named(dir, name)} is what a killed run left half-done: run regenerate without --check to roll it back`);
        continue;
      }
      try {
        if (!journal || rollback(place, staging, journal)) rmSync(staging, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // tried again by the next run
      }
    }
  }
}

/** The file tree of a plan, for --dry-run: folders first, then files with their sizes. */
export function formatTree(plan: Plan, root: string): string {
  type Node = Map<string, Node | number>;
  const tree: Node = new Map();
  for (const [path, content] of plan) {
    const parts = path.split('/');
    let node = tree;
    for (const dir of parts.slice(0, -1)) {
      if (!node.has(dir)) node.set(dir, new Map());
      node = node.get(dir) as Node;
    }
    node.set(parts[parts.length - 1], Buffer.byteLength(content));
  }
  const lines = [`${root}/`];
  const walk = (node: Node, indent: string) => {
    const entries = [...node].sort(([a, x], [b, y]) => Number(typeof x === 'number') - Number(typeof y === 'number') || a.localeCompare(b));
    entries.forEach(([name, child], i) => {
      const last = i === entries.length - 1;
      const label = typeof child === 'number' ? `${name}  (${child} B)` : `${name}/`;
      lines.push(`${indent}${last ? '└── ' : '├── '}${label}`);
      if (typeof child !== 'number') walk(child, indent + (last ? '    ' : '│   '));
    });
  };
  walk(tree, '');
  return lines.join('\n');
}

/** The real path of each project read or written in this run. */
const roots = new Map<string, string>();
const rootOf = (dir: string) => {
  let root = roots.get(dir);
  if (!root) roots.set(dir, (root = realpathSync(dir)));
  return root;
};

/**
 * A project-relative path from a record, where it really is: refused if it would land outside
 * the project, by its name or through a symbolic link.
 */
export function inside(dir: string, path: string): string {
  const root = resolve(dir);
  const full = resolve(root, path);
  if (isAbsolute(path) || !full.startsWith(root + sep)) {
    throw new InputError('path', path, 'must stay inside the project directory');
  }
  return within(rootOf(dir), dir, relative(root, full).split(sep).join('/'));
}

/** Removes `folder` and its parents up to the project while they are empty (a removed chart/). */
function removeEmptyFolders(root: string, folder: string): void {
  for (let f = folder; f.startsWith(root + sep); f = dirname(f)) {
    try {
      rmdirSync(f);
    } catch {
      return;
    }
  }
}

/** Temporary files regenerate 0.1.0 left beside the files `names` when it was killed: removed. */
function removeStrays(names: string[]): void {
  const byDir = new Map<string, Set<string>>();
  for (const full of names) {
    const dir = dirname(full);
    if (!byDir.has(dir)) byDir.set(dir, new Set());
    byDir.get(dir)!.add(full.slice(dir.length + 1));
  }
  for (const [dir, files] of byDir) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const m = STRAY.exec(entry);
      if (m && files.has(m[1]) && !alive(Number(m[2]))) rmSync(join(dir, entry), { force: true });
    }
  }
}

/**
 * Applies a regeneration all or nothing (install): the changed files, removals and the record.
 * A file that exists keeps its mode: an owner's chmod -x on a generated script stays.
 */
export async function applyChanges(dir: string, changes: FileChange[], record: string): Promise<void> {
  try {
    recover(dir);
    const root = rootOf(dir);
    const entries: Entry[] = [];
    const touched: string[] = [];
    for (const change of [...changes, { path: RECORD_FILE, status: 'updated', next: record } as FileChange]) {
      const full = inside(dir, change.path);
      touched.push(full);
      if (change.next === undefined) continue;
      const path = relative(root, full);
      if (change.next === null) entries.push({ path });
      else entries.push({ path, content: change.next, mode: look(full) ? statSync(full).mode & 0o7777 : undefined });
    }
    await held(() => {
      install(root, entries);
      removeStrays(touched);
    });
  } catch (err) {
    throw writeError(dir, err);
  }
}

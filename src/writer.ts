// The only module that writes the project to disk.
import { constants, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { access, mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError, WriteError } from './errors.js';
import type { Plan } from './plan.js';
import { RECORD_FILE } from './record.js';
import type { FileChange } from './regenerate.js';

/** A file's mode: scripts are executable. */
const modeOf = (path: string) => (/\.sh$/.test(path) ? 0o755 : 0o644);

/** A name part no other run uses at the same time (node:crypto would cost a few ms to load). */
const unique = () => `${process.pid}-${Date.now().toString(36)}`;

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
};

function writeError(where: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return code in REASONS ? new WriteError(`cannot write ${where}: ${REASONS[code]} (${code})`) : (err as Error);
}

/** Staging folders of this name left by runs that were killed outright (SIGKILL, power loss). */
function removeStaleStaging(parent: string, name: string): void {
  if (!existsSync(parent)) return;
  const prefix = `.${name}.`;
  for (const entry of readdirSync(parent)) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    // .<name>.<pid>-<time>.tmp, as unique() names them
    const pid = /^(\d+)-[a-z0-9]+$/.exec(entry.slice(prefix.length, -'.tmp'.length))?.[1];
    if (pid && !alive(Number(pid))) rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Writes the plan into `dir`. A new (or empty) directory is filled in a temporary sibling and
 * renamed into place, so that a failure, Ctrl-C or SIGTERM leaves nothing half-written.
 */
export async function writeProject(dir: string, plan: Plan, options: WriteOptions = {}): Promise<void> {
  const target = resolve(dir);
  // Checked again right before writing (the answers may have taken a while); which files --force
  // replaces is the caller's to list (checkTarget).
  const problem = targetProblem(dir, options.force);
  if (problem) throw problem;
  const empty = !existsSync(target) || readdirSync(target).length === 0;
  try {
    if (!empty) return await writeFiles(target, plan);
    const parent = dirname(target);
    await mkdir(parent, { recursive: true });
    // Asked first: a recursive mkdir on a read-only file system reports ENOENT, not EROFS.
    await access(parent, constants.W_OK);
    removeStaleStaging(parent, basename(target));
    await atomically(join(parent, `.${basename(target)}.${unique()}.tmp`), (staging, stopped) => writeFiles(staging, plan, stopped), target);
  } catch (err) {
    throw writeError(dir, err);
  }
}

/** The target's trouble, if any, before a question is asked or a file written. */
export function targetProblem(dir: string, force = false): Error | undefined {
  const target = resolve(dir);
  // The target, or a folder on its way, may be a file.
  for (let p = target; p !== dirname(p); p = dirname(p)) {
    if (existsSync(p) && !statSync(p).isDirectory()) return new WriteError(`${p === target ? dir : relative(process.cwd(), p) || p} is a file, not a directory`);
  }
  if (!force && existsSync(target) && readdirSync(target).length > 0) {
    return new InputError('directory', dir, 'must be empty or not exist; pass --force to write into it (other files are kept)');
  }
  return undefined;
}

/** Throws the target's trouble; returns the files of the plan that already exist there (--force replaces them). */
export function checkTarget(dir: string, plan: Plan, force = false): string[] {
  const problem = targetProblem(dir, force);
  if (problem) throw problem;
  const target = resolve(dir);
  if (!existsSync(target) || readdirSync(target).length === 0) return [];
  // In the order the plan had before it was sorted by code unit (see renderPlan).
  return [...plan.keys()].filter((path) => existsSync(join(target, path))).sort((x, y) => x.localeCompare(y));
}

/** Runs `fill(staging)` then renames staging to `target`; on failure or a signal, removes staging. */
async function atomically(staging: string, fill: (staging: string, stopped: () => boolean) => Promise<void>, target: string): Promise<void> {
  // A removal that fails (ENOTEMPTY, EBUSY) is retried a few times; whatever is left then, the
  // next run removes (its owner is dead).
  const cleanUp = () => {
    try {
      rmSync(staging, { recursive: true, force: true, maxRetries: 10, retryDelay: 10 });
    } catch {
      // left for removeStaleStaging
    }
  };
  // A signal arrives between awaits, while the rename may still run on libuv's threads: removing
  // staging now could race it (moving a half-removed tree into place). So: stop, let the step in
  // flight settle, then remove staging unless the rename has happened, and exit as the signal
  // would. A second signal, or 2 s, cuts the wait short.
  let aborted = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  let renamed = false;
  const step = <T>(work: Promise<T>) => ((inFlight = work.catch(() => undefined)), work);
  const onSignal = (signal: NodeJS.Signals) => {
    const exit = () => {
      if (!renamed) cleanUp();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    if (aborted) return exit();
    aborted = true;
    void inFlight.finally(exit);
    setTimeout(exit, 2000);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await step(fill(staging, () => aborted));
    // Stopped by a signal: onSignal removes staging and exits.
    if (aborted) return await new Promise<never>(() => undefined);
    await step(rename(staging, target));
    renamed = true;
  } catch (err) {
    cleanUp();
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Writes the plan under root, unless a signal came (`stopped`). Synchronous calls, one mkdir per
 * folder: some 40 small files take half the time that promises through libuv's thread pool take,
 * and a signal is handled once they are written, as it was between two steps.
 */
async function writeFiles(root: string, plan: Plan, stopped = () => false): Promise<void> {
  if (stopped()) return;
  const dirs = new Set<string>();
  for (const path of plan.keys()) for (let d = dirname(path); d !== '.' && !dirs.has(d); d = dirname(d)) dirs.add(d);
  mkdirSync(root, { recursive: true });
  // Plan paths are relative and normalized, so joined by hand: path.join's normalizing, once per
  // file, grows hot enough for V8's optimizing compiler, whose code costs 4 MB of peak memory.
  // Sorted, a folder comes before the folders in it.
  for (const d of [...dirs].sort()) mkdirSync(`${root}${sep}${d}`, { recursive: true });
  for (const [path, content] of plan) writeFileSync(`${root}${sep}${path}`, content, { mode: modeOf(path) });
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

/** A project-relative path from a record, refused if it would land outside the project. */
export function inside(dir: string, path: string): string {
  const root = resolve(dir);
  const full = resolve(root, path);
  if (isAbsolute(path) || !full.startsWith(root + sep)) {
    throw new InputError('path', path, 'must stay inside the project directory');
  }
  return full;
}

/** Removes `folder` and its parents up to the project while they are empty (a removed chart/). */
async function removeEmptyFolders(dir: string, folder: string): Promise<void> {
  const root = resolve(dir);
  for (let f = folder; f.startsWith(root + sep); f = dirname(f)) {
    if (!existsSync(f) || readdirSync(f).length > 0) return;
    await rmdir(f).catch(() => undefined);
    if (existsSync(f)) return;
  }
}

/** Applies a regeneration: each file written whole (temporary file, then rename), the record last. */
export async function applyChanges(dir: string, changes: FileChange[], record: string): Promise<void> {
  try {
    for (const change of changes) {
      if (change.next === undefined) continue;
      const full = inside(dir, change.path);
      if (change.next === null) {
        await rm(full, { force: true });
        await removeEmptyFolders(dir, dirname(full));
        continue;
      }
      await mkdir(dirname(full), { recursive: true });
      const temp = `${full}.${unique()}.tmp`;
      try {
        await writeFile(temp, change.next, { mode: modeOf(full) });
        await rename(temp, full);
      } finally {
        rmSync(temp, { force: true });
      }
    }
    await writeFile(join(dir, RECORD_FILE), record);
  } catch (err) {
    throw writeError(dir, err);
  }
}

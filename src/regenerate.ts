// What regenerating a project does to each file, decided in memory before anything is written.
import { dirname, join, relative } from 'node:path/posix';
import { merge3, type MergeLabels } from './merge.js';
import type { Plan } from './plan.js';

export type FileStatus = 'unchanged' | 'updated' | 'added' | 'merged' | 'conflict' | 'kept-deleted' | 'removed' | 'kept';

export interface FileChange {
  path: string;
  status: FileStatus;
  /** The file as it is now (undefined: absent, or not text). */
  current?: string;
  /** What to write; `null` removes the file; undefined leaves it alone. */
  next?: string | null;
  /** For an owner's file that is not UTF-8 text: where the new rendering is written instead. */
  beside?: string;
}

/** What `read` gives for a file that is not UTF-8 text (a binary, another encoding). */
export const NOT_TEXT = Symbol('not UTF-8 text');

/** Where the rendering goes when the owner's file is not text: merging would rewrite its bytes. */
export const besidePath = (path: string) => `${path}.regenerated`;

/** Statuses that change the project on disk. */
export const WRITES: readonly FileStatus[] = ['updated', 'added', 'merged', 'conflict', 'removed'];

/**
 * Decides every file: `base` is what was generated last time, `next` the new rendering, and
 * `read(path)` the owner's file now. The owner's edits are kept, template changes brought in.
 * `movable` are the moves from the record's layout on (movesFrom() of src/layouts.ts).
 */
export function planRegeneration(
  read: (path: string) => string | undefined | typeof NOT_TEXT,
  base: Plan,
  next: Plan,
  labels: MergeLabels,
  restore: ReadonlySet<string> = new Set(),
  movable: ReadonlyMap<string, string> = new Map(),
): FileChange[] {
  // A move happens where the project has the file at its old path only and the templates now
  // produce it at the new one only (and the owner made no file there), one file to each new path.
  const moves = new Map<string, string>();
  for (const [from, to] of movable) {
    const applies = base.has(from) && !base.has(to) && next.has(to) && !next.has(from) && read(to) === undefined;
    if (applies && ![...moves.values()].includes(to)) moves.set(from, to);
  }
  const moved = new Map([...moves].map(([from, to]) => [to, from]));
  const changes: FileChange[] = [];
  for (const path of [...new Set([...base.keys(), ...next.keys()])].sort()) {
    const from = moved.get(path);
    const current = read(from ?? path);
    if (current === NOT_TEXT) {
      changes.push(...notText(path, from, base.get(from ?? path), next.get(path)));
      continue;
    }
    // The template's sides in the owner's line ends: a file the owner keeps in CRLF merges line by
    // line, and what is written keeps CRLF.
    const was = inStyleOf(current, base.get(from ?? path));
    const now = inStyleOf(current, next.get(path));
    if (moves.has(path)) {
      // Its content goes on at the new path (below); the old file goes.
      changes.push({ path, current, ...(current === undefined ? { status: 'unchanged' } : { status: 'removed', next: null }) });
      continue;
    }
    if (from !== undefined) {
      const decided =
        current === undefined
          ? restore.has(path)
            ? { status: 'added' as const, next: now }
            : { status: 'kept-deleted' as const }
          : current === was
            ? { status: 'added' as const, next: now }
            : mergeEdited(current, relink(current, from, path, moves), relink(was!, from, path, moves), now!, labels);
      changes.push({ path, current: undefined, ...decided });
      continue;
    }
    const relinked =
      moves.size > 0 && CODE.test(path) && current !== undefined && was !== undefined && current !== was && now !== undefined;
    changes.push({
      path,
      current,
      ...(relinked
        ? mergeEdited(current, relink(current, path, path, moves), relink(was, path, path, moves), now, labels)
        : decide(current, was, now, restore.has(path), labels)),
    });
  }
  return changes;
}

/** `text` with CRLF line ends where the owner's file has only those, else as it is. */
function inStyleOf(owners: string | undefined, text: string | undefined): string | undefined {
  if (owners === undefined || text === undefined || !owners.includes('\r\n') || /(?<!\r)\n/.test(owners)) return text;
  return text.replace(/\r?\n/g, '\r\n');
}

/**
 * An owner's file that is not UTF-8 text (at `path`, or at `from` before a move): its bytes are
 * never rewritten or moved. A rendering that differs from last time's goes beside it, as a conflict.
 */
function notText(path: string, from: string | undefined, was: string | undefined, now: string | undefined): FileChange[] {
  // Moved: the owner's file stays at its old path (reported there as kept), the rendering goes to the new one.
  if (from !== undefined) return [{ path, status: 'conflict', next: now }];
  if (now === undefined) return [{ path, status: 'kept' }];
  if (now === was) return [{ path, status: 'unchanged' }];
  return [
    { path, status: 'conflict', beside: besidePath(path) },
    { path: besidePath(path), status: 'added', next: now },
  ];
}

/** Files whose module paths relink() follows: TypeScript and JavaScript. */
const CODE = /\.[cm]?[jt]sx?$/;

/**
 * An owner's edited file against a new rendering, both with the imports of moved files pointing
 * at their new paths (`ours` and `base`, from relink()): the edits stay, the template's changes
 * come in, and imports the owner added of a moved file follow it.
 */
function mergeEdited(current: string, ours: string, base: string, now: string, labels: MergeLabels): Omit<FileChange, 'path' | 'current'> {
  const merged = base === now ? { text: ours, conflict: false } : merge3(ours, base, now, labels);
  if (merged.text === current) return { status: 'unchanged' };
  return { status: merged.conflict ? 'conflict' : 'merged', next: merged.text };
}

/**
 * `text`, a file at `from` that is now at `to`, with each relative module path in it (a quoted
 * `./…` or `../…` ending in .js, .ts, .mjs or .json) pointing where its target is now: a moved
 * target at its new path, and every path of a moved file relative to its new folder.
 */
export function relink(text: string, from: string, to: string, moves: ReadonlyMap<string, string>): string {
  if (moves.size === 0 && from === to) return text;
  return text.replace(/(['"])(\.\.?\/[^'"\s]*?)(\.(?:js|ts|mjs|json))\1/g, (whole, quote: string, stem: string, ext: string) => {
    const target = join(dirname(from), stem);
    const source = ext === '.js' ? `${target}.ts` : `${target}${ext}`;
    const now = moves.get(source);
    if (now === undefined && from === to) return whole;
    const stemNow = now === undefined ? target : now.slice(0, now.length - (ext === '.js' ? 3 : ext.length));
    const path = relative(dirname(to), stemNow);
    return `${quote}${path.startsWith('.') ? path : `./${path}`}${ext}${quote}`;
  });
}

function decide(
  current: string | undefined,
  was: string | undefined,
  now: string | undefined,
  restore: boolean,
  labels: MergeLabels,
): Omit<FileChange, 'path' | 'current'> {
  if (now === undefined) {
    // The templates no longer produce it: remove it only if the owner never touched it.
    if (current === undefined) return { status: 'unchanged' };
    return current === was ? { status: 'removed', next: null } : { status: 'kept' };
  }
  if (current === undefined) {
    // Deleted by its owner, it stays deleted unless asked for; a new template file is added.
    if (was !== undefined && !restore) return { status: 'kept-deleted' };
    return { status: 'added', next: now };
  }
  if (current === now) return { status: 'unchanged' };
  if (was === undefined) {
    // The owner made a file of the same name before the templates did.
    const merged = merge3(current, '', now, labels);
    return { status: merged.conflict ? 'conflict' : 'merged', next: merged.text };
  }
  if (current === was) return { status: 'updated', next: now };
  // The owner changed it: merged (an unchanged template leaves the owner's edit alone).
  return mergeEdited(current, current, was, now, labels);
}

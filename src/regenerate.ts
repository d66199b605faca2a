// What regenerating a project does to each file, decided in memory before anything is written.
import { merge3, type MergeLabels } from './merge.js';
import type { Plan } from './plan.js';

export type FileStatus = 'unchanged' | 'updated' | 'added' | 'merged' | 'conflict' | 'kept-deleted' | 'removed' | 'kept';

export interface FileChange {
  path: string;
  status: FileStatus;
  /** The file as it is now (undefined: absent). */
  current?: string;
  /** What to write; `null` removes the file; undefined leaves it alone. */
  next?: string | null;
}

/** Statuses that change the project on disk. */
export const WRITES: readonly FileStatus[] = ['updated', 'added', 'merged', 'conflict', 'removed'];

/**
 * Decides every file: `base` is what was generated last time, `next` the new rendering, and
 * `read(path)` the owner's file now. The owner's edits are kept, template changes brought in.
 */
export function planRegeneration(
  read: (path: string) => string | undefined,
  base: Plan,
  next: Plan,
  labels: MergeLabels,
  restore: ReadonlySet<string> = new Set(),
): FileChange[] {
  const changes: FileChange[] = [];
  for (const path of [...new Set([...base.keys(), ...next.keys()])].sort()) {
    const current = read(path);
    const was = base.get(path);
    const now = next.get(path);
    changes.push({ path, current, ...decide(current, was, now, restore.has(path), labels) });
  }
  return changes;
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
  // The owner changed it: an unchanged template leaves the owner's edit alone.
  if (now === was) return { status: 'unchanged' };
  const merged = merge3(current, was, now, labels);
  if (merged.text === current) return { status: 'unchanged' };
  return { status: merged.conflict ? 'conflict' : 'merged', next: merged.text };
}

// The only module that writes the project to disk.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { InputError } from './answers.js';
import type { Plan } from './plan.js';
import { RECORD_FILE } from './record.js';
import type { FileChange } from './regenerate.js';

const EXECUTABLE = /\.sh$/;

/** A name part no other run uses at the same time (node:crypto would cost a few ms to load). */
const unique = () => `${process.pid}-${Date.now().toString(36)}`;

export interface WriteOptions {
  /** Write into a non-empty directory; files the plan does not name are left alone. */
  force?: boolean;
}

/**
 * Writes the plan into `dir`. A new (or empty) directory is filled in a temporary sibling and
 * renamed into place, so that a failure leaves nothing half-written.
 */
export async function writeProject(dir: string, plan: Plan, options: WriteOptions = {}): Promise<void> {
  const target = resolve(dir);
  const empty = !existsSync(target) || readdirSync(target).length === 0;
  if (!empty && !options.force) {
    throw new InputError('directory', dir, 'must be empty or not exist; pass --force to write into it (other files are kept)');
  }
  if (!empty) return writeFiles(target, plan);

  await mkdir(dirname(target), { recursive: true });
  const staging = join(dirname(target), `.${basename(target)}.${unique()}.tmp`);
  try {
    await writeFiles(staging, plan);
    await rename(staging, target);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

async function writeFiles(root: string, plan: Plan): Promise<void> {
  const dirs = new Set([...plan.keys()].map((p) => dirname(join(root, p))));
  for (const d of [...dirs].sort()) await mkdir(d, { recursive: true });
  await Promise.all(
    [...plan].map(([path, content]) =>
      writeFile(join(root, path), content, { mode: EXECUTABLE.test(path) ? 0o755 : 0o644 }),
    ),
  );
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

/** Applies a regeneration: each file written whole (temporary file, then rename), the record last. */
export async function applyChanges(dir: string, changes: FileChange[], record: string): Promise<void> {
  for (const change of changes) {
    if (change.next === undefined) continue;
    const full = inside(dir, change.path);
    if (change.next === null) {
      await rm(full, { force: true });
      continue;
    }
    await mkdir(dirname(full), { recursive: true });
    const temp = `${full}.${unique()}.tmp`;
    await writeFile(temp, change.next, { mode: EXECUTABLE.test(full) ? 0o755 : 0o644 });
    await rename(temp, full);
  }
  await writeFile(join(dir, RECORD_FILE), record);
}

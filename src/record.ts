// .keptn-integration.json: the answers, the generator version, the layout of the files
// (src/layouts.ts), and what was generated last time (the base of regenerate's 3-way merge), so
// that a plain CI checkout without git history can regenerate. The base is stored compressed: it
// is for the tool, not for reading.
import type * as Zlib from 'node:zlib';
import { ANSWERS, type Answers } from './answers.js';
import { InputError } from './errors.js';
import { SEMVER } from './version.js';

export const RECORD_FILE = '.keptn-integration.json';

export interface ProjectRecord {
  generator: { name: string; version: string };
  /** Where the files are (src/layouts.ts): 1 for a record that states none, made before there was one. */
  layout: number;
  answers: Answers;
  /** Path → content of every generated file, as generated last time. */
  base: Map<string, string>;
  /** Files that the last run left with conflict markers, until their owner resolves them. */
  conflicts: string[];
  /** Keys the record holds that this generator does not write: a record made or edited elsewhere. */
  foreign?: string[];
}

const KEYS = ['generator', 'layout', 'answers', 'base', 'conflicts'];

/** node:zlib, loaded when a record is made or read: --help and the other runs that make none skip it. */
const zlib = () => process.getBuiltinModule('node:zlib') as typeof Zlib;

export function encodeRecord(record: ProjectRecord): string {
  // Level 1 takes 1.8 ms where the default level 6 takes 3.1 (the first call in a process), for a
  // base some 18 % larger; a record of any level reads back the same.
  const base = zlib()
    .deflateRawSync(JSON.stringify(Object.fromEntries([...record.base].sort())), { level: 1 })
    .toString('base64');
  const conflicts = record.conflicts.length > 0 ? { conflicts: record.conflicts } : {};
  const { generator, layout, answers } = record;
  return JSON.stringify({ generator, layout, answers, ...conflicts, base }, null, 2) + '\n';
}

/** An encoded record with the files left in conflict named (no re-encoding of the base). */
export function withConflicts(text: string, conflicts: string[]): string {
  if (conflicts.length === 0) return text;
  const { generator, layout, answers, base } = JSON.parse(text);
  return JSON.stringify({ generator, layout, answers, conflicts, base }, null, 2) + '\n';
}

/** Parses a record; `where` names the file in errors. Answers are validated by the caller. */
export function decodeRecord(text: string, where: string): ProjectRecord {
  let doc: { generator?: unknown; layout?: unknown; answers?: unknown; base?: unknown; conflicts?: unknown };
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(where, text.slice(0, 40), `must be valid JSON (${(err as Error).message})`);
  }
  const gen = doc?.generator as ProjectRecord['generator'] | undefined;
  if (typeof gen?.name !== 'string' || typeof gen?.version !== 'string') {
    throw new InputError(`${where}: generator`, doc?.generator, 'must be {"name": ..., "version": ...}');
  }
  // Compared with this generator's version to refuse a downgrade: a version that is none cannot be.
  if (!SEMVER.test(gen.version))
    throw new InputError(`${where}: generator.version`, gen.version, 'must be a semantic version such as 0.1.0');
  // Compared with this generator's LAYOUT by the caller, to move the files or refuse.
  const layout = doc.layout === undefined ? 1 : doc.layout;
  if (typeof layout !== 'number' || !Number.isInteger(layout) || layout < 1)
    throw new InputError(`${where}: layout`, doc.layout, 'must be a whole number from 1, the layout of the files (none is layout 1)');
  const conflicts = doc.conflicts ?? [];
  if (!Array.isArray(conflicts) || conflicts.some((p) => typeof p !== 'string')) {
    throw new InputError(`${where}: conflicts`, doc.conflicts, 'must be a list of the project files left with conflict markers');
  }
  const foreign = [
    ...Object.keys(doc).filter((key) => !KEYS.includes(key)),
    ...Object.keys(gen)
      .filter((key) => key !== 'name' && key !== 'version')
      .map((key) => `generator.${key}`),
  ];
  const answers = doc.answers;
  if (!answers || typeof answers !== 'object' || Object.values(answers).some((v) => typeof v !== 'string')) {
    throw new InputError(`${where}: answers`, answers, 'must be a map of answer strings');
  }
  const unknown = Object.keys(answers).find((key) => !ANSWERS.some((d) => d.key === key));
  if (unknown)
    throw new InputError(
      `${where}: answers`,
      unknown,
      `is not an answer create-keptn-integration knows (${ANSWERS.map((d) => d.key).join(', ')})`,
    );
  let base: Map<string, string>;
  try {
    if (typeof doc.base !== 'string') throw new Error('not a string');
    const files: unknown = JSON.parse(zlib().inflateRawSync(Buffer.from(doc.base, 'base64')).toString('utf8'));
    // Each file's content is merged line by line: anything but a string is a record made elsewhere.
    if (!files || typeof files !== 'object' || Array.isArray(files) || Object.values(files).some((v) => typeof v !== 'string'))
      throw new Error('not files');
    base = new Map(Object.entries(files as Record<string, string>));
  } catch {
    throw new InputError(
      `${where}: base`,
      undefined,
      'must be the record of the generated files that create-keptn-integration wrote; it is missing or corrupt',
    );
  }
  return {
    generator: { name: gen.name, version: gen.version },
    layout,
    answers: answers as Answers,
    base,
    conflicts,
    ...(foreign.length > 0 ? { foreign } : {}),
  };
}

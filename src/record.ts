// .keptn-integration.json: the answers, the generator version, and what was generated last time
// (the base of regenerate's 3-way merge), so that a plain CI checkout without git history can
// regenerate. The base is stored compressed: it is for the tool, not for reading.
import type * as Zlib from 'node:zlib';
import { ANSWERS, type Answers } from './answers.js';
import { InputError } from './errors.js';

export const RECORD_FILE = '.keptn-integration.json';

export interface ProjectRecord {
  generator: { name: string; version: string };
  answers: Answers;
  /** Path → content of every generated file, as generated last time. */
  base: Map<string, string>;
}

/** node:zlib, loaded when a record is made or read: --help and the other runs that make none skip it. */
const zlib = () => process.getBuiltinModule('node:zlib') as typeof Zlib;

export function encodeRecord(record: ProjectRecord): string {
  // Level 1 takes 1.8 ms where the default level 6 takes 3.1 (the first call in a process), for a
  // base some 18 % larger; a record of any level reads back the same.
  const base = zlib().deflateRawSync(JSON.stringify(Object.fromEntries([...record.base].sort())), { level: 1 }).toString('base64');
  return JSON.stringify({ generator: record.generator, answers: record.answers, base }, null, 2) + '\n';
}

/** Parses a record; `where` names the file in errors. Answers are validated by the caller. */
export function decodeRecord(text: string, where: string): ProjectRecord {
  let doc: { generator?: unknown; answers?: unknown; base?: unknown };
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(where, text.slice(0, 40), `must be valid JSON (${(err as Error).message})`);
  }
  const gen = doc?.generator as ProjectRecord['generator'] | undefined;
  if (typeof gen?.name !== 'string' || typeof gen?.version !== 'string') {
    throw new InputError(`${where}: generator`, doc?.generator, 'must be {"name": ..., "version": ...}');
  }
  const answers = doc.answers;
  if (!answers || typeof answers !== 'object' || Object.values(answers).some((v) => typeof v !== 'string')) {
    throw new InputError(`${where}: answers`, answers, 'must be a map of answer strings');
  }
  const unknown = Object.keys(answers).find((key) => !ANSWERS.some((d) => d.key === key));
  if (unknown) throw new InputError(`${where}: answers`, unknown, `is not an answer create-keptn-integration knows (${ANSWERS.map((d) => d.key).join(', ')})`);
  let base: Map<string, string>;
  try {
    const files = JSON.parse(zlib().inflateRawSync(Buffer.from(String(doc.base), 'base64')).toString('utf8'));
    base = new Map(Object.entries(files as Record<string, string>));
  } catch {
    throw new InputError(`${where}: base`, undefined, 'must be the record of the generated files that create-keptn-integration wrote; it is missing or corrupt');
  }
  return { generator: gen, answers: answers as Answers, base };
}

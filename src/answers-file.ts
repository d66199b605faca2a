// Answers files (--answers): JSON or YAML, keys = the long option names.
import { closeSync, openSync, readSync } from 'node:fs';
import { parse } from 'yaml';
import { ANSWERS, type Answers } from './answers.js';
import { InputError } from './errors.js';

/** Answers fit in a few hundred bytes: these bounds only stop a file that is no answers file. */
const MAX_BYTES = 1024 * 1024;
const MAX_DEPTH = 16;

export function readAnswersFile(path: string): Answers {
  let text: string;
  try {
    text = readBounded(path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError('--answers', path, `must be a readable file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  // Checked before parsing: both parsers recurse per level and overflow the stack.
  if (depthOf(text) > MAX_DEPTH) {
    throw new InputError(
      '--answers',
      path,
      `must nest at most ${MAX_DEPTH} levels of [ ] and { } (answers are a map of strings and lists)`,
    );
  }
  let doc: unknown;
  try {
    // YAML's failsafe schema keeps every scalar a string (`keptn: 1.0` stays "1.0"); JSON is YAML.
    doc = path.endsWith('.json') ? JSON.parse(text) : parse(text, { schema: 'failsafe' });
  } catch (err) {
    // Its first line, without the colon that introduced the code frame under it.
    const first = String((err as Error).message)
      .split('\n')[0]
      .replace(/:\s*$/, '');
    throw new InputError('--answers', path, `must be valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${first}`);
  }
  return checkAnswers(doc, path);
}

/** The file's text, read up to MAX_BYTES: /dev/zero or a pipe that never ends is refused, not read. */
function readBounded(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(MAX_BYTES + 1);
    let size = 0;
    for (let n; size <= MAX_BYTES && (n = readSync(fd, buffer, size, buffer.length - size, null)) > 0;) size += n;
    if (size > MAX_BYTES)
      throw new InputError('--answers', path, `must be at most ${MAX_BYTES / 1024} KiB (answers files are a few lines)`);
    return buffer.toString('utf8', 0, size);
  } finally {
    closeSync(fd);
  }
}

/** How deep `[` and `{` nest outside quoted strings (JSON's, and YAML's flow collections). */
function depthOf(text: string): number {
  let depth = 0;
  let max = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}

/** Checks the shape of an answers object: known keys, string values (lists may be arrays). */
export function checkAnswers(doc: unknown, where: string): Answers {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InputError(where, doc, 'must hold a map of answers, e.g. {"kind": "test-tool", "name": "my-tests"}');
  }
  const out: Answers = {};
  for (const [key, value] of Object.entries(doc)) {
    const def = ANSWERS.find((d) => d.key === key);
    if (!def) {
      throw new InputError(`${where}: key`, key, `must be one of the answer keys: ${ANSWERS.map((d) => d.key).join(', ')}`);
    }
    if (typeof value === 'string') out[key] = value;
    else if (def.list && Array.isArray(value) && value.every((v) => typeof v === 'string')) out[key] = value.join(',');
    else {
      const want = def.list ? 'a string or a list of strings' : 'a string (quote numbers, e.g. "1.0")';
      throw new InputError(`${where}: ${key}`, value, `must be ${want}`);
    }
  }
  return out;
}

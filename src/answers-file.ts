// Answers files (--answers): JSON or YAML, keys = the long option names.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ANSWERS, type Answers } from './answers.js';
import { InputError } from './errors.js';

export function readAnswersFile(path: string): Answers {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError('--answers', path, `must be a readable file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let doc: unknown;
  try {
    // YAML's failsafe schema keeps every scalar a string (`keptn: 1.0` stays "1.0"); JSON is YAML.
    doc = path.endsWith('.json') ? JSON.parse(text) : parse(text, { schema: 'failsafe' });
  } catch (err) {
    const first = String((err as Error).message).split('\n')[0];
    throw new InputError('--answers', path, `must be valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${first}`);
  }
  return checkAnswers(doc, path);
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

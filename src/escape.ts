// Escapers for the contexts a value can land in. Templates call them explicitly (`<%- q.yaml(v) %>`)
// for every value that is not a table value or a validated token, so that such an interpolation
// says which language it is written into (ARCHITECTURE.md, "Escaping convention").

/** A YAML scalar: a double-quoted JSON string is valid YAML. */
const yaml = (v: string) => JSON.stringify(v);

/** A JSON string literal. */
const json = (v: unknown) => JSON.stringify(v);

/**
 * A TypeScript literal in the generated code's style: single-quoted strings (JSON's escapes, the
 * quote swapped), arrays of them; anything else as JSON, which is valid TypeScript.
 */
const ts = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(ts).join(', ')}]`;
  if (typeof v !== 'string') return JSON.stringify(v);
  return `'${JSON.stringify(v).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
};

/** A single shell word. */
const sh = (v: string) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

/** Inline Markdown code. */
const code = (v: string) => '`' + v.replace(/`/g, "'") + '`';

/**
 * A Markdown paragraph: emphasis, code, links and HTML are escaped with backslashes (so the raw
 * file reads as the text: `Tom & Jerry`, not `Tom &amp; Jerry`), an `&` only where it would start
 * an entity, and a first character that would start a heading, list or quote.
 */
const md = (v: string) =>
  v
    .replace(/[\\`*_[\]|<>]/g, (ch) => `\\${ch}`)
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&')
    .replace(/^([#+~-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');

/**
 * Text inside a Helm template (chart/templates/*): written as a Go template string literal, so a
 * `{{` in it prints as text instead of becoming Helm code. JSON escapes are valid Go escapes.
 */
const helm = (v: string) => `{{ ${JSON.stringify(v)} }}`;

export const q = { yaml, json, ts, sh, code, md, helm };

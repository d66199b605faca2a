// Escapers for the contexts a value can land in. Templates call them explicitly (`<%- q.yaml(v) %>`)
// so that every interpolation says which language it is written into.

/** A YAML scalar: a double-quoted JSON string is valid YAML. */
const yaml = (v: string) => JSON.stringify(v);

/** A JSON string literal; also a valid TypeScript string literal. */
const json = (v: unknown) => JSON.stringify(v);

/** A single shell word. */
const sh = (v: string) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

/** Inline Markdown code. */
const code = (v: string) => '`' + v.replace(/`/g, "'") + '`';

export const q = { yaml, json, ts: json, sh, code };

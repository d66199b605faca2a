// A directory tree as data, for tests that must show "nothing changed" or "exactly this result".
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every entry under `dir` (links as links) with its type, mode and content. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const st = lstatSync(full);
      const key = relative(dir, full);
      if (st.isSymbolicLink()) out[key] = `link → ${readlinkSync(full)}`;
      else if (st.isDirectory()) {
        out[key] = `dir ${(st.mode & 0o7777).toString(8)}`;
        walk(full);
      } else out[key] = `file ${(st.mode & 0o7777).toString(8)} ${readFileSync(full, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}

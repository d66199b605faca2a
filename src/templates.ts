// The templates as render functions. The published package carries them compiled at build time
// (dist/templates/<folder>.cjs, see src/build/compile-templates.mjs), so a run parses no EJS and
// loads only the folders it renders; from a source checkout, and for tests that pass their own
// folder, they are compiled here on first use.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Render = (view: object) => string;

/** Template folder ("base", a kind's id, …) → [template path, render] in path order. */
export type TemplateSet = Pick<Map<string, [path: string, render: Render][]>, 'get'>;

export const TEMPLATES = fileURLToPath(new URL('../templates', import.meta.url));
const COMPILED = new URL('./templates/', import.meta.url);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * Compiles a templates folder: `.ejs` files become EJS render functions, others are copied. EJS is
 * required here, not imported, so that the published bundle, which never compiles, leaves it out.
 */
export function compileTemplates(dir: string): TemplateSet {
  const ejs = createRequire(import.meta.url)('ejs') as typeof import('ejs');
  const set = new Map<string, [string, Render][]>();
  for (const layer of readdirSync(dir)) {
    const root = join(dir, layer);
    const files = walk(root)
      .sort()
      .map((file): [string, Render] => {
        const source = readFileSync(file, 'utf8');
        const path = relative(root, file);
        if (!file.endsWith('.ejs')) return [path, () => source];
        const render = ejs.compile(source, { filename: file, escape: String });
        return [path, (view) => render(view)];
      });
    set.set(layer, files);
  }
  return set;
}

let builtIn: TemplateSet | undefined;

/** The templates this release ships: precompiled when built, else compiled from templates/. */
export function builtInTemplates(): TemplateSet {
  if (builtIn) return builtIn;
  if (existsSync(COMPILED)) {
    const load = createRequire(import.meta.url);
    const loaded = new Map<string, [string, Render][] | undefined>();
    builtIn = {
      get(folder) {
        if (!loaded.has(folder)) {
          const file = fileURLToPath(new URL(`${folder}.cjs`, COMPILED));
          loaded.set(folder, existsSync(file) ? (load(file) as [string, Render][]) : undefined);
        }
        return loaded.get(folder);
      },
    };
  } else {
    builtIn = compileTemplates(TEMPLATES);
  }
  return builtIn;
}

// Render the templates into a file plan: project-relative path → content. Nothing is written here.
import { sep } from 'node:path';
import { q } from './escape.js';
import { shortType } from './rules.js';
import { LAYOUT } from './layouts.js';
import { encodeRecord, RECORD_FILE } from './record.js';
import type { Blueprint } from './blueprint.js';
import { builtInTemplates, compileTemplates } from './templates.js';

export { TEMPLATES } from './templates.js';

export type Plan = Map<string, string>;

const PARTIALS = `partials${sep}`;

/**
 * Template path → project path: `dot-` names become dotfiles (npm would drop a real .gitignore from
 * the package), `[key]` segments take the answer of that key, and `.ejs` is dropped.
 */
export function targetPath(templatePath: string, blueprint: Blueprint): string {
  return templatePath
    .split(sep)
    .map((seg) => seg.replace(/^dot-/, '.').replace(/\[([a-z-]+)\]/g, (_, key: string) => blueprint.answers[key]))
    .join('/')
    .replace(/\.ejs$/, '');
}

/** `templates` is a templates folder; tests pass a deliberately changed copy. */
export function renderPlan(blueprint: Blueprint, templates?: string): Plan {
  const set = templates ? compileTemplates(templates) : builtInTemplates();
  // In the kind's order, so that a later layer's file overrides an earlier one of the same path. A
  // layer may be part of a folder ('base/keptn'): paths stay relative to the folder.
  const layers = blueprint.layers.map((layer) => {
    const [folder, ...part] = layer.split('/');
    const within = part.join(sep);
    const files = set.get(folder);
    if (!files) throw new Error(`no template folder ${folder} (layer ${layer} of kind ${blueprint.kind.id})`);
    return files.filter(([rel]) => !within || rel === within || rel.startsWith(within + sep));
  });
  // A layer's partials/ are no files of the project: each is text that a shared template puts where
  // it belongs (`partials['README.dev.md']`), so that a kind's own paragraphs live with the kind.
  const partials: Record<string, string> = {};
  // The raw answers stay out: a template reads what the blueprint made of them.
  const { answers: _, ...made } = blueprint;
  const first = { ...made, ...blueprint.view, q };
  for (const [rel, render] of layers.flat()) {
    if (rel.startsWith(PARTIALS)) partials[rel.slice(PARTIALS.length).replace(/\.ejs$/, '')] = render(first);
  }
  const view = { ...first, partials };
  const plan: Plan = new Map();
  for (const files of layers) {
    for (const [rel, render] of files) {
      if (rel.startsWith(PARTIALS)) continue;
      // `[event]` in a name: one file per example event of the kind.
      const instances = rel.includes('[event]') ? blueprint.exampleEvents : [undefined];
      for (const event of instances) {
        const path = targetPath(event ? rel.replace('[event]', shortType(event)) : rel, blueprint);
        const content = render({ ...view, event });
        // A template that renders to nothing is a file this project does not need.
        if (content.trim() === '') plan.delete(path);
        else plan.set(path, content);
      }
    }
  }
  // Last: the record holds every other file as the base of a later regeneration.
  const { generator, answers } = blueprint;
  plan.set(RECORD_FILE, encodeRecord({ generator, layout: LAYOUT, answers, base: new Map(plan), conflicts: [] }));
  // By code unit: localeCompare's first call loads ICU's collator, 5 ms and 2.5 MB of every run.
  return new Map([...plan].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

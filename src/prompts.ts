// Interactive questions, derived from the answer table. Loaded only when prompting.
import confirm from '@inquirer/confirm';
import input from '@inquirer/input';
import select from '@inquirer/select';
import { ANSWERS, InputError, normalise, notApplying, type Ask } from './answers.js';
import { c } from './ui.js';

/** Answers only worth changing for some people; asked after one "customise?" question. */
const ADVANCED = new Set(['project', 'stage', 'service', 'description', 'image']);

export function createAsk(): Ask {
  let customise: boolean | undefined;
  return async (def, answers, fallback) => {
    if (ADVANCED.has(def.key)) {
      const answer = (key: string) => ANSWERS.find((d) => d.key === key)!;
      const example = ['project', 'stage', 'service'].map((k) => answer(k).default(answers)).join('/');
      const image = notApplying(answer('image'), answers) ? '' : ' or the container image';
      customise ??= await confirm({
        message: `Change the example Keptn coordinates (${example}), the description${image}?`,
        default: false,
      });
      if (!customise) return undefined;
    }
    if (def.hint) console.log(c.dim(`  ${def.hint}`));
    const rule = def.rule(answers);
    if (def.choices) {
      return select({ message: def.message, choices: def.choices(answers), default: fallback });
    }
    return input({
      message: def.message,
      default: fallback,
      required: fallback === undefined,
      validate: (v) => rule(normalise(def, v)) ?? true,
    });
  };
}

/** A non-empty target: write into it anyway (files the templates do not make are kept), or stop. */
export async function confirmForce(directory: string): Promise<boolean> {
  const go = await confirm({ message: `${directory} is not empty. Write into it anyway? (files the templates do not produce are kept)`, default: false });
  if (!go) throw new InputError('directory', directory, 'must be empty or not exist; pass --force to write into it (other files are kept)');
  return true;
}

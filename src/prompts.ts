// Interactive questions, derived from the answer table. Loaded only when prompting.
import confirm from '@inquirer/confirm';
import input from '@inquirer/input';
import select from '@inquirer/select';
import { ANSWERS, normalise, notApplying, type Ask } from './answers.js';
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

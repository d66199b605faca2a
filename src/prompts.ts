// Interactive questions, derived from the answer table. Loaded only when prompting.
import input from '@inquirer/input';
import select from '@inquirer/select';
import { ANSWERS, normalise, notApplying, type Ask } from './answers.js';
import { colour } from './ui.js';

/** `text` wrapped at words to the terminal's width, each line indented. */
function wrap(text: string, indent = '  '): string {
  const width = Math.max(40, (process.stdout.columns || 80) - indent.length);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

/** The prompt's message: while asked, with its hint below it; once answered, the question alone. */
function withHint(hint: string | undefined, input: boolean) {
  const below = hint ? `\n${colour.out.dim(wrap(hint))}` : '';
  // An input's answer is typed after the message: on a line of its own below the hint.
  const typing = hint && input ? '\n  ›' : '';
  return {
    style: {
      message: (text: string, status: string) => (status === 'done' ? colour.out.bold(text) : `${colour.out.bold(text)}${below}${typing}`),
    },
  };
}

/** A yes/no question that asks again on anything but y, yes, n, no (or Enter for the default). */
async function yesNo(message: string, fallback: boolean): Promise<boolean> {
  const yes = (v: string) => (v.trim() === '' ? fallback : /^y/i.test(v.trim()));
  const answer = await input({
    message: `${message} ${fallback ? '(Y/n)' : '(y/N)'}`,
    validate: (v) => /^(y|yes|n|no)?$/i.test(v.trim()) || 'please answer y or n',
    // The answered line says what was decided, also when Enter took the default.
    transformer: (v, { isFinal }) => (isFinal ? colour.out.cyan(yes(v) ? 'yes' : 'no') : v),
  });
  return yes(answer);
}

export function createAsk(): Ask {
  let customise: boolean | undefined;
  return async (def, answers, fallback) => {
    if (def.advanced) {
      const answer = (key: string) => ANSWERS.find((d) => d.key === key)!;
      const example = ['project', 'stage', 'service'].map((k) => answer(k).default(answers)).join('/');
      const license = `the licence (${answer('license').default(answers)})`;
      const rest = notApplying(answer('image'), answers) ? ` or ${license}` : `, ${license} or the container image`;
      customise ??= await yesNo(`Change the example Keptn coordinates (${example}), the description${rest}?`, false);
      if (!customise) return undefined;
    }
    const hint = typeof def.hint === 'function' ? def.hint(answers) : def.hint;
    const rule = def.rule(answers);
    if (def.choices) {
      // A choice that the answers so far rule out is shown with the reason, and cannot be picked.
      const choices = def.choices(answers).map((choice) => ({ ...choice, disabled: rule(choice.value) ?? false }));
      return select({ message: def.message, choices, default: fallback, theme: withHint(hint, false) });
    }
    // A blank answer with nothing to fall back on gets the answer's own wording, not inquirer's.
    const blank = `required, e.g. ${def.example.replace(/^--\S+\s+/, '')}`;
    return input({
      message: def.message,
      default: fallback,
      theme: withHint(hint, true),
      validate: (v) => (v.trim() === '' && fallback === undefined ? blank : (rule(normalise(def, v)) ?? true)),
    });
  };
}

/** A non-empty target: write into it anyway (files the templates do not make are kept)? */
export function confirmForce(directory: string): Promise<boolean> {
  return yesNo(`${directory} is not empty. Write into it anyway? (files the templates do not produce are kept)`, false);
}

/** --force would replace `count` existing files: go ahead? */
export function confirmReplace(count: number): Promise<boolean> {
  return yesNo(`Replace ${count === 1 ? 'this file' : `these ${count} files`} with the generated one${count === 1 ? '' : 's'}?`, false);
}

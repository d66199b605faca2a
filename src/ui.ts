// Terminal output: colours that respect NO_COLOR, a spinner that only spins on a terminal, and
// errors in one line.
import { UserError } from './errors.js';
// Six ANSI styles need no library: chalk 5 bundled costs 3 to 4 ms of every start (ARCHITECTURE.md).

let chosen: boolean | undefined;

/** --color / --no-color: the user's word for this run, above every variable. */
export function chooseColour(on: boolean | undefined): void {
  chosen = on;
}

/**
 * Colours on a terminal, decided per stream (a report redirected to a file gets none while the
 * terminal's errors keep theirs). NO_COLOR (any value but empty: https://no-color.org) turns them
 * off, FORCE_COLOR on (0 or false: off, as Node and supports-color read it); the flags beat both.
 */
function colourful(stream: NodeJS.WriteStream): boolean {
  if (chosen !== undefined) return chosen;
  const env = process.env;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

function styles(stream: () => NodeJS.WriteStream) {
  const style = (open: number, close: number) => (text: string) => (colourful(stream()) ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return {
    bold: style(1, 22),
    dim: style(2, 22),
    red: style(31, 39),
    green: style(32, 39),
    yellow: style(33, 39),
    cyan: style(36, 39),
  };
}

/** Styles for what goes to stderr (`colour.err`) and to stdout (`colour.out`). */
export const colour = { err: styles(() => process.stderr), out: styles(() => process.stdout) };

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Shows `text` while `work` runs; a plain line when stderr is not a terminal (CI logs). */
export async function withSpinner<T>(text: string, work: () => Promise<T>): Promise<T> {
  const live = process.stderr.isTTY && !process.env.CI;
  const started = Date.now();
  let frame = 0;
  const timer = live
    ? setInterval(() => process.stderr.write(`\r${colour.err.cyan(FRAMES[frame++ % FRAMES.length])} ${text}`), 80)
    : undefined;
  if (!live) process.stderr.write(`${text}…\n`);
  const end = (mark: string) => {
    if (timer) clearInterval(timer);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (live) process.stderr.write(`\r\x1b[K${mark} ${text} ${colour.err.dim(`(${secs} s)`)}\n`);
  };
  try {
    const result = await work();
    end(colour.err.green('✔'));
    return result;
  } catch (err) {
    end(colour.err.red('✖'));
    throw err;
  }
}

/** What a failure says to the user: bad input and disk trouble as they are, anything else as a bug. */
export function userMessage(err: unknown): string {
  return err instanceof UserError ? err.message : `unexpected failure: ${(err as Error)?.message ?? err}`;
}

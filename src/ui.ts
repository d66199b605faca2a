// Terminal output: colours that respect NO_COLOR, and a spinner that only spins on a terminal.
import chalk, { Chalk } from 'chalk';

export const c = process.env.NO_COLOR ? new Chalk({ level: 0 }) : chalk;

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Shows `text` while `work` runs; a plain line when stderr is not a terminal (CI logs). */
export async function withSpinner<T>(text: string, work: () => Promise<T>): Promise<T> {
  const live = process.stderr.isTTY && !process.env.CI;
  const started = Date.now();
  let frame = 0;
  const timer = live
    ? setInterval(() => process.stderr.write(`\r${c.cyan(FRAMES[frame++ % FRAMES.length])} ${text}`), 80)
    : undefined;
  if (!live) process.stderr.write(`${text}…\n`);
  const end = (mark: string) => {
    if (timer) clearInterval(timer);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (live) process.stderr.write(`\r\x1b[K${mark} ${text} ${c.dim(`(${secs} s)`)}\n`);
  };
  try {
    const result = await work();
    end(c.green('✔'));
    return result;
  } catch (err) {
    end(c.red('✖'));
    throw err;
  }
}

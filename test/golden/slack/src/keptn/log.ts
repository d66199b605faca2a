// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// src/keptn/ (your edits here are merged, and may conflict): your integration's code goes into
// src/handler.ts instead.

// One JSON object per line on stdout, the format log collectors in Kubernetes read best.

type Fields = Record<string, unknown>;

// Lines are gathered and written once per turn of the event loop: each write is a system call
// (stdout is a pipe in Kubernetes), and every event makes several lines. Whatever is left is
// written before the process exits.
const pending = { out: '', err: '' };
let flushing = false;

function flush(): void {
  flushing = false;
  if (pending.out) process.stdout.write(pending.out);
  if (pending.err) process.stderr.write(pending.err);
  pending.out = pending.err = '';
}
process.on('exit', flush);

function write(level: 'info' | 'warn' | 'error', msg: string, fields?: Fields): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
  if (level === 'info') pending.out += line + '\n';
  else pending.err += line + '\n';
  if (!flushing) {
    flushing = true;
    setImmediate(flush);
  }
}

export const log = {
  info: (msg: string, fields?: Fields) => write('info', msg, fields),
  warn: (msg: string, fields?: Fields) => write('warn', msg, fields),
  error: (msg: string, fields?: Fields) => write('error', msg, fields),
};

export type Log = typeof log;

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

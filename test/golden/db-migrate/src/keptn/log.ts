// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// src/keptn/ (your edits here are merged, and may conflict): your integration's code goes into
// src/handler.ts instead.

// One JSON object per line, on stdout (warnings and errors on stderr): the format log collectors
// in Kubernetes read best.

type Fields = Record<string, unknown>;

// Lines are gathered and written once per turn of the event loop: each write is a system call
// (stdout is a pipe in Kubernetes), and every event makes several lines. They keep their order
// across stdout and stderr; whatever is left is written before the process exits.
let pending: { stream: NodeJS.WriteStream; text: string }[] = [];

function flush(): void {
  const runs = pending;
  pending = [];
  for (const run of runs) run.stream.write(run.text);
}
process.on('exit', flush);

function write(level: 'info' | 'warn' | 'error', msg: string, fields?: Fields): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + '\n';
  const stream = level === 'info' ? process.stdout : process.stderr;
  const last = pending.at(-1);
  if (last?.stream === stream) {
    last.text += line;
    return;
  }
  if (pending.length === 0) setImmediate(flush);
  pending.push({ stream, text: line });
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

// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// src/keptn/ (your edits here are merged, and may conflict): how your tool runs goes into
// src/tool.ts, the rest of your code into src/handler.ts.

// What every tool module (src/tool.ts) shares: how the tool is started, and what it reports back.
import { execa } from 'execa';

export interface ToolRun {
  /** The test definition, written to a temporary folder from Keptn's resource. */
  file: string;
  /** The deployment under test: the event's first deployment URI. */
  target: string;
  strategy: string;
  /** A temporary folder for the tool's result files; removed after the run. */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Aborted when the task runs out of time (TASK_TIMEOUT_SECONDS) or the service stops. */
  signal: AbortSignal;
}

export interface TestReport {
  passed: boolean;
  /** One line for the .finished message. */
  summary: string;
}

/**
 * Runs the tool: TEST_TOOL_BIN when set (another install path, or a stand-in in tests), else its
 * usual command. A tool that cannot start or is stopped is an error (the task ends errored); its
 * exit code is for the tool module to judge.
 */
export async function exec(command: string, args: string[], run: ToolRun, env: Record<string, string> = {}) {
  const bin = run.env.TEST_TOOL_BIN || command;
  // In a process group of its own, so that stopping it stops what it started too (bin/jmeter is a
  // shell script that runs java as a child, which a signal to the script alone would leave running).
  const child = execa(bin, args, { cwd: run.dir, reject: false, all: true, env, detached: true });
  const stop = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  run.signal.addEventListener('abort', stop, { once: true });
  const result = await child.finally(() => run.signal.removeEventListener('abort', stop));
  if (run.signal.aborted) throw new Error(`${command} was stopped: ${String(run.signal.reason ?? 'cancelled')}`);
  if (result.exitCode === undefined) throw new Error(`${command} could not run (${bin}): ${result.shortMessage}`);
  return { exitCode: result.exitCode, output: result.all ?? '' };
}

/** The last lines of a tool's output, so that a message says what went wrong. */
export function tail(output: string, lines = 5): string {
  return output.trim().split('\n').slice(-lines).join(' | ') || '(no output)';
}

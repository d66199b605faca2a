// kill -9 at random moments, under load: create (a new directory and an empty existing one),
// create --force over a non-empty directory, and regenerate. A SIGKILL cannot be handled, so what
// counts is what the next run finds once it has rolled back what the killed one left (recover(),
// the first thing every run that writes does): the state before the run or its whole result,
// a record that reads, and no temporary file. The suite kills 10 times each; the full run:
//   KILLS=50 LOAD=2 npx vitest run --config test/vitest.config.ts --root . test/reliability/kills.test.ts
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, watch, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRecord } from '../../src/record.js';
import { recover } from '../../src/writer.js';
import { generate } from '../helpers.js';
import { BIN, NODE_BIN, tempDir } from '../run.js';
import { snapshot } from './tree.js';

const KILLS = Number(process.env.KILLS ?? 10);
const LOAD = Number(process.env.LOAD ?? 1);
const figures: string[] = [];

// Busy processes on every core the run shares: the kills land while the machine is loaded.
const burners: ChildProcess[] = [];
beforeAll(() => {
  for (let i = 0; i < LOAD; i++) burners.push(spawn('node', ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
});
afterAll(() => {
  for (const b of burners) b.kill('SIGKILL');
  console.log(['', `kill -9 at random moments (${KILLS} each, ${LOAD} busy processes):`, ...figures].join('\n'));
});

/**
 * Runs the CLI to the end, or kills it `kill.after` ms after it starts or, with `kill.staging`,
 * after its staging folder appears in that directory (the moments that matter most: writing).
 * Resolves with the run's time in ms.
 */
function run(args: string[], cwd: string, kill?: { after: number; staging?: string }): Promise<number> {
  const started = Date.now();
  const child = spawn(NODE_BIN, [BIN, ...args], { cwd, stdio: 'ignore', env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
  let timer: NodeJS.Timeout | undefined;
  const watcher = kill?.staging
    ? watch(kill.staging, (_event, name) => {
        if (timer || !name?.endsWith('.tmp')) return;
        timer = setTimeout(() => child.kill('SIGKILL'), kill.after);
      })
    : undefined;
  if (kill && !watcher) timer = setTimeout(() => child.kill('SIGKILL'), kill.after);
  return new Promise((resolve) => {
    child.on('exit', () => {
      clearTimeout(timer);
      watcher?.close();
      resolve(Date.now() - started);
    });
  });
}

/** Every path under `dir` whose name says it is temporary. */
function temporaries(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((p) => /\.tmp$/.test(p));
}

interface Scenario {
  /** A fresh place to run in, the directory the run writes, and where its staging folder appears. */
  prepare(): { cwd: string; dir: string; staging: string };
  args: string[];
}

/**
 * Kills `scenario` KILLS times at moments spread over an unkilled run's duration, and classifies
 * what is left after recovery against the state before and the unkilled result.
 */
async function killRepeatedly(name: string, scenario: Scenario) {
  const reference = scenario.prepare();
  const before = existsSync(reference.dir) ? snapshot(reference.dir) : undefined;
  const took = await run(scenario.args, reference.cwd);
  const after = snapshot(reference.dir);
  const counts = { before: 0, after: 0, partial: 0, unreadableRecord: 0, temporaries: 0, midWrite: 0, whileWriting: 0, rolledBack: 0 };
  const problems: string[] = [];
  for (let i = 0; i < KILLS; i++) {
    const { cwd, dir, staging } = scenario.prepare();
    // Every other kill at any moment of the run, start-up to exit; the others while it writes:
    // 0 to 25 ms after its staging folder appeared.
    const writing = i % 2 === 1;
    await run(scenario.args, cwd, writing ? { after: Math.random() * 25, staging } : { after: Math.random() * took * 1.1 });
    const left = temporaries(cwd);
    if (left.length > 0) {
      counts.midWrite++;
      if (writing) counts.whileWriting++;
    }
    // Killed between its first move into place and the commit: the journal is rolled back.
    if (left.some((p) => existsSync(join(cwd, p, 'journal.json')))) counts.rolledBack++;
    recover(dir);
    const now = existsSync(dir) ? snapshot(dir) : undefined;
    const same = (x: Record<string, string> | undefined) => JSON.stringify(x) === JSON.stringify(now);
    if (same(after)) counts.after++;
    else if (same(before) || (before === undefined && now && Object.keys(now).length === 0)) counts.before++;
    else {
      counts.partial++;
      problems.push(`kill ${i}: ${now ? Object.keys(now).length : 'no'} entries, ${Object.keys(after).length} expected`);
    }
    const record = join(dir, '.keptn-integration.json');
    if (existsSync(record)) {
      try {
        decodeRecord(readFileSync(record, 'utf8'), record);
      } catch (err) {
        counts.unreadableRecord++;
        problems.push(`kill ${i}: ${(err as Error).message}`);
      }
    }
    const stray = temporaries(cwd);
    if (stray.length > 0) {
      counts.temporaries++;
      problems.push(`kill ${i}: ${stray.join(', ')}`);
    }
  }
  figures.push(
    `  ${name} (an unkilled run: ${took} ms): ${counts.before} as before, ${counts.after} whole result, ${counts.partial} partial, ` +
      `${counts.unreadableRecord} unreadable records, ${counts.temporaries} with temporary files left; ${counts.midWrite} killed while staging was there (${counts.whileWriting} of the ${Math.floor(KILLS / 2)} aimed at writing), ${counts.rolledBack} of them rolled back from their journal`,
  );
  expect(problems).toEqual([]);
}

const CREATE = ['--kind', 'notification', '--yes', '--no-install', '--no-git'];

describe('kill -9 at random moments', () => {
  it('create into a new directory', async () => {
    await killRepeatedly('create p', {
      prepare: () => {
        const cwd = tempDir('kill-create-');
        return { cwd, dir: join(cwd, 'p'), staging: cwd };
      },
      args: ['p', ...CREATE],
    });
  });

  it('create into an empty existing directory', async () => {
    await killRepeatedly('create . (empty directory)', {
      prepare: () => {
        const cwd = tempDir('kill-here-');
        mkdirSync(join(cwd, 'p'));
        return { cwd: join(cwd, 'p'), dir: join(cwd, 'p'), staging: join(cwd, 'p') };
      },
      args: ['.', '--name', 'p', ...CREATE],
    });
  });

  it('create --force over a non-empty directory', async () => {
    await killRepeatedly('create --force', {
      prepare: () => {
        const cwd = tempDir('kill-force-');
        mkdirSync(join(cwd, 'p', 'src'), { recursive: true });
        writeFileSync(join(cwd, 'p', 'README.md'), 'mine\n');
        writeFileSync(join(cwd, 'p', 'NOTES.md'), 'mine too\n');
        writeFileSync(join(cwd, 'p', 'src', 'handler.ts'), '// mine\n');
        return { cwd, dir: join(cwd, 'p'), staging: join(cwd, 'p') };
      },
      args: ['p', '--force', ...CREATE],
    });
  });

  it('regenerate', async () => {
    const { dir: project } = await generate('test-tool', '1.0');
    writeFileSync(join(project, 'NOTES.md'), 'mine\n');
    await killRepeatedly('regenerate --set keptn=0.8', {
      prepare: () => {
        const cwd = tempDir('kill-regenerate-');
        cpSync(project, join(cwd, 'p'), { recursive: true });
        return { cwd, dir: join(cwd, 'p'), staging: join(cwd, 'p') };
      },
      args: ['regenerate', 'p', '--set', 'keptn=0.8'],
    });
  });
});

// The prompts as a person meets them, in a real pseudo-terminal (driven by test/pty-drive.py).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, NODE_BIN, tempDir } from './run.js';

const DRIVER = fileURLToPath(new URL('pty-drive.py', import.meta.url));
const DOWN = '\x1b[B';
const ENTER = '\r';

async function drive(cwd: string, steps: [string, string][], args: string[] = []) {
  const python = await execa('python3', ['--version'], { reject: false });
  if (python.exitCode !== 0) throw new Error('python3 is needed to drive the prompts in a pseudo-terminal: apt-get install python3');
  // Prompts appear only outside CI.
  const { CI: _, ...env } = process.env;
  return execa('python3', [DRIVER, JSON.stringify(steps), '--', NODE_BIN, BIN, ...args, '--no-install', '--no-git'], {
    cwd,
    env: { ...env, NO_COLOR: '1' },
    extendEnv: false,
    reject: false,
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * The CLI in a real terminal emulator (tmux), so that what a person reads is the screen after
 * inquirer's redraws, not the stream of writes: `screens[i]` is the screen when step i's text
 * appeared, `transcript` the whole screen at the end. Each wait bounds itself (10 s).
 */
async function inTerminal(cwd: string, steps: [string, string][], args: string[] = []) {
  const socket = join(tempDir(), 'tmux.sock');
  const tmux = (...a: string[]) => execa('tmux', ['-S', socket, ...a]);
  const screen = async () => (await tmux('capture-pane', '-p', '-J', '-S', '-')).stdout;
  const waitFor = async (text: string) => {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
      const shown = await screen();
      if (shown.includes(text)) return shown;
    }
    throw new Error(`waited 10 s for ${JSON.stringify(text)}; the screen:\n${await screen()}`);
  };
  const { CI: _, ...env } = process.env;
  const command = [NODE_BIN, BIN, ...args, '--no-install', '--no-git'].map((w) => `'${w}'`).join(' ');
  // The shell waits after the CLI ends (read), so that its last screen can be read.
  await execa('tmux', ['-S', socket, 'new-session', '-d', '-x', '200', '-y', '80', `cd '${cwd}' && ${command}; echo "[exit $?]"; read x`], {
    env: { ...env, NO_COLOR: '1' },
    extendEnv: false,
  });
  try {
    const screens: string[] = [];
    for (const [text, keys] of steps) {
      screens.push(await waitFor(text));
      await tmux('send-keys', '-l', keys);
    }
    const transcript = await waitFor('[exit ');
    return { screens, transcript, exitCode: Number(/\[exit (\d+)\]/.exec(transcript)![1]) };
  } finally {
    await execa('tmux', ['-S', socket, 'kill-server'], { reject: false });
  }
}

/** The line after the one that contains `text`. */
const below = (screen: string, text: string) => {
  const lines = screen.split('\n');
  return lines[lines.findIndex((l) => l.includes(text)) + 1];
};

describe('interactive prompts', () => {
  it('shows each hint with its own question, offers a name without a directory, and says what a y/N line decided', async () => {
    const cwd = tempDir();
    const r = await inTerminal(cwd, [
      ['What kind of integration?', ENTER], // test-tool
      ['Integration name', ENTER], // the kind's sample name
      ['Which Keptn release', ENTER],
      ['Which shipyard task', ENTER],
      ['How does it run?', ENTER],
      ['Which test tool', ENTER],
      ['Change the example Keptn coordinates', ENTER],
    ]);
    expect(r.exitCode, r.transcript).toBe(0);
    // Asked: the question, its hint under it, then where the answer goes; above it the last answer.
    const asked = r.screens[1];
    expect(below(asked, 'What kind of integration? test-tool')).toMatch(/^\? Integration name$/);
    expect(below(asked, '? Integration name')).toMatch(/^ {2}Used as Helm release, Deployment/);
    expect(asked).toMatch(/^ {2}› \(my-tests\)/m);
    // Answered: one line per question and its answer, no hint left between them.
    const answered = r.transcript
      .slice(0, r.transcript.lastIndexOf('\n', r.transcript.indexOf('Wrote ')))
      .trim()
      .split('\n');
    expect(
      answered.filter((l) => !l.startsWith('✔')),
      r.transcript,
    ).toEqual([]);
    expect(answered).toContain('✔ Integration name my-tests');
    expect(answered.at(-1)).toMatch(/\(y\/N\) no$/);
    expect(existsSync(join(cwd, 'my-tests', '.keptn-integration.json'))).toBe(true);
  });

  it("answers a blank required answer in the answer's own words", async () => {
    const cwd = tempDir();
    const r = await inTerminal(cwd, [
      ['What kind of integration?', DOWN + DOWN + DOWN + ENTER], // generic
      ['Integration name', 'mig' + ENTER],
      ['Which Keptn release', ENTER],
      ['Which shipyard task', ENTER],
      ['required, e.g. load-test', '\x03'],
    ]);
    expect(r.exitCode).toBe(130);
    expect(r.screens[4]).not.toContain('You must provide a value');
  });

  it('walks a new user through, re-asking on invalid input', async () => {
    const cwd = tempDir();
    const r = await drive(cwd, [
      ['What kind of integration?', DOWN + DOWN + ENTER], // sli-provider
      ['Integration name', 'Bad_Name' + ENTER],
      ['must be a DNS-1123 label', '\x7f'.repeat(8) + 'my-prom' + ENTER],
      ['Which Keptn release', ENTER],
      ['Which sliProvider value', ENTER],
      ['Which metrics backend', DOWN + ENTER], // http-json
      // Anything but y or n is asked again; the owner is among what "change" offers.
      ['Change the example Keptn coordinates (sockshop/dev/carts), the description,', 'maybe' + ENTER],
      ['please answer y or n', '\x7f'.repeat(5) + 'y' + ENTER],
      ['Example Keptn project', ENTER],
      ['Example stage', ENTER],
      ['Example service', ENTER],
      ['Description', ENTER],
      ['Licence', DOWN + ENTER], // MIT
      ['registry owner', 'acme' + ENTER],
      ['Container image repository', ENTER],
    ]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('Chosen per project with `keptn configure monitoring <provider>`');
    expect(r.stdout).toContain('npm run send-event test-events/get-sli.triggered.json');
    const record = JSON.parse(readFileSync(join(cwd, 'my-prom', '.keptn-integration.json'), 'utf8'));
    expect(record.answers).toMatchObject({
      kind: 'sli-provider',
      name: 'my-prom',
      keptn: '1.4',
      'sli-provider': 'my-prom',
      metrics: 'http-json',
      license: 'MIT',
      owner: 'acme',
      image: 'ghcr.io/acme/my-prom',
    });
  });

  it('offers the test tools and the job-executor runtime, each with a line saying what it is', async () => {
    const cwd = tempDir();
    const r = await drive(cwd, [
      ['What kind of integration?', ENTER], // test-tool
      ['Integration name', 'k6-job' + ENTER],
      ['Which Keptn release', ENTER],
      ['Which shipyard task', ENTER],
      ['How does it run?', DOWN + ENTER], // job-executor
      ['Which test tool does it run?', DOWN + DOWN + DOWN + ENTER], // from custom: locust, jmeter, k6
      ['Change the example Keptn coordinates (sockshop/dev/carts), the description or', ENTER],
    ]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('no code: the job-executor-service runs a container as a Kubernetes Job per event');
    expect(r.stdout).toContain('Grafana k6: JavaScript tests with thresholds');
    // No image to build: neither asked for nor offered.
    expect(r.stdout).not.toMatch(/registry owner|container image/);
    const record = JSON.parse(readFileSync(join(cwd, 'k6-job', '.keptn-integration.json'), 'utf8'));
    expect(record.answers).toMatchObject({ kind: 'test-tool', runtime: 'job-executor', 'test-tool': 'k6' });
    expect(existsSync(join(cwd, 'k6-job', 'keptn/resources/job/config.yaml'))).toBe(true);
  });

  it('applies the rules between answers at the prompt that breaks them, and shows hints for the chosen runtime', async () => {
    const cwd = tempDir();
    const r = await drive(cwd, [
      ['What kind of integration?', DOWN + DOWN + DOWN + ENTER], // generic
      ['Integration name', 'migrate' + ENTER],
      ['Which Keptn release', ENTER],
      ['Which shipyard task', 'db-migrate' + ENTER],
      ['How does it run?', DOWN + ENTER], // job-executor
      ['Which events should it receive?', 'sh.keptn.event.db-migrate.triggered,sh.keptn.event.evaluation.finished' + ENTER],
      ['must all be task triggers', '\x7f'.repeat(35) + ENTER],
      ['Change the example Keptn coordinates', ENTER],
    ]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('The job-executor-service is subscribed to these task triggers');
    expect(r.stdout).not.toContain('distributor sidecar');
    const record = JSON.parse(readFileSync(join(cwd, 'migrate', '.keptn-integration.json'), 'utf8'));
    expect(record.answers).toMatchObject({ kind: 'generic', runtime: 'job-executor', events: 'sh.keptn.event.db-migrate.triggered' });
  });

  it('re-asks for an event phase Keptn never sends, and warns of a likely typo before the next question', async () => {
    const cwd = tempDir();
    const r = await drive(cwd, [
      ['What kind of integration?', DOWN + ENTER], // notification
      ['Integration name', 'notes' + ENTER],
      ['Which Keptn release', ENTER],
      ['How does it run?', ENTER],
      ['Which events should it receive?', 'sh.keptn.event.evaluation.done' + ENTER],
      ['must end in a phase Keptn sends', '\x7f'.repeat(30) + 'sh.keptn.event.evaluaton.finished' + ENTER],
      ['Which message format', ENTER],
      ['Change the example Keptn coordinates', ENTER],
    ]);
    expect(r.exitCode, r.stdout).toBe(0);
    const warning =
      'warning: --events: sh.keptn.event.evaluaton.finished: task "evaluaton" is close to Keptn\'s built-in "evaluation" (a typo?)';
    expect(r.stdout).toContain(warning);
    expect(r.stdout.indexOf(warning)).toBeLessThan(r.stdout.indexOf('Which message format'));
    const record = JSON.parse(readFileSync(join(cwd, 'notes', '.keptn-integration.json'), 'utf8'));
    expect(record.answers.events).toBe('sh.keptn.event.evaluaton.finished');
  });

  it('raises a non-empty target before any question; a no cancels, as Ctrl-C does', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'svc'));
    writeFileSync(join(cwd, 'svc', 'NOTES.md'), 'mine');
    const r = await drive(cwd, [['svc is not empty. Write into it anyway?', 'n' + ENTER]], ['svc']);
    expect(r.exitCode, r.stdout).toBe(130);
    expect(r.stdout).toContain('Cancelled: nothing was written.');
    expect(r.stdout).not.toContain('error:');
    expect(r.stdout).not.toContain('What kind of integration?');
    expect(readdirSync(join(cwd, 'svc'))).toEqual(['NOTES.md']);
  });

  it('asks before --force replaces files, naming them, and writes nothing on a no', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'svc'));
    writeFileSync(join(cwd, 'svc', 'README.md'), 'mine');
    const flags = [
      '--kind',
      'generic',
      '--task',
      't',
      '--name',
      'svc',
      '--events',
      'sh.keptn.event.t.triggered',
      '--keptn',
      '1.4',
      '--runtime',
      'service',
      '--project',
      'p',
      '--stage',
      's',
      '--service',
      'c',
      '--description',
      'd',
      '--license',
      'MIT',
      '--owner',
      'acme',
      '--image',
      'ghcr.io/acme/svc',
    ];
    const r = await drive(
      cwd,
      [
        ['--force replaces 1 existing file:', ''],
        ['Replace this file with the generated one?', 'n' + ENTER],
      ],
      ['svc', '--force', ...flags],
    );
    expect(r.exitCode, r.stdout).toBe(130);
    expect(r.stdout).toMatch(/--force replaces 1 existing file:\r?\n {2}README\.md/);
    expect(r.stdout).toContain('Cancelled: nothing was written.');
    expect(readdirSync(join(cwd, 'svc'))).toEqual(['README.md']);
    expect(readFileSync(join(cwd, 'svc', 'README.md'), 'utf8')).toBe('mine');
  });

  it('cancels cleanly on Ctrl-C: exit 130, nothing written', async () => {
    const cwd = tempDir();
    const r = await drive(cwd, [
      ['What kind of integration?', ENTER],
      ['Integration name', 'half'],
      ['half', '\x03'],
    ]);
    expect(r.exitCode, r.stdout).toBe(130);
    expect(r.stdout).toContain('Cancelled: nothing was written.');
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(join(cwd, 'half'))).toBe(false);
  });
});

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ANSWERS } from '../src/answers.js';
import { cli, tempDir } from './run.js';

describe('create-keptn-integration --help', () => {
  it('explains every flag, with an example of each answer', async () => {
    const r = await cli(['--help']);
    expect(r.exitCode).toBe(0);
    const text = r.stdout.replace(/\s+/g, ' ');
    for (const def of ANSWERS) {
      expect(r.stdout).toContain(def.flag);
      expect(text).toContain(`e.g. ${def.example}`);
    }
    for (const flag of ['--yes', '--answers <file>', '--dry-run', '--force', '--no-install', '--no-git']) expect(r.stdout).toContain(flag);
    // The defaults, from the same table the answers take them from.
    for (const d of ['--keptn <version>', '--project <project>', '--stage <stage>', '--service <service>', '--owner <owner>']) {
      const def = ANSWERS.find((a) => d.startsWith(`--${a.key} `))!;
      expect(text).toContain(`(default ${def.default({})})`);
    }
    // Wrapped to the terminal's width (80 without one), except words longer than a line.
    expect(r.stdout.split('\n').filter((l) => l.length > 80 && / \S+ \S/.test(l.trim()))).toEqual([]);
  });

  it('takes `help` and `help regenerate` as commands, not as a directory', async () => {
    const cwd = tempDir();
    const help = await cli(['help'], { cwd });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toBe((await cli(['--help'])).stdout);
    const regenerate = await cli(['help', 'regenerate'], { cwd });
    expect(regenerate.stdout).toMatch(/^Usage: create-keptn-integration regenerate/);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('Ctrl-C after writing', () => {
  /** Runs create with an npm that takes its time, and interrupts it during the install. */
  async function interruptedInstall(...flags: string[]) {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'bin'));
    writeFileSync(join(cwd, 'bin', 'npm'), '#!/bin/sh\nsleep 20\n', { mode: 0o755 });
    const child = cli(['x', '--kind', 'generic', '--task', 't', '--yes', ...flags], {
      cwd,
      env: { PATH: `${join(cwd, 'bin')}:${process.env.PATH}`, NO_COLOR: '1' },
    });
    for (let i = 0; i < 100 && !existsSync(join(cwd, 'x', 'package.json')); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    return { r: await child, dir: join(cwd, 'x') };
  }

  it('during npm install: exit 130 and one line saying where the project is and what is left', async () => {
    const { r } = await interruptedInstall('--no-git');
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain('Cancelled during npm install: the project is at x; run npm install there.');
  });

  it('during npm install, with git: says that git init and the first commit were skipped too', async () => {
    const { r, dir } = await interruptedInstall();
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain(
      'Cancelled during npm install: the project is at x; run npm install there; git init and the first commit were skipped too: run them there after it.',
    );
    expect(existsSync(join(dir, '.git'))).toBe(false);
  });
});

describe('the target directory', () => {
  it('a file: one line naming it, for the run and for --dry-run alike', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'afile'), 'mine');
    for (const target of ['afile', 'afile/sub']) {
      for (const extra of [[], ['--dry-run']]) {
        const r = await cli([target, '--kind', 'generic', '--task', 't', '--yes', '--no-install', '--no-git', ...extra], { cwd });
        expect(r.exitCode, r.all).toBe(1);
        expect(r.stderr.trim()).toBe('error: afile is a file, not a directory');
      }
    }
  });

  it('--dry-run refuses a non-empty directory as the real run does, and with --force lists what it replaces', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'svc'));
    writeFileSync(join(cwd, 'svc', 'README.md'), 'mine');
    const refused = await cli(['svc', '--kind', 'notification', '--yes', '--dry-run'], { cwd });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/^error: directory "svc" is invalid: must be empty or not exist; pass --force/);
    const listed = await cli(['svc', '--kind', 'notification', '--yes', '--dry-run', '--force'], { cwd, env: { NO_COLOR: '1' } });
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toMatch(/--force replaces 1 existing file:\n {2}README\.md/);
    const forced = await cli(['svc', '--kind', 'notification', '--yes', '--force', '--no-install', '--no-git'], {
      cwd,
      env: { NO_COLOR: '1' },
    });
    expect(forced.stderr).toMatch(/--force replaces 1 existing file:\n {2}README\.md/);
  });

  it('gives a directory name that is no valid integration name a valid one, and says so', async () => {
    const cwd = tempDir();
    const r = await cli(['MyTests', '--kind', 'test-tool', '--yes', '--no-install', '--no-git'], { cwd });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stderr).toContain('Integration name mytests (from the directory MyTests)');
    expect(JSON.parse(readFileSync(join(cwd, 'MyTests', '.keptn-integration.json'), 'utf8')).answers.name).toBe('mytests');
  });
});

describe('bad input', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'a bad name',
      ['x', '--kind', 'test-tool', '--name', 'Bad_Name', '--yes'],
      /^error: --name "Bad_Name" is invalid: must be a DNS-1123 label/,
    ],
    ['a missing kind', ['x', '--yes'], /^error: --kind is missing: required; pass --kind <kind>, e.g. --kind test-tool$/],
    ['a missing generic task', ['x', '--kind', 'generic', '--yes'], /^error: --task is missing: required for kind generic/],
    [
      'an unknown Keptn version',
      ['x', '--kind', 'test-tool', '--keptn', '2.0', '--yes'],
      /^error: --keptn "2.0" is invalid: must be a Keptn v1 release from 0.8 to 1.4: a minor \(0.8, 0.9, .*, 1.4\) or a full release such as 1.4.5$/,
    ],
    [
      'an event wildcard where tasks are answered',
      ['x', '--kind', 'generic', '--task', 't', '--events', 'sh.keptn.>', '--yes'],
      /^error: --events "sh.keptn.>" is invalid/,
    ],
    ['no directory without prompts', ['--kind', 'test-tool', '--yes'], /^error: directory is missing: required without prompts/],
    [
      'a folder whose name YAML reads as a number',
      ['2024', '--kind', 'test-tool', '--yes'],
      /^error: directory "2024" is invalid: gives the integration name "2024", and YAML reads it as a number, not as a name: .*: pass --name$/,
    ],
    [
      'a name YAML reads as a boolean',
      ['x', '--kind', 'test-tool', '--name', 'true', '--yes'],
      /^error: --name "true" is invalid: YAML reads it as a boolean, not as a name/,
    ],
    [
      "one of Keptn's own service names",
      ['x', '--kind', 'test-tool', '--name', 'shipyard-controller', '--yes'],
      /^error: --name "shipyard-controller" is invalid: is one of Keptn's own services: the distributor \(Keptn 0\.9\.0–1\.4\.5\) does not register/,
    ],
    [
      'an event phase Keptn never sends',
      ['x', '--kind', 'notification', '--events', 'sh.keptn.event.evaluation.done', '--yes'],
      /^error: --events "sh.keptn.event.evaluation.done" is invalid: "sh.keptn.event.evaluation.done" must end in a phase Keptn sends: triggered, started, status.changed, finished, invalidated/,
    ],
  ];
  it.each(cases)('%s: one line naming field, value and rule; exit 1; nothing written', async (_, args) => {
    const cwd = tempDir();
    const r = await cli(args, { cwd });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(cases.find((c) => c[0] === _)![2]);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('answers files: text YAML and JSON cannot carry (a lone surrogate) is refused in one line', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'a.json'), '{"kind": "test-tool", "description": "half \\ud800 a pair"}');
    const r = await cli(['x', '--answers', 'a.json'], { cwd });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(
      'error: a.json: description "half \\ud800 a pair" is invalid: holds a lone surrogate (half of a UTF-16 pair, e.g. \\ud800), which neither YAML nor JSON can carry',
    );
    expect(readdirSync(cwd)).toEqual(['a.json']);
  });

  it('warns of a likely typo and of overlapping subscriptions, and goes on', async () => {
    const cwd = tempDir();
    const events = 'sh.keptn.event.evaluaton.finished,sh.keptn.event.>,sh.keptn.event.test.triggered';
    const r = await cli(['x', '--kind', 'notification', '--events', events, '--yes', '--dry-run'], { cwd });
    expect(r.exitCode, r.all).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings).toEqual([
      'warning: --events: sh.keptn.event.evaluaton.finished: task "evaluaton" is close to Keptn\'s built-in "evaluation" (a typo?): no Keptn service runs or answers a task "evaluaton"',
      expect.stringMatching(
        /^warning: --events: sh\.keptn\.event\.evaluaton\.finished and sh\.keptn\.event\.> both match events such as sh\.keptn\.event\.evaluaton\.finished: .* arrives twice/,
      ),
      expect.stringMatching(
        /^warning: --events: sh\.keptn\.event\.> and sh\.keptn\.event\.test\.triggered both match events such as sh\.keptn\.event\.test\.triggered: Keptn's distributor \(0\.8 to 1\.4\.5\) forwards an event once for each subscription it matches/,
      ),
    ]);
  });

  it('answers files: unknown keys and malformed YAML are named', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'a.yaml'), 'kind: test-tool\ncolour: blue\n');
    writeFileSync(join(cwd, 'b.yaml'), 'kind: [test-tool\n');
    const unknown = await cli(['x', '--answers', 'a.yaml'], { cwd });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/^error: a.yaml: key "colour" is invalid: must be one of the answer keys/);
    const malformed = await cli(['x', '--answers', 'b.yaml'], { cwd });
    expect(malformed.exitCode).toBe(1);
    expect(malformed.stderr).toMatch(/^error: --answers "b.yaml" is invalid: must be valid YAML/);
    expect(readdirSync(cwd).sort()).toEqual(['a.yaml', 'b.yaml']);
  });
});

describe('writing', () => {
  it('--dry-run lists the files and writes nothing', async () => {
    const cwd = tempDir();
    const r = await cli(['my-tests', '--kind', 'test-tool', '--yes', '--dry-run'], { cwd });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Would write \d+ files to .*my-tests/);
    expect(r.stdout).toMatch(/^├── chart\/\n│   ├── ci\/\n/m);
    expect(r.stdout).toMatch(/│   │   ├── deployment\.yaml  \(\d+ B\)/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('refuses a non-empty directory without --force, and keeps unrelated files with it', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'svc'));
    writeFileSync(join(cwd, 'svc', 'NOTES.md'), 'mine');
    const refused = await cli(['svc', '--kind', 'notification', '--yes', '--no-install', '--no-git'], { cwd });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/^error: directory "svc" is invalid: must be empty or not exist; pass --force/);
    expect(readdirSync(join(cwd, 'svc'))).toEqual(['NOTES.md']);

    const forced = await cli(['svc', '--kind', 'notification', '--yes', '--no-install', '--no-git', '--force'], { cwd });
    expect(forced.exitCode).toBe(0);
    expect(readFileSync(join(cwd, 'svc', 'NOTES.md'), 'utf8')).toBe('mine');
    expect(existsSync(join(cwd, 'svc', 'src', 'handler.ts'))).toBe(true);
  });

  it('takes answers from a YAML file, flags winning, and records them', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'answers.yaml'),
      [
        'kind: notification',
        'keptn: 0.8',
        'events:',
        '  - sh.keptn.event.evaluation.finished',
        '  - sh.keptn.event.test.finished',
        'project: shop',
      ].join('\n'),
    );
    const r = await cli(['slack', '--answers', 'answers.yaml', '--project', 'podtato', '--no-install', '--no-git'], { cwd });
    expect(r.exitCode, r.all).toBe(0);
    const record = JSON.parse(readFileSync(join(cwd, 'slack', '.keptn-integration.json'), 'utf8'));
    expect(record.answers).toMatchObject({
      kind: 'notification',
      name: 'slack',
      keptn: '0.8',
      events: 'sh.keptn.event.evaluation.finished,sh.keptn.event.test.finished',
      project: 'podtato',
    });
    expect(record.generator.name).toBe('create-keptn-integration');
  });

  it('makes an initial commit of exactly what it generated, and prints the next steps', async () => {
    const cwd = tempDir();
    const r = await cli(['my-task', '--kind', 'generic', '--task', 'my-task', '--yes', '--no-install'], {
      cwd,
      env: { NO_COLOR: '1', FORCE_COLOR: '1' },
    });
    expect(r.exitCode, r.all).toBe(0);
    const dir = join(cwd, 'my-task');
    const log = await execa('git', ['log', '--format=%s'], { cwd: dir });
    expect(log.stdout).toBe('Generated by create-keptn-integration');
    expect((await execa('git', ['status', '--porcelain'], { cwd: dir })).stdout).toBe('');
    for (const step of [
      'cd my-task',
      'npm install',
      'npm test',
      'npm run send-event test-events/my-task.triggered.json',
      'helm install my-task ./chart',
      './keptn/add-resources.sh',
    ])
      expect(r.stdout).toContain(step);
    expect(r.all).not.toMatch(/\x1b\[/); // NO_COLOR wins over FORCE_COLOR
    expect(existsSync(join(dir, 'test-events', 'my-task.triggered.json'))).toBe(true);
  });

  it('leaves no temporary directory behind', async () => {
    const cwd = tempDir();
    await cli(['a', '--kind', 'test-tool', '--yes', '--no-install', '--no-git'], { cwd });
    expect(readdirSync(cwd)).toEqual(['a']);
  });
});

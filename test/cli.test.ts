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
    for (const def of ANSWERS) {
      expect(r.stdout).toContain(def.flag);
      expect(r.stdout).toContain(def.example);
    }
    for (const flag of ['--yes', '--answers <file>', '--dry-run', '--force', '--no-install', '--no-git']) expect(r.stdout).toContain(flag);
  });
});

describe('bad input', () => {
  const cases: [string, string[], RegExp][] = [
    ['a bad name', ['x', '--kind', 'test-tool', '--name', 'Bad_Name', '--yes'], /^error: --name "Bad_Name" is invalid: must be a DNS-1123 label/],
    ['a missing kind', ['x', '--yes'], /^error: --kind is missing: required; pass --kind <kind>, e.g. --kind test-tool$/],
    ['a missing generic task', ['x', '--kind', 'generic', '--yes'], /^error: --task is missing: required for kind generic/],
    ['an unknown Keptn version', ['x', '--kind', 'test-tool', '--keptn', '2.0', '--yes'], /^error: --keptn "2.0" is invalid: must be a Keptn v1 release from 0.8 to 1.4: a minor \(0.8, 0.9, .*, 1.4\) or a full release such as 1.4.5$/],
    ['an event wildcard where tasks are answered', ['x', '--kind', 'generic', '--task', 't', '--events', 'sh.keptn.>', '--yes'], /^error: --events "sh.keptn.>" is invalid/],
    ['no directory without prompts', ['--kind', 'test-tool', '--yes'], /^error: directory is missing: required without prompts/],
  ];
  it.each(cases)('%s: one line naming field, value and rule; exit 1; nothing written', async (_, args) => {
    const cwd = tempDir();
    const r = await cli(args, { cwd });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(cases.find((c) => c[0] === _)![2]);
    expect(readdirSync(cwd)).toEqual([]);
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
      ['kind: notification', 'keptn: 0.8', 'events:', '  - sh.keptn.event.evaluation.finished', '  - sh.keptn.event.test.finished', 'project: shop'].join('\n'),
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
    const r = await cli(['my-task', '--kind', 'generic', '--task', 'my-task', '--yes', '--no-install'], { cwd, env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(r.exitCode, r.all).toBe(0);
    const dir = join(cwd, 'my-task');
    const log = await execa('git', ['log', '--format=%s'], { cwd: dir });
    expect(log.stdout).toBe('Generated by create-keptn-integration');
    expect((await execa('git', ['status', '--porcelain'], { cwd: dir })).stdout).toBe('');
    for (const step of ['cd my-task', 'npm install', 'npm test', 'npm run send-event test-events/my-task.triggered.json', 'helm install my-task ./chart', './keptn/add-resources.sh'])
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

// What the CLI says fits what was typed: a missing directory is said to be missing, regenerate
// finds its project from a subdirectory, --help gives an example for every flag.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANSWERS, resolveAnswers } from '../src/answers.js';
import { generate } from './helpers.js';
import { cli, tempDir } from './run.js';

describe('messages', () => {
  it('regenerate of a directory that does not exist says so', async () => {
    const cwd = tempDir();
    const r = await cli(['regenerate', 'no-such-dir'], { cwd, env: { NO_COLOR: '1' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      'error: no-such-dir does not exist: regenerate takes the directories of projects made by create-keptn-integration',
    );
  });

  it('regenerate in a subdirectory of a project finds the project upward and names it', async () => {
    const { dir, blueprint } = await generate('generic', '1.0');
    const deep = join(dir, 'src', 'keptn');
    const r = await cli(['regenerate'], { cwd: deep, env: { NO_COLOR: '1' } });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toBe(`${blueprint.name}: up to date`);
    const here = await cli(['regenerate'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(here.stdout).toBe(`${blueprint.name}: up to date`);
    // Outside any project: the record is missing here.
    const outside = tempDir();
    mkdirSync(join(outside, 'x'));
    const none = await cli(['regenerate'], { cwd: join(outside, 'x'), env: { NO_COLOR: '1' } });
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(/\.keptn-integration\.json is missing/);
  });

  it('a mistyped command is suggested, not taken for a project name', async () => {
    const cwd = tempDir();
    for (const [typed, meant] of [
      ['regenrate', 'regenerate'],
      ['regnerate', 'regenerate'],
      ['hlep', 'help'],
    ]) {
      const r = await cli([typed], { cwd, env: { NO_COLOR: '1' } });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toBe(
        `error: unknown command "${typed}": did you mean ${meant}? (to create a project in a folder of that name, pass ./${typed})`,
      );
    }
    // A name that is no slip of a command, or a folder that exists, is a project.
    const kelp = await cli(['kelp', '--kind', 'generic', '--task', 't', '--yes', '--dry-run'], { cwd });
    expect(kelp.exitCode, kelp.all).toBe(0);
    mkdirSync(join(cwd, 'regenrate'));
    const folder = await cli(['regenrate', '--kind', 'generic', '--task', 't', '--yes', '--dry-run'], { cwd });
    expect(folder.exitCode, folder.all).toBe(0);
  });

  it('--help has an example for every flag, --set lists its keys, and -V prints the version', async () => {
    // Each option's entry: its first line and the wrapped lines under it.
    const entries = (help: string) =>
      help
        .split(/\n(?=  -)/)
        .filter((e) => e.startsWith('  -'))
        .map((e) => e.split('\n\n')[0].replace(/\s+/g, ' '));
    const help = (await cli(['--help'])).stdout;
    const regenerate = (await cli(['help', 'regenerate'])).stdout;
    expect(entries(help).length).toBeGreaterThan(ANSWERS.length);
    for (const entry of [...entries(help), ...entries(regenerate)].filter((e) => !/^ -(V|v|h),/.test(e) && !e.startsWith(' -h'))) {
      expect(entry).toMatch(/e\.g\. /);
    }
    expect(regenerate.replace(/\s+/g, ' ')).toContain(`key one of ${ANSWERS.map((d) => d.key).join(', ')}`);
    const [v, V] = await Promise.all([cli(['-v']), cli(['-V'])]);
    expect(V.exitCode).toBe(0);
    expect(V.stdout).toBe(v.stdout);
    expect(V.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('defaults follow the answers they come from', () => {
  it('regenerate --set kind=generic brings the generic description unless the owner wrote one', async () => {
    const { dir } = await generate('test-tool', '1.0');
    const r = await cli(['regenerate', dir, '--set', 'kind=generic', '--set', 'task=db-migrate'], { env: { NO_COLOR: '1' } });
    expect(r.exitCode, r.all).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.description).toBe('Keptn generic integration: serves any shipyard task of yours (.started, your handler, .finished)');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).not.toContain('runs tests when Keptn asks');
    // An owner's own description stays through a change of kind.
    const own = await generate('test-tool', '1.0');
    await cli(['regenerate', own.dir, '--set', 'description=Our load tests'], { env: { NO_COLOR: '1' } });
    await cli(['regenerate', own.dir, '--set', 'kind=generic', '--set', 'task=db-migrate'], { env: { NO_COLOR: '1' } });
    expect(JSON.parse(readFileSync(join(own.dir, 'package.json'), 'utf8')).description).toBe('Our load tests');
  });

  it('a no-code generic project is not described as having a handler', async () => {
    for (const runtime of ['job-executor', 'webhook-service']) {
      const a = await resolveAnswers({
        kind: 'generic',
        name: 'x',
        task: 't',
        runtime,
        ...(runtime === 'webhook-service' ? { endpoint: 'https://ci.example.com/hook' } : {}),
      });
      expect(a.description).not.toMatch(/handler/);
    }
  });
});

describe('a project without npm', () => {
  it.each([
    { kind: 'test-tool', runtime: 'job-executor', 'test-tool': 'k6' },
    { kind: 'test-tool', runtime: 'job-executor', 'test-tool': 'custom' },
    { kind: 'generic', runtime: 'job-executor', task: 'db-migrate' },
    { kind: 'generic', runtime: 'webhook-service', task: 'deploy', endpoint: 'https://ci.example.com/hook' },
    { kind: 'notification', runtime: 'webhook-service', webhook: 'slack' },
    { kind: 'notification', runtime: 'webhook-service', webhook: 'teams', endpoint: 'https://example.webhook.office.com' },
  ])('mentions no npm command: $kind $runtime', async (answers) => {
    const { renderPlan } = await import('../src/plan.js');
    const { toBlueprint } = await import('../src/blueprint.js');
    const plan = renderPlan(toBlueprint(await resolveAnswers({ name: 'x', ...answers })));
    expect(plan.has('package.json')).toBe(false);
    expect([...plan].filter(([, content]) => /\bnpm (run|test|install|ci)\b/.test(content)).map(([path]) => path)).toEqual([]);
  });
});

describe('errors name the answer as it was given', () => {
  it('an answers file by its key, --set by its key, a flag by its flag', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'answers.yaml'), 'kind: test-tool\nname: My_Tests\n');
    const file = await cli(['--answers', 'answers.yaml'], { cwd, env: { NO_COLOR: '1' } });
    expect(file.exitCode).toBe(1);
    expect(file.stderr).toMatch(/^error: answers\.yaml: name "My_Tests" is invalid: /);
    // The flag wins over the file, and is named as the flag.
    const flag = await cli(['--answers', 'answers.yaml', '--name', 'Also_Bad'], { cwd, env: { NO_COLOR: '1' } });
    expect(flag.stderr).toMatch(/^error: --name "Also_Bad" is invalid: /);
    const { dir } = await generate('generic', '1.0');
    const set = await cli(['regenerate', dir, '--set', 'keptn=2.0'], { env: { NO_COLOR: '1' } });
    expect(set.exitCode).toBe(1);
    expect(set.stderr).toMatch(/^error: --set keptn "2\.0" is invalid: must be a Keptn v1 release/);
  });
});

describe('the webhook-service endpoint of a notification', () => {
  it('missing for Teams or JSON: says only Slack has a default, with an example of that format that is accepted', async () => {
    for (const webhook of ['teams', 'generic']) {
      const a = { kind: 'notification', name: 'x', runtime: 'webhook-service', webhook };
      const err = await resolveAnswers(a).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(
        new RegExp(
          `^--endpoint is missing: required for --webhook ${webhook} \\(only slack has a default, https://hooks\\.slack\\.com\\): pass the scheme and host of its incoming webhook, e\\.g\\. --endpoint (https://\\S+)$`,
        ),
      );
      const example = /--endpoint (https:\/\/\S+)$/.exec(err!.message)![1];
      await expect(resolveAnswers({ ...a, endpoint: example })).resolves.toMatchObject({ endpoint: example });
    }
  });

  it("refused as http: the example is the format's origin, not a path", async () => {
    const err = await resolveAnswers({
      kind: 'notification',
      name: 'x',
      runtime: 'webhook-service',
      webhook: 'teams',
      endpoint: 'http://x.example.com',
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toBe(
      '--endpoint "http://x.example.com" is invalid: must be an https URL, e.g. https://prod-00.westeurope.logic.azure.com',
    );
  });
});

describe('what turned prompts off, where a runtime belongs, a YAML error', () => {
  it('a missing directory without prompts says CI=true turned them off, and that --name would do', async () => {
    const r = await cli(['--kind', 'generic', '--task', 't'], { cwd: tempDir(), env: { NO_COLOR: '1', CI: 'true' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      'error: directory is missing: required without prompts (CI=true turns them off); pass it first or give --name, e.g. create-keptn-integration my-tests --yes',
    );
    const named = await cli(['--kind', 'generic', '--task', 't', '--name', 'named', '--dry-run'], { cwd: tempDir(), env: { CI: 'true' } });
    expect(named.exitCode, named.all).toBe(0);
  });

  it('a runtime of another kind says the choice depends on the kind', async () => {
    await expect(resolveAnswers({ kind: 'test-tool', name: 'x', runtime: 'webhook-service' })).rejects.toThrow(
      '--runtime "webhook-service" is invalid: must be one of: service, job-executor for kind test-tool (webhook-service is for notification and generic)',
    );
  });

  it("an answers file that is no YAML: the parser's first line, without a dangling colon", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'bad.yaml'), 'kind: a: b\n');
    const r = await cli(['x', '--answers', 'bad.yaml'], { cwd, env: { NO_COLOR: '1' } });
    expect(r.stderr).toMatch(/^error: --answers "bad\.yaml" is invalid: must be valid YAML: .* at line 1, column 7$/);
  });
});

import { describe, expect, it } from 'vitest';
import { ANSWERS, resolveAnswers } from '../../src/answers.js';
import { InputError } from '../../src/errors.js';
import { checkAnswers, readAnswersFile } from '../../src/answers-file.js';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../run.js';
import { dnsLabel, eventType, freeText, imageRepository, keptnName, taskName } from '../../src/rules.js';

const fails = (p: Promise<unknown>, field: string, value: unknown, rule: RegExp) =>
  expect(p).rejects.toSatisfy((err: unknown) => {
    if (!(err instanceof InputError)) throw err;
    expect(err.field).toBe(field);
    expect(err.value).toBe(value);
    expect(err.rule).toMatch(rule);
    expect(err.message.split('\n')).toHaveLength(1);
    return true;
  });

describe('rules', () => {
  it('DNS-1123 labels of at most 53 characters for names', () => {
    const rule = dnsLabel(53);
    for (const ok of ['a', 'my-tests', 'x1', 'a'.repeat(53)]) expect(rule(ok)).toBeUndefined();
    for (const bad of ['', 'My-Tests', '-a', 'a-', 'a_b', 'a.b', 'a'.repeat(54), 'ä']) expect(rule(bad)).toMatch(/DNS-1123/);
  });

  it("Keptn's names for project, stage and service", () => {
    expect(keptnName(43)('dev')).toBeUndefined();
    expect(keptnName(43)('hardening-2')).toBeUndefined();
    for (const bad of ['1dev', 'Dev', 'dev-', 'de_v', 'a'.repeat(44)]) expect(keptnName(43)(bad)).toBeDefined();
  });

  it('task names are one event segment', () => {
    expect(taskName('load-test')).toBeUndefined();
    for (const bad of ['load.test', 'Load', '9x', '']) expect(taskName(bad)).toBeDefined();
  });

  it('event types, with wildcards only where allowed', () => {
    expect(eventType(false)('sh.keptn.event.test.triggered')).toBeUndefined();
    expect(eventType(false)('sh.keptn.event.dev.delivery.finished')).toBeUndefined();
    expect(eventType(false)('sh.keptn.>')).toBeDefined();
    expect(eventType(false)('sh.keptn.event.*.finished')).toBeDefined();
    expect(eventType(true)('sh.keptn.>')).toBeUndefined();
    expect(eventType(true)('sh.keptn.event.*.finished')).toBeUndefined();
    expect(eventType(true)('sh.keptn.event.test.>')).toBeUndefined();
    for (const bad of ['sh.keptn.event.test', 'keptn.event.a.b', 'sh.keptn.event.a..b', 'sh.keptn.event.>.b', 'sh.keptn.event.A.b'])
      expect(eventType(true)(bad)).toBeDefined();
  });

  it('free text is one printable line', () => {
    for (const ok of ['Runs our tests', '{{ .Values.x }} $(rm -rf /) "quoted" <b>', 'ünïcödé ✓']) expect(freeText(200)(ok)).toBeUndefined();
    for (const bad of ['', '   ', 'two\nlines', 'tab\there', 'x'.repeat(201), 'nul\u0000', 'sep\u2028']) expect(freeText(200)(bad)).toBeDefined();
  });

  it('image repositories without tags', () => {
    for (const ok of ['ghcr.io/acme/x', 'acme/x', 'localhost:5000/a/b-c', 'x']) expect(imageRepository(ok)).toBeUndefined();
    for (const bad of ['ghcr.io/acme/x:1.0', 'Acme/x', 'a//b', 'x@sha256:abc', '']) expect(imageRepository(bad)).toBeDefined();
  });
});

describe('resolveAnswers', () => {
  it('fills defaults, per kind', async () => {
    const a = await resolveAnswers({ kind: 'test-tool', name: 'my-tests' });
    expect(a).toEqual({
      kind: 'test-tool',
      name: 'my-tests',
      keptn: '1.4',
      task: 'test',
      runtime: 'service',
      'test-tool': 'custom',
      project: 'sockshop',
      stage: 'dev',
      service: 'carts',
      description: "Keptn test-tool integration: runs tests when Keptn asks (answers the test task with .started and .finished)",
      owner: 'your-org',
      image: 'ghcr.io/your-org/my-tests',
    });
    expect((await resolveAnswers({ kind: 'sli-provider', name: 'p' }))['sli-provider']).toBe('p');
    expect((await resolveAnswers({ kind: 'generic', name: 'g', task: 'my-task' })).events).toBe('sh.keptn.event.my-task.triggered');
  });

  it('takes a default from the caller (the directory name)', async () => {
    expect((await resolveAnswers({ kind: 'generic', task: 't' }, undefined, { name: 'from-dir' })).name).toBe('from-dir');
  });

  it('names the flag of a missing required answer', async () => {
    await fails(resolveAnswers({ name: 'x' }), '--kind', undefined, /required; pass --kind <kind>/);
    await fails(resolveAnswers({ kind: 'generic', name: 'x' }), '--task', undefined, /required for kind generic/);
  });

  it('names the field, the value and the rule of a bad answer', async () => {
    await fails(resolveAnswers({ kind: 'test-tool', name: 'My_Tests' }), '--name', 'My_Tests', /DNS-1123/);
    await fails(resolveAnswers({ kind: 'nope', name: 'x' }), '--kind', 'nope', /one of: test-tool, notification/);
    for (const bad of ['0.7', '0.20', '1.5', '2.0', 'latest', '1.4.x']) {
      await fails(resolveAnswers({ kind: 'test-tool', name: 'x', keptn: bad }), '--keptn', bad, /must be a Keptn v1 release from 0\.8 to 1\.4/);
    }
    await fails(resolveAnswers({ kind: 'test-tool', name: 'x', keptn: '1.4.9' }), '--keptn', '1.4.9', /must be a Keptn v1 release from 0\.8 to 1\.4: 1\.4 has 1\.4\.0 to 1\.4\.5/);
    await fails(
      resolveAnswers({ kind: 'notification', name: 'x', events: 'sh.keptn.event.test.finished,nope' }),
      '--events',
      'sh.keptn.event.test.finished,nope',
      /"nope" must be/,
    );
    await fails(resolveAnswers({ kind: 'test-tool', name: 'x', project: 'p'.repeat(40), stage: 's'.repeat(30) }), '--stage', 's'.repeat(30), /at most 63/);
  });

  it('refuses answers that do not apply to the kind', async () => {
    await fails(resolveAnswers({ kind: 'test-tool', name: 'x', events: 'sh.keptn.event.a.b' }), '--events', 'sh.keptn.event.a.b', /does not apply to kind test-tool \(it is for: notification, generic\)/);
  });

  it('checks answers against each other (generic events must include the task trigger)', async () => {
    await fails(
      resolveAnswers({ kind: 'generic', name: 'x', task: 'a', events: 'sh.keptn.event.b.triggered' }),
      '--events',
      'sh.keptn.event.b.triggered',
      /must include sh.keptn.event.a.triggered/,
    );
  });

  it('normalises lists', async () => {
    const a = await resolveAnswers({ kind: 'notification', name: 'x', events: ' sh.keptn.event.a.finished , ,sh.keptn.> ' });
    expect(a.events).toBe('sh.keptn.event.a.finished,sh.keptn.>');
  });

  it('asks for what is not given, and validates what it gets', async () => {
    const asked: string[] = [];
    const a = await resolveAnswers({ name: 'x' }, async (def, _a, fallback) => {
      asked.push(def.key);
      return def.key === 'kind' ? 'generic' : def.key === 'task' ? 'deploy-db' : fallback;
    });
    expect(asked).toEqual(['kind', 'keptn', 'task', 'runtime', 'events', 'project', 'stage', 'service', 'description', 'owner', 'image']);
    expect(a.events).toBe('sh.keptn.event.deploy-db.triggered');
  });

  it('gives each prompt the rules between answers that it can break', async () => {
    const rules: Record<string, (v: string) => string | undefined> = {};
    await resolveAnswers({ kind: 'generic', name: 'x', task: 't', runtime: 'job-executor' }, async (def, a, fallback) => {
      rules[def.key] = def.rule(a);
      return fallback;
    });
    expect(rules.events('sh.keptn.event.t.triggered,sh.keptn.event.x.finished')).toMatch(/must all be task triggers .* with --runtime job-executor/);
    expect(rules.events('sh.keptn.event.t.triggered')).toBeUndefined();
  });

  it("describes a notification by the format chosen, not every format", async () => {
    expect((await resolveAnswers({ kind: 'notification', name: 'x', webhook: 'teams' })).description).toBe('Keptn notification integration: posts a Microsoft Teams message when chosen events happen');
  });

  it('asks a job-executor definition nothing about images, and refuses one given', async () => {
    const asked: string[] = [];
    await resolveAnswers({ name: 'x', kind: 'test-tool', runtime: 'job-executor' }, async (def, _a, fallback) => {
      asked.push(def.key);
      return fallback;
    });
    expect(asked).toEqual(['keptn', 'task', 'test-tool', 'project', 'stage', 'service', 'description']);
    await fails(
      resolveAnswers({ kind: 'test-tool', name: 'x', runtime: 'job-executor', image: 'a/b' }),
      '--image',
      'a/b',
      /--runtime job-executor builds no image/,
    );
    await fails(resolveAnswers({ kind: 'sli-provider', name: 'x', runtime: 'service' }), '--runtime', 'service', /for: test-tool, notification, generic/);
    await fails(
      resolveAnswers({ kind: 'generic', name: 'x', task: 't', runtime: 'job-executor', events: 'sh.keptn.event.t.triggered,sh.keptn.event.evaluation.finished' }),
      '--events',
      'sh.keptn.event.t.triggered,sh.keptn.event.evaluation.finished',
      /must all be task triggers .* with --runtime job-executor/,
    );
    await fails(resolveAnswers({ kind: 'test-tool', name: 'x', 'test-tool': 'gatling' }), '--test-tool', 'gatling', /one of: locust, jmeter, k6, artillery, custom/);
  });
});

describe('answers files', () => {
  it('accepts the long option names, lists as arrays', () => {
    expect(checkAnswers({ kind: 'notification', events: ['sh.keptn.event.a.finished', 'sh.keptn.event.b.finished'] }, 'a.yaml')).toEqual({
      kind: 'notification',
      events: 'sh.keptn.event.a.finished,sh.keptn.event.b.finished',
    });
  });

  it('names unknown keys and wrong types', () => {
    expect(() => checkAnswers({ knd: 'x' }, 'a.yaml')).toThrow(/^a.yaml: key "knd" is invalid: must be one of the answer keys: kind, name/);
    expect(() => checkAnswers({ keptn: 1 }, 'a.json')).toThrow(/a.json: keptn 1 is invalid: must be a string \(quote numbers/);
    expect(() => checkAnswers(['x'], 'a.yaml')).toThrow(/^a.yaml \["x"\] is invalid: must hold a map of answers/);
  });

  it('refuses a file that is too large or nests too deep in one line, without reading it all', () => {
    const dir = tempDir();
    const deep = (open: string, close: string) => `${open.repeat(100_000)}${close.repeat(100_000)}`;
    writeFileSync(join(dir, 'deep.json'), `{"kind": ${deep('[', ']')}}`);
    writeFileSync(join(dir, 'deep.yaml'), `kind: ${deep('{', '}')}\n`);
    writeFileSync(join(dir, 'big.yaml'), `description: "${'x'.repeat(2 * 1024 * 1024)}"\n`);
    writeFileSync(join(dir, 'fine.yaml'), "kind: test-tool\ndescription: \"[[[ it's {{ fine }} ]]]\"\n");
    expect(() => readAnswersFile(join(dir, 'deep.json'))).toThrow(/^--answers ".*deep\.json" is invalid: must nest at most 16 levels/);
    expect(() => readAnswersFile(join(dir, 'deep.yaml'))).toThrow(/^--answers ".*deep\.yaml" is invalid: must nest at most 16 levels/);
    expect(() => readAnswersFile(join(dir, 'big.yaml'))).toThrow(/^--answers ".*big\.yaml" is invalid: must be at most 1024 KiB/);
    // /dev/zero never ends: refused after the bound, not read until memory runs out.
    expect(() => readAnswersFile('/dev/zero')).toThrow(/^--answers "\/dev\/zero" is invalid: must be at most 1024 KiB/);
    expect(readAnswersFile(join(dir, 'fine.yaml'))).toEqual({ kind: 'test-tool', description: "[[[ it's {{ fine }} ]]]" });
    rmSync(dir, { recursive: true, force: true });
  });

  it('every answer has a flag, a help text, an example and a prompt', () => {
    for (const def of ANSWERS) {
      expect(def.flag.startsWith(`--${def.key} <`)).toBe(true);
      expect(def.example.startsWith(`--${def.key} `)).toBe(true);
      expect(def.help.length).toBeGreaterThan(10);
      expect(def.message.length).toBeGreaterThan(5);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { ANSWERS, notApplying, resolveAnswers } from '../../src/answers.js';
import { KINDS } from '../../src/kinds/index.js';
import { InputError } from '../../src/errors.js';
import { checkAnswers, readAnswersFile } from '../../src/answers-file.js';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { tempDir } from '../run.js';
import { KEPTN_OWN_SERVICES, KEPTN_PHASES } from '../../src/keptn-versions.js';
import {
  commonMatch,
  dnsLabel,
  editDistance,
  eventType,
  freeText,
  imageRepository,
  keptnName,
  nearBuiltinTask,
  partsOf,
  taskName,
  withPhase,
  yamlReading,
} from '../../src/rules.js';

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
    for (const bad of ['', '   ', 'two\nlines', 'tab\there', 'x'.repeat(201), 'nul\u0000', 'sep\u2028'])
      expect(freeText(200)(bad)).toBeDefined();
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
      description: 'Keptn test-tool integration: runs tests when Keptn asks (answers the test task with .started and .finished)',
      license: 'Apache-2.0',
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
      await fails(
        resolveAnswers({ kind: 'test-tool', name: 'x', keptn: bad }),
        '--keptn',
        bad,
        /must be a Keptn v1 release from 0\.8 to 1\.4/,
      );
    }
    await fails(
      resolveAnswers({ kind: 'test-tool', name: 'x', keptn: '1.4.9' }),
      '--keptn',
      '1.4.9',
      /must be a Keptn v1 release from 0\.8 to 1\.4: 1\.4 has 1\.4\.0 to 1\.4\.5/,
    );
    await fails(
      resolveAnswers({ kind: 'notification', name: 'x', events: 'sh.keptn.event.test.finished,nope' }),
      '--events',
      'sh.keptn.event.test.finished,nope',
      /"nope" must be/,
    );
    await fails(
      resolveAnswers({ kind: 'test-tool', name: 'x', project: 'p'.repeat(40), stage: 's'.repeat(30) }),
      '--stage',
      's'.repeat(30),
      /at most 63/,
    );
  });

  it('refuses answers that do not apply to the kind', async () => {
    await fails(
      resolveAnswers({ kind: 'test-tool', name: 'x', events: 'sh.keptn.event.a.b' }),
      '--events',
      'sh.keptn.event.a.b',
      /does not apply to kind test-tool \(it is for: notification, generic\)/,
    );
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
    expect(asked).toEqual([
      'kind',
      'keptn',
      'task',
      'runtime',
      'events',
      'project',
      'stage',
      'service',
      'description',
      'license',
      'owner',
      'image',
    ]);
    expect(a.events).toBe('sh.keptn.event.deploy-db.triggered');
  });

  it('gives each prompt the rules between answers that it can break', async () => {
    const rules: Record<string, (v: string) => string | undefined> = {};
    await resolveAnswers({ kind: 'generic', name: 'x', task: 't', runtime: 'job-executor' }, async (def, a, fallback) => {
      rules[def.key] = def.rule(a);
      return fallback;
    });
    expect(rules.events('sh.keptn.event.t.triggered,sh.keptn.event.x.finished')).toMatch(
      /must all be task triggers .* with --runtime job-executor/,
    );
    expect(rules.events('sh.keptn.event.t.triggered')).toBeUndefined();
  });

  it('describes a notification by the format chosen, not every format', async () => {
    expect((await resolveAnswers({ kind: 'notification', name: 'x', webhook: 'teams' })).description).toBe(
      'Keptn notification integration: posts a Microsoft Teams message when chosen events happen',
    );
  });

  it('asks a job-executor definition nothing about images, and refuses one given', async () => {
    const asked: string[] = [];
    await resolveAnswers({ name: 'x', kind: 'test-tool', runtime: 'job-executor' }, async (def, _a, fallback) => {
      asked.push(def.key);
      return fallback;
    });
    expect(asked).toEqual(['keptn', 'task', 'test-tool', 'project', 'stage', 'service', 'description', 'license']);
    await fails(
      resolveAnswers({ kind: 'test-tool', name: 'x', runtime: 'job-executor', image: 'a/b' }),
      '--image',
      'a/b',
      /--runtime job-executor builds no image/,
    );
    await fails(
      resolveAnswers({ kind: 'sli-provider', name: 'x', runtime: 'service' }),
      '--runtime',
      'service',
      /for: test-tool, notification, generic/,
    );
    await fails(
      resolveAnswers({
        kind: 'generic',
        name: 'x',
        task: 't',
        runtime: 'job-executor',
        events: 'sh.keptn.event.t.triggered,sh.keptn.event.evaluation.finished',
      }),
      '--events',
      'sh.keptn.event.t.triggered,sh.keptn.event.evaluation.finished',
      /must all be task triggers .* with --runtime job-executor/,
    );
    await fails(
      resolveAnswers({ kind: 'test-tool', name: 'x', 'test-tool': 'gatling' }),
      '--test-tool',
      'gatling',
      /one of: locust, jmeter, k6, artillery, custom/,
    );
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
    writeFileSync(join(dir, 'fine.yaml'), 'kind: test-tool\ndescription: "[[[ it\'s {{ fine }} ]]]"\n');
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

  it('resolved answers are the validated ones and stay so: frozen, and no later step checks them again', async () => {
    const a = await resolveAnswers({ kind: 'test-tool', name: 'x' });
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => ((a as Record<string, string>)['test-tool'] = 'gatling')).toThrow(TypeError);
    const src = join(import.meta.dirname, '../../src');
    const rechecks = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && /unvalidated/i.test(readFileSync(join(src, f), 'utf8')),
    );
    expect(rechecks).toEqual([]);
  });

  it("each key once: a kind's own answers (Kind.questions) take no key of another's or of the common ones", () => {
    const keys = ANSWERS.map((d) => d.key);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    // A kind lists only the common answers marked perKind; its own are asked for it alone.
    for (const kind of KINDS) for (const key of kind.answers) expect(ANSWERS.find((d) => d.key === key)?.perKind, key).toBe(true);
    const own = KINDS.flatMap((k) => (k.questions ?? []).map((q) => [k.id, q.key]));
    expect(own.length).toBeGreaterThan(0);
    // A default is for an answer the kind asks: one for another would never be used.
    for (const kind of KINDS) for (const key of Object.keys(kind.defaults)) expect(kind.answers, `${kind.id} ${key}`).toContain(key);
    for (const [kind, key] of own) {
      const def = ANSWERS.find((d) => d.key === key)!;
      expect(notApplying(def, { kind })).toBeUndefined();
      for (const other of KINDS.filter((k) => k.id !== kind)) expect(notApplying(def, { kind: other.id })).toContain(`it is for: ${kind}`);
    }
  });
});

describe('names YAML would read as something else', () => {
  /** What the yaml package reads a plain scalar as in YAML 1.1 and in 1.2 (core schema), when not a string. */
  const readings = (v: string) => {
    const as = (version: '1.1' | '1.2') => {
      try {
        const x = parse(`k: ${v}`, { version })?.k;
        return typeof x === 'string' ? undefined : x === null ? 'null' : typeof x === 'object' ? 'object' : typeof x;
      } catch {
        return 'error';
      }
    };
    return [as('1.1'), as('1.2')];
  };

  it("yamlReading() agrees with the yaml package's YAML 1.1 and 1.2 readings of every short name", () => {
    // Every string of up to two name characters, longer ones made of the name characters that
    // numbers, dates and booleans are made of, and the names of the issue.
    const all = 'abcdefghijklmnopqrstuvwxyz0123456789-'.split('');
    const wordy = 'abefilnorstuxy0179-'.split('');
    const numeric = '0179bex-o'.split('');
    const names = [...all];
    for (const a of all) for (const b of all) names.push(a + b);
    for (const a of wordy) for (const b of wordy) for (const c of wordy) names.push(a + b + c);
    for (const a of '0179')
      for (const b of numeric) for (const c of numeric) for (const d of numeric) names.push(a + b + c + d, `1${b}${c}${d}0`);
    names.push(
      'true',
      'false',
      'null',
      'yes',
      'off',
      'True',
      'NULL',
      '0777',
      '1e3',
      '1e-3',
      '2024',
      '0x1f',
      '0o17',
      '0b101',
      '1_000',
      '2001-12-14',
      '2001-1-14',
      '1:20',
      '.inf',
      '-.inf',
      '.nan',
      '12e3',
      '1.5',
      'e3',
      'x1e3',
      '2024-01',
      '0-1-2',
    );
    const wrong = names.filter((v) => {
      const [v11, v12] = readings(v);
      if (v11 === 'error' || v12 === 'error' || v11 === 'object' || v12 === 'object') return false;
      return (yamlReading(v) !== undefined) !== (v11 !== undefined || v12 !== undefined);
    });
    expect(wrong).toEqual([]);
    for (const v of ['true', 'null', 'y', '0777', '1e3', '2024', '2001-12-14']) expect(yamlReading(v)).toBeDefined();
  });

  it('refuses them wherever a name is written into YAML unquoted, naming the field, the value and why', async () => {
    const base = { kind: 'generic', name: 'x', task: 't' };
    const cases: [string, string][] = [
      ['name', 'true'],
      ['name', 'null'],
      ['name', 'y'],
      ['name', '0777'],
      ['name', '1e3'],
      ['name', '2024'],
      ['name', '2001-12-14'],
      ['task', 'on'],
      ['project', 'yes'],
      ['stage', 'off'],
      ['service', 'n'],
    ];
    for (const [key, value] of cases) {
      await fails(
        resolveAnswers({ ...base, [key]: value }),
        `--${key}`,
        value,
        /^YAML reads it as (a boolean|null|a number|a date)( \(YAML 1\.1\))?, not as a name: Chart\.yaml, the shipyard and the manifests would carry that instead/,
      );
    }
    await fails(
      resolveAnswers({ kind: 'sli-provider', name: 'x', 'sli-provider': 'false' }),
      '--sli-provider',
      'false',
      /^YAML reads it as a boolean/,
    );
    expect((await resolveAnswers({ ...base, name: 'yes-tests', stage: 'on-prem' })).stage).toBe('on-prem');
  });

  it("refuses Keptn's own service names, which the distributor never registers", async () => {
    for (const { name } of KEPTN_OWN_SERVICES) {
      await fails(
        resolveAnswers({ kind: 'test-tool', name }),
        '--name',
        name,
        /^is one of Keptn's own services: the distributor \(Keptn [0-9.]+–[0-9.]+\) does not register an integration of that name .* a remote execution plane would receive no event/,
      );
    }
    expect(KEPTN_OWN_SERVICES.map((s) => s.name)).toEqual(
      expect.arrayContaining(['api-service', 'shipyard-controller', 'resource-service', 'configuration-service']),
    );
  });

  it('refuses text that YAML or JSON cannot carry, in any answer, in one line', async () => {
    await fails(
      resolveAnswers({ kind: 'test-tool', name: 'x', description: 'half a pair \ud800 here' }),
      '--description',
      'half a pair \ud800 here',
      /^holds a lone surrogate .* neither YAML nor JSON can carry/,
    );
    await fails(
      resolveAnswers({ kind: 'test-tool', name: 'x', description: 'trailing low \udc00' }),
      '--description',
      'trailing low \udc00',
      /lone surrogate/,
    );
    await fails(
      resolveAnswers({ kind: 'test-tool', name: 'x', description: 'not a char \uffff' }),
      '--description',
      'not a char \uffff',
      /^holds U\+FFFE or U\+FFFF, which YAML cannot carry/,
    );
    expect((await resolveAnswers({ kind: 'test-tool', name: 'x', description: 'emoji 🚀 are pairs' })).description).toBe(
      'emoji 🚀 are pairs',
    );
    let rule: ((v: string) => string | undefined) | undefined;
    await resolveAnswers({ kind: 'test-tool', name: 'x' }, async (def, a, fallback) => {
      if (def.key === 'description') rule = def.rule(a);
      return fallback;
    });
    expect(rule!('a \ud800')).toMatch(/lone surrogate/);
  });
});

describe('event types', () => {
  it('come apart into what the phase is of and the phase, and take another phase', () => {
    expect(partsOf('sh.keptn.event.evaluation.finished')).toEqual({ subject: 'evaluation', phase: 'finished' });
    expect(partsOf('sh.keptn.event.dev.delivery.finished')).toEqual({ subject: 'dev.delivery', phase: 'finished' });
    expect(partsOf('sh.keptn.event.test.status.changed')).toEqual({ subject: 'test', phase: 'status.changed' });
    expect(withPhase('sh.keptn.event.test.status.changed', 'started')).toBe('sh.keptn.event.test.started');
    expect(withPhase('sh.keptn.event.dev.delivery.finished', 'triggered')).toBe('sh.keptn.event.dev.delivery.triggered');
  });

  it('end in a phase Keptn sends, or a wildcard', async () => {
    for (const phase of KEPTN_PHASES) expect(eventType(false)(`sh.keptn.event.evaluation.${phase}`)).toBeUndefined();
    for (const ok of [
      'sh.keptn.event.dev.delivery.finished',
      'sh.keptn.event.evaluation.*',
      'sh.keptn.event.evaluation.status.*',
      'sh.keptn.event.*.*',
      'sh.keptn.event.>',
    ])
      expect(eventType(true)(ok)).toBeUndefined();
    for (const bad of [
      'sh.keptn.event.evaluation.done',
      'sh.keptn.event.evaluation.changed',
      'sh.keptn.event.*.done',
      'sh.keptn.event.status.changed',
    ])
      expect(eventType(true)(bad)).toBe(
        "must end in a phase Keptn sends: triggered, started, status.changed, finished, invalidated (or a wildcard, '*' or '>')",
      );
    await fails(
      resolveAnswers({ kind: 'notification', name: 'x', events: 'sh.keptn.event.evaluation.done' }),
      '--events',
      'sh.keptn.event.evaluation.done',
      /^"sh\.keptn\.event\.evaluation\.done" must end in a phase Keptn sends: triggered, started, status\.changed, finished, invalidated/,
    );
  });

  const warnings = async (given: Record<string, string>) => {
    const lines: string[] = [];
    const a = await resolveAnswers(given, undefined, {}, (line) => lines.push(line));
    return { a, lines };
  };

  it('warn of a task name one typo from a built-in one, and only then', async () => {
    const { lines } = await warnings({
      kind: 'notification',
      name: 'x',
      events: 'sh.keptn.event.evaluaton.finished,sh.keptn.event.test.finished',
    });
    expect(lines).toEqual([
      '--events: sh.keptn.event.evaluaton.finished: task "evaluaton" is close to Keptn\'s built-in "evaluation" (a typo?): no Keptn service runs or answers a task "evaluaton"',
    ]);
    expect((await warnings({ kind: 'generic', name: 'x', task: 'deploymnet' })).lines).toEqual([
      '--task: task "deploymnet" is close to Keptn\'s built-in "deployment" (a typo?): no Keptn service runs or answers a task "deploymnet"',
    ]);
    for (const task of ['load-test', 'jest', 'best', 'tests-e2e', 'deploy-db', 'evaluation', 'test', 'actions-x'])
      expect(nearBuiltinTask(task)).toBeUndefined();
    for (const [typo, meant] of [
      ['tset', 'test'],
      ['tests', 'test'],
      ['aproval', 'approval'],
      ['get-slo', 'get-sli'],
      ['relase', 'release'],
      ['rollbak', 'rollback'],
      ['evalutaion', 'evaluation'],
      ['deploymnet', 'deployment'],
    ])
      expect(nearBuiltinTask(typo)).toMatch(`built-in "${meant}"`);
    expect(editDistance('evaluaton', 'evaluation')).toBe(1);
    expect(editDistance('tset', 'test')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('merge a type listed twice, and warn of subscriptions that overlap, saying the event arrives twice', async () => {
    const { a, lines } = await warnings({
      kind: 'notification',
      name: 'x',
      events: 'sh.keptn.event.>,sh.keptn.event.test.triggered,sh.keptn.event.test.triggered',
    });
    expect(a.events).toBe('sh.keptn.event.>,sh.keptn.event.test.triggered');
    expect(lines).toEqual([
      '--events lists sh.keptn.event.test.triggered more than once: subscribed once',
      "--events: sh.keptn.event.> and sh.keptn.event.test.triggered both match events such as sh.keptn.event.test.triggered: Keptn's distributor (0.8 to 1.4.5) forwards an event once for each subscription it matches, so such an event arrives twice; list only one of them unless the shipyard needs both",
    ]);
    expect(
      (await warnings({ kind: 'notification', name: 'x', events: 'sh.keptn.event.evaluation.finished,sh.keptn.event.approval.triggered' }))
        .lines,
    ).toEqual([]);
  });

  it('overlap where NATS delivers one event to both subjects', () => {
    expect(commonMatch('sh.keptn.>', 'sh.keptn.event.test.triggered')).toBe('sh.keptn.event.test.triggered');
    expect(commonMatch('sh.keptn.event.*.triggered', 'sh.keptn.event.test.>')).toBe('sh.keptn.event.test.triggered');
    expect(commonMatch('sh.keptn.event.*.finished', 'sh.keptn.event.evaluation.*')).toBe('sh.keptn.event.evaluation.finished');
    expect(commonMatch('sh.keptn.>', 'sh.keptn.event.>')).toBe('sh.keptn.event.test.finished');
    expect(commonMatch('sh.keptn.event.*.finished', 'sh.keptn.event.*.triggered')).toBeUndefined();
    expect(commonMatch('sh.keptn.event.test.>', 'sh.keptn.event.test')).toBeUndefined();
    expect(commonMatch('sh.keptn.event.*.finished', 'sh.keptn.event.dev.delivery.finished')).toBeUndefined();
  });
});

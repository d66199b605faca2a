import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path/posix';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveAnswers } from '../../src/answers.js';
import { renderPlan, targetPath } from '../../src/plan.js';
import { toBlueprint } from '../../src/blueprint.js';
import { NODE } from '../../src/generated-versions.js';
import { answersFor, COMBINATIONS, keptnSchema, PRESET_COMBINATIONS } from '../helpers.js';

const REQUIRED = [
  'package.json',
  'tsconfig.json',
  'src/main.ts',
  'src/handler.ts',
  'Dockerfile',
  '.dockerignore',
  '.gitignore',
  'chart/Chart.yaml',
  'chart/values.yaml',
  'chart/values.schema.json',
  'chart/templates/_helpers.tpl',
  'chart/templates/deployment.yaml',
  'chart/templates/service.yaml',
  'chart/templates/serviceaccount.yaml',
  'chart/templates/NOTES.txt',
  'keptn/shipyard.yaml',
  'keptn/add-resources.sh',
  '.github/workflows/ci.yml',
  'README.md',
  '.keptn-integration.json',
];

describe.each(COMBINATIONS)('$kind for Keptn $keptn', ({ kind, keptn }) => {
  const render = async () => {
    const blueprint = toBlueprint(await answersFor(kind, keptn));
    return { blueprint, plan: renderPlan(blueprint) };
  };

  it('has every file the issue promises, and test events', async () => {
    const { plan } = await render();
    for (const path of REQUIRED) expect(plan.has(path), path).toBe(true);
    expect([...plan.keys()].some((p) => p.startsWith('test-events/'))).toBe(true);
    expect([...plan.keys()].some((p) => p.startsWith('test/'))).toBe(true);
  });

  it('leaves no template syntax or empty values behind', async () => {
    const { plan } = await render();
    for (const [path, text] of plan) {
      // The record's base is compressed data: any letters may appear in it.
      const content = path === '.keptn-integration.json' ? JSON.stringify({ ...JSON.parse(text), base: 'omitted' }) : text;
      expect(content, path).not.toMatch(/<%|%>|\[object Object\]/);
      // In code `undefined` is a word of the language; elsewhere it is a value that went missing.
      if (!path.endsWith('.ts')) expect(content, path).not.toMatch(/\bundefined\b|(?<!\/dev\/)\bnull\b|NaN/);
      expect(path, path).not.toMatch(/\[|\]|\.ejs$|(^|\/)dot-/);
    }
  });

  it('writes JSON and YAML that parse', async () => {
    const { plan } = await render();
    for (const [path, content] of plan) {
      if (path.endsWith('.json')) expect(() => JSON.parse(content), path).not.toThrow();
      // chart/templates hold Helm templates, rendered by the chart tests instead.
      if (/\.ya?ml$/.test(path) && !path.startsWith('chart/templates/')) expect(() => parse(content), path).not.toThrow();
    }
  });

  it('targets the chosen Keptn release', async () => {
    const { blueprint, plan } = await render();
    const values = parse(plan.get('chart/values.yaml')!);
    expect(values.distributor.image.tag).toBe(blueprint.keptn.distributorTag);
    expect(values.distributor.pubsubUrl).toBe(blueprint.keptn.natsUrl);
    expect(values.distributor.pubsubTopic).toBe(blueprint.subscriptions.join(','));
    expect(parse(plan.get('keptn/shipyard.yaml')!).apiVersion).toBe(blueprint.keptn.shipyardApiVersion);
    expect(plan.get('src/keptn/config.ts')).toContain(`'http://localhost:8081${blueprint.keptn.resourceServicePath}'`);
    expect(plan.get('src/keptn/config.ts')).toContain(`specVersion: '${blueprint.keptn.specVersion}'`);
  });

  it('has a shipyard valid against the published schema, containing its task', async () => {
    const { blueprint, plan } = await render();
    const shipyard = parse(plan.get('keptn/shipyard.yaml')!);
    const validate = keptnSchema('shipyard');
    expect(validate(shipyard), JSON.stringify(validate.errors)).toBe(true);
    const tasks = shipyard.spec.stages.flatMap((s: any) => s.sequences.flatMap((q: any) => q.tasks.map((t: any) => t.name)));
    const wanted = kind === 'sli-provider' ? ['evaluation'] : blueprint.tasks;
    for (const t of wanted) expect(tasks).toContain(t);
  });

  it('has test events of the types it subscribes to', async () => {
    const { blueprint, plan } = await render();
    const events = [...plan].filter(([p]) => p.startsWith('test-events/')).map(([, c]) => JSON.parse(c));
    expect(events.length).toBeGreaterThan(0);
    const types = events.map((e) => e.type);
    for (const t of types) {
      expect(blueprint.subscriptions.some((s) => s === t || s.includes('*') || s.endsWith('>'))).toBe(true);
    }
    expect(plan.has(`test-events/${blueprint.sampleEvent}`)).toBe(true);
  });

  it('has an add-resources.sh that bash accepts and that uploads every resource it ships', async () => {
    const { blueprint, plan } = await render();
    const script = plan.get('keptn/add-resources.sh')!;
    execFileSync('bash', ['-n'], { input: script });
    for (const r of blueprint.resources) {
      expect(script).toContain(`--resource=resources/${r.uri} --resourceUri=${r.uri}`);
      expect(plan.has(`keptn/resources/${r.uri}`)).toBe(true);
    }
  });
});

describe('targetPath', () => {
  it('maps dot- names, [key] segments and .ejs', async () => {
    const blueprint = toBlueprint(await answersFor('sli-provider', '1.0'));
    expect(targetPath('dot-gitignore', blueprint)).toBe('.gitignore');
    expect(targetPath('dot-github/workflows/ci.yml.ejs', blueprint)).toBe('.github/workflows/ci.yml');
    expect(targetPath('keptn/resources/[sli-provider]/sli.yaml.ejs', blueprint)).toBe('keptn/resources/prometheus/sli.yaml');
    expect(targetPath('chart/templates/_helpers.tpl.ejs', blueprint)).toBe('chart/templates/_helpers.tpl');
  });
});

describe('layers', () => {
  const files = async (given: Record<string, string>) =>
    [...renderPlan(toBlueprint(await resolveAnswers({ name: 'x', ...given }))).keys()].sort();

  it('a kind picks its layers from its answers; a layer may be a sub-folder of a template folder', async () => {
    expect(await files({ kind: 'test-tool', runtime: 'job-executor', 'test-tool': 'k6' })).toEqual([
      '.gitattributes',
      '.github/workflows/ci.yml',
      '.github/workflows/keptn-integration.yml',
      '.gitignore',
      '.keptn-integration.json',
      'LICENSE',
      'README.md',
      'keptn/add-resources.sh',
      'keptn/resources/job/config.yaml',
      'keptn/resources/k6/functional.js',
      'keptn/resources/k6/performance.js',
      'keptn/shipyard.yaml',
      'test-events/test.triggered.json',
    ]);
  });

  it('a tool preset replaces the default handler and keeps the shared service', async () => {
    const k6 = await files({ kind: 'test-tool', 'test-tool': 'k6' });
    expect(k6).toEqual(
      expect.arrayContaining([
        'src/handler.ts',
        'src/tool.ts',
        'src/keptn/run-tool.ts',
        'src/keptn/service.ts',
        'test/stand-in.mjs',
        'chart/values.yaml',
      ]),
    );
    expect(k6).not.toContain('keptn/resources/x/checks.yaml');
    expect(await files({ kind: 'test-tool' })).toEqual(expect.arrayContaining(['src/handler.ts', 'keptn/resources/x/checks.yaml']));
  });
});

describe.each(['custom', 'locust', 'jmeter', 'k6', 'artillery'])('the Dockerfile of test-tool --test-tool %s', (tool) => {
  it('installs the tool in the runtime stage as root, from stages it declares', async () => {
    const plan = renderPlan(toBlueprint(await resolveAnswers({ kind: 'test-tool', name: 'x', 'test-tool': tool })));
    // Continuation lines belong to the instruction before them.
    const lines = plan
      .get('Dockerfile')!
      .replace(/\\\n/g, ' ')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    const KEYWORDS = ['FROM', 'WORKDIR', 'COPY', 'RUN', 'ENV', 'USER', 'EXPOSE', 'CMD'];
    expect(lines.filter((l) => !KEYWORDS.includes(l.split(' ')[0]))).toEqual([]);
    const stages = lines.filter((l) => l.startsWith('FROM ')).map((l) => / AS (\S+)$/.exec(l)?.[1]);
    for (const from of lines.flatMap((l) => [...l.matchAll(/--from=(\S+)/g)].map((m) => m[1]))) expect(stages).toContain(from);
    const runtime = lines.findLastIndex((l) => l.startsWith('FROM '));
    const user = lines.indexOf('USER node');
    expect(user).toBeGreaterThan(runtime);
    const toolLines = lines.slice(runtime + 1, user).filter((l) => l.includes(tool));
    expect(toolLines.length > 0).toBe(tool !== 'custom');
    expect(lines.at(-1)).toBe('CMD ["node", "dist/main.js"]');
  });

  it('builds from the lock file on the image it runs on (node_modules crosses stages: one C library)', async () => {
    const plan = renderPlan(toBlueprint(await resolveAnswers({ kind: 'test-tool', name: 'x', 'test-tool': tool })));
    const lines = plan.get('Dockerfile')!.split('\n');
    const image = (l: string) => l.split(' ')[1];
    const build = lines.find((l) => / AS build$/.test(l))!;
    const runtime = lines.findLast((l) => l.startsWith('FROM '))!;
    expect(image(build)).toBe(image(runtime));
    expect(lines).toContain('RUN npm ci --no-audit --no-fund');
    expect(plan.get('Dockerfile')).not.toMatch(/npm install(?! --global)/);
    expect(plan.get('.github/workflows/ci.yml')).toContain('- run: npm ci');
  });
});

/** Every kind × runtime × preset that generates a service. */
const SERVICE_PROJECTS: Record<string, string>[] = [
  ...['custom', 'locust', 'jmeter', 'k6', 'artillery'].map((tool) => ({ kind: 'test-tool', 'test-tool': tool })),
  ...['slack', 'teams', 'generic'].map((webhook) => ({ kind: 'notification', webhook })),
  ...['prometheus', 'http-json'].map((metrics) => ({ kind: 'sli-provider', metrics })),
  { kind: 'generic', task: 'db-migrate' },
];

/** The paths of a README tree drawn by indentation (two spaces a level, folders end with /). */
function treePaths(block: string): string[] {
  const paths: string[] = [];
  const folders: string[] = [];
  for (const line of block.split('\n').filter((l) => l.trim())) {
    const depth = (line.length - line.trimStart().length) / 2;
    const name = line.trim().split(/\s+/)[0];
    folders.length = depth;
    if (name.endsWith('/')) folders.push(name);
    else paths.push(folders.join('') + name);
  }
  return paths;
}

describe.each(SERVICE_PROJECTS.map((a) => [Object.values(a).join(' '), a] as const))('the layout of %s', (_, given) => {
  const plan = async () => renderPlan(toBlueprint(await resolveAnswers({ name: 'x', ...given })));

  it("keeps the owner's files at the top of src/, the machinery in src/keptn/, development code in src/dev/", async () => {
    const src = [...(await plan()).keys()].filter((p) => p.startsWith('src/'));
    const tool = given['test-tool'] !== undefined && given['test-tool'] !== 'custom';
    expect(src.filter((p) => !/^src\/(keptn|dev)\//.test(p)).sort()).toEqual(
      tool ? ['src/handler.ts', 'src/main.ts', 'src/tool.ts'] : ['src/handler.ts', 'src/main.ts'],
    );
    expect(src.filter((p) => p.startsWith('src/dev/')).sort()).toEqual([
      'src/dev/dev-broker.ts',
      'src/dev/dev.ts',
      'src/dev/send-event.ts',
    ]);
    for (const need of ['service', 'server', 'tasks', 'events', 'integration', 'resources', 'config', 'log'])
      expect(src).toContain(`src/keptn/${need}.ts`);
  });

  it("keeps the machinery's tests in test/keptn/, the owner's in test/", async () => {
    const test = [...(await plan()).keys()].filter((p) => p.startsWith('test/'));
    expect(test.filter((p) => p.startsWith('test/keptn/')).sort()).toEqual(['test/keptn/harness.ts', 'test/keptn/service.test.ts']);
    expect(test).toContain('test/handler.test.ts');
  });

  it('says at the top of each machinery and development file that regenerate maintains it and where the owner’s code goes', async () => {
    const files = [...(await plan())].filter(([path]) => /^(src\/(keptn|dev)|test\/keptn)\//.test(path));
    expect(files.some(([path]) => path.startsWith('test/keptn/'))).toBe(true);
    for (const [path, text] of files) {
      // The first comment, its lines joined.
      const header = text.split('\n\n')[0].replace(/\n\/\/ /g, ' ');
      expect(header, path).toMatch(/^\/\/ [^\n]*Maintained by `npx create-keptn-integration regenerate`/);
      expect(header, path).toContain(path.startsWith('test/') ? 'test/handler.test.ts' : 'src/handler.ts');
      if (path.startsWith('src/dev/')) expect(header, path).toMatch(/Development only: not in the image/);
    }
  });

  // Issue 22 §17: on a loaded machine a generated project's own tests timed out (vitest's 5 s, a
  // test's 30 s). One limit against a hang, scaled by TEST_TIME_SCALE, and no test sets its own.
  it.each(PRESET_COMBINATIONS.filter((c) => (c.answers.runtime ?? 'service') === 'service'))(
    '$label: one time limit for its tests, against a hang only, and none of their own',
    async ({ answers }) => {
      const p = renderPlan(toBlueprint(await resolveAnswers(answers)));
      const config = p.get('vitest.config.ts');
      expect(config, 'vitest.config.ts').toBeDefined();
      expect(config).toMatch(/testTimeout: LIMIT, hookTimeout: LIMIT/);
      expect(config).toMatch(/const LIMIT = 10 \* 60_000 \* Math\.max\(1, Number\(process\.env\.TEST_TIME_SCALE\) \|\| 1\);/);
      for (const [path, text] of p) {
        if (!path.startsWith('test/')) continue;
        expect(text.match(/\{ timeout: \d[\d_]* \}|, \d[\d_]*\)\.to|(until|waitFor)\([^;]*, \d[\d_]*\);/g) ?? [], path).toEqual([]);
      }
    },
  );

  // Issue 23 §1: Node 20 reached its end of life on 2026-04-30; generated projects follow NODE.
  it.each(PRESET_COMBINATIONS)('$label: runs on the Node line of src/generated-versions.ts', async ({ answers }) => {
    const p = renderPlan(toBlueprint(await resolveAnswers(answers)));
    const versions = [...p].flatMap(([path, text]) => [...text.matchAll(/node-version: (\S+)/g)].map((m) => `${path}: ${m[1]}`));
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.filter((v) => !v.endsWith(`: ${NODE.major}`))).toEqual([]);
    if (!p.has('package.json')) return;
    const pkg = JSON.parse(p.get('package.json')!);
    expect(pkg.engines.node).toBe(NODE.engines);
    expect(pkg.devDependencies['@types/node']).toBe(NODE.types);
    const bases = [...p.get('Dockerfile')!.matchAll(/^FROM (node:\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBe(2);
    for (const base of bases) expect([NODE.alpine, NODE.debian]).toContain(base);
  });

  it('imports only what exists: every relative import of src/ and test/ names a generated file', async () => {
    const p = await plan();
    for (const [path, text] of p) {
      if (!/^(src|test)\/.*\.ts$/.test(path)) continue;
      for (const [, specifier] of text.matchAll(/from '(\.\.?\/[^']+)'/g)) {
        const target = join(dirname(path), specifier).replace(/\.js$/, '.ts');
        expect(p.has(target) || p.has(target.replace(/\.ts$/, '.mjs')), `${path} imports ${specifier}`).toBe(true);
      }
    }
  });

  it("keeps the machinery shut: src/keptn/ and test/keptn/ import none of the owner's code, src/main.ts hands the handler in", async () => {
    const p = await plan();
    // test/keptn/ may use the development stand-in too; the owner's tests pass their integration in.
    const inside = (path: string) => (path.startsWith('test/keptn/') ? /^(src\/keptn|src\/dev|test\/keptn)\// : /^src\/keptn\//);
    const outward = (files: Map<string, string>) =>
      [...files].flatMap(([path, text]) =>
        /^(src|test)\/keptn\//.test(path)
          ? [...text.matchAll(/(?:from |import\()'(\.\.?\/[^']+)'/g)]
              .map(([, specifier]) => join(dirname(path), specifier))
              .filter((target) => !inside(path).test(target))
              .map((target) => `${path} imports ${target}`)
          : [],
      );
    expect(outward(p)).toEqual([]);
    // The check fails where the machinery reaches out (a mutation).
    const reaching = new Map(p).set(
      'test/keptn/harness.ts',
      `import { integration } from '../../src/handler.js';\n${p.get('test/keptn/harness.ts')}`,
    );
    reaching.set('src/keptn/log.ts', `import { x } from '../dev/dev.js';\n${p.get('src/keptn/log.ts')}`);
    expect(outward(reaching)).toEqual(['src/keptn/log.ts imports src/dev/dev.js', 'test/keptn/harness.ts imports src/handler.js']);
    expect(p.get('src/main.ts')).toMatch(/import \{ integration \} from '\.\/handler\.js';[^]*await runService\(integration\);/);
  });

  it('type-checks src/ and test/ in npm test and in CI; builds src/ alone; leaves src/dev/ out of the image', async () => {
    const p = await plan();
    const pkg = JSON.parse(p.get('package.json')!);
    expect(pkg.scripts.typecheck).toBe('tsc -p tsconfig.json');
    expect(pkg.scripts.test).toBe('npm run typecheck && vitest run');
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
    expect(pkg.scripts.dev).toMatch(/ node dist\/dev\/dev\.js$/);
    expect(pkg.scripts['send-event']).toMatch(/ node dist\/dev\/send-event\.js$/);
    const tsconfig = JSON.parse(p.get('tsconfig.json')!);
    expect(tsconfig.include).toEqual(['src', 'test', 'vitest.config.ts']);
    expect(tsconfig.compilerOptions).toMatchObject({ noEmit: true, strict: true });
    const build = JSON.parse(p.get('tsconfig.build.json')!);
    expect(build).toMatchObject({
      extends: './tsconfig.json',
      include: ['src'],
      compilerOptions: { noEmit: false, rootDir: 'src', outDir: 'dist' },
    });
    const ci = parse(p.get('.github/workflows/ci.yml')!);
    const runs = ci.jobs.test.steps.map((s: any) => s.run).filter(Boolean);
    expect(runs.indexOf('npm test')).toBeGreaterThan(runs.indexOf('npm ci'));
    expect(p.get('.dockerignore')!.split('\n')).toContain('src/dev');
    expect(p.get('Dockerfile')).toContain('COPY tsconfig.json tsconfig.build.json ./');
  });

  it("lists every file of src/ and test/ in the README's tree, and nothing else there", async () => {
    const p = await plan();
    const block = p.get('README.md')!.split("## What's where")[1].split('```\n')[1].split('```')[0];
    const listed = treePaths(block).filter((path) => /^(src|test)\//.test(path));
    expect(listed.sort()).toEqual([...p.keys()].filter((path) => /^(src|test)\//.test(path)).sort());
  });
});

describe('the example shipyard of a generic integration', () => {
  it('runs every task an event it listens to names, a status.changed one too (else it would never be heard)', async () => {
    const events = 'sh.keptn.event.db-migrate.triggered,sh.keptn.event.deployment.status.changed,sh.keptn.event.dev.delivery.finished';
    const blueprint = toBlueprint(await resolveAnswers({ kind: 'generic', name: 'migrations', task: 'db-migrate', events }));
    expect(blueprint.sequences).toEqual([{ name: 'db-migrate', tasks: [{ name: 'db-migrate' }, { name: 'deployment' }] }]);
  });
});

describe("a notification's example events", () => {
  it('carry what the spec example of their type carries: a task its payload, a sequence none', async () => {
    const events = 'sh.keptn.event.evaluation.finished,sh.keptn.event.dev.delivery.finished,sh.keptn.event.approval.triggered';
    const plan = renderPlan(toBlueprint(await resolveAnswers({ kind: 'notification', name: 'x', events })));
    const event = (file: string) => JSON.parse(plan.get(`test-events/${file}`)!);
    const evaluation = event('evaluation.finished.json');
    expect(evaluation.data).toMatchObject({ status: 'succeeded', result: 'pass', message: 'evaluation finished' });
    expect(evaluation.data.evaluation.score).toBe(95);
    expect(evaluation.triggeredid).toBeDefined();
    const delivery = event('dev.delivery.finished.json');
    expect(delivery.data.message).toBe('dev.delivery finished');
    expect(Object.keys(delivery.data)).toEqual(['project', 'stage', 'service', 'labels', 'status', 'result', 'message']);
    const approval = event('approval.triggered.json');
    expect(approval.triggeredid).toBeUndefined();
    expect(approval.data.approval).toEqual({ pass: 'automatic', warning: 'manual' });
  });
});

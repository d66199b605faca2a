// Presets beyond each kind's default: every notification message format and every metrics backend
// is generated, builds and passes its own tests, which talk to local stand-ins over HTTP. Each kind's
// default is here too (notification's is slack, sli-provider's prometheus), and every project's
// tests leave its temporary directory as they found it.
import { readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { NODE } from '../../src/generated-versions.js';
import { WEBHOOK_FORMATS } from '../../src/kinds/notification.js';
import { METRICS_BACKENDS } from '../../src/kinds/sli-provider.js';
import { TEST_TOOLS } from '../../src/kinds/test-tool-presets.js';
import { startService } from '../conformance/contract.js';
import { imageApp } from '../conformance/image.js';
import { need } from '../conformance/tools.js';
import { linkDependencies } from '../helpers.js';
import { cli, tempDir } from '../run.js';

const PRESETS: [kind: string, flag: string, value: string, suite: string][] = [
  ['notification', '--webhook', 'slack', 'formatMessage (slack)'],
  ['notification', '--webhook', 'teams', 'formatMessage (teams)'],
  ['notification', '--webhook', 'generic', 'formatMessage (generic)'],
  ['sli-provider', '--metrics', 'prometheus', 'returns one value per indicator'],
  ['sli-provider', '--metrics', 'http-json', 'valueAt'],
  ['test-tool', '--test-tool', 'locust', 'aggregated'],
  ['test-tool', '--test-tool', 'jmeter', 'samples'],
  ['test-tool', '--test-tool', 'k6', 'summarize'],
  ['test-tool', '--test-tool', 'artillery', 'counters'],
  // The defaults of the kinds no preset above is: the custom test tool, and generic (which needs a task).
  ['test-tool', '--test-tool', 'custom', 'parseChecks'],
  ['generic', '--task', 'db-migrate', 'reports errored with the error message when the task throws'],
];

/** Text inserted before the first line that starts with `marker`. */
const before = (marker: string, text: string) => (file: string) => file.replace(new RegExp(`^(?=${marker})`, 'm'), text);

const OBJECTIVE = '  - sli: memory\n    displayName: Memory\n    pass:\n      - criteria:\n          - "<=+20%"\n';
type FirstEdit = [preset: string, edit: string, args: string[], change: Record<string, (file: string) => string>, passing: string];
const FIRST_EDITS: FirstEdit[] = [
  [
    'test-tool custom',
    'a check added to checks.yaml',
    ['--kind', 'test-tool'],
    {
      'keptn/resources/p-edit/checks.yaml': (f) => `${f}  - path: /health\n    expectStatus: 204\n`,
    },
    'pass against a service that answers each as it expects',
  ],
  [
    'test-tool locust',
    'a task added to functional.py',
    ['--kind', 'test-tool', '--test-tool', 'locust'],
    {
      'keptn/resources/locust/functional.py': (f) => `${f}\n    @task\n    def health(self):\n        self.client.get("/health")\n`,
    },
    'passes the functional test',
  ],
  [
    'test-tool k6',
    'a check added to functional.js',
    ['--kind', 'test-tool', '--test-tool', 'k6'],
    {
      'keptn/resources/k6/functional.js': before(
        '  sleep\\(1\\);',
        "  check(http.get(`${base}/health`), { 'health answers 200': (r) => r.status === 200 });\n",
      ),
    },
    'passes the functional test',
  ],
  [
    'test-tool artillery',
    'a request added to functional.yaml',
    ['--kind', 'test-tool', '--test-tool', 'artillery'],
    {
      'keptn/resources/artillery/functional.yaml': (f) => `${f}      - get:\n          url: "/health"\n`,
    },
    'passes the functional test',
  ],
  [
    'test-tool jmeter',
    "functional.jmx's path changed",
    ['--kind', 'test-tool', '--test-tool', 'jmeter'],
    {
      'keptn/resources/jmeter/functional.jmx': (f) =>
        f.replace('${__P(TARGET_URL)}</stringProp>', '${__P(TARGET_URL)}/health</stringProp>'),
    },
    'passes the functional test',
  ],
  ...['prometheus', 'http-json'].map((metrics): FirstEdit => [
    `sli-provider ${metrics}`,
    'an indicator added to sli.yaml and scored in slo.yaml',
    ['--kind', 'sli-provider', '--metrics', metrics],
    {
      'keptn/resources/p-edit/sli.yaml': (f) =>
        `${f}  memory: ${metrics === 'http-json' ? '"metrics/memory?service=$SERVICE | $.data.value"' : 'max(container_memory_working_set_bytes{pod=~"$SERVICE-.*"})'}\n`,
      'keptn/resources/slo.yaml': before('total_score:', OBJECTIVE),
    },
    'gives each objective a value',
  ]),
];

/** Runs a generated project's tests with a TMPDIR of their own, which must be empty afterwards. */
async function runTests(dir: string, command: string[]) {
  const tmp = tempDir('cki-tmpdir-');
  try {
    const test = await execa(command[0], command.slice(1), {
      cwd: dir,
      reject: false,
      all: true,
      env: { CI: 'true', NO_COLOR: '1', TMPDIR: tmp },
    });
    return { test, leftInTmpdir: readdirSync(tmp) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe.concurrent('presets', () => {
  it.each(PRESETS)('%s %s %s: builds and passes its own tests', async (kind, flag, value, suite) => {
    const cwd = tempDir();
    const gen = await cli([`p-${value}`, '--kind', kind, flag, value, '--yes', '--no-install', '--no-git'], { cwd });
    expect(gen.exitCode, gen.all).toBe(0);
    const dir = join(cwd, `p-${value}`);
    await linkDependencies(dir);
    const build = await execa('npm', ['run', 'build'], { cwd: dir, reject: false, all: true });
    expect(build.exitCode, build.all).toBe(0);
    // The CI's Lint step: ESLint finds nothing, and the code is formatted as Prettier would.
    const lint = await execa('npm', ['run', 'lint'], { cwd: dir, reject: false, all: true });
    expect(lint.exitCode, lint.all).toBe(0);
    expect(lint.all).toContain('All matched files use Prettier code style!');
    const { test, leftInTmpdir } = await runTests(dir, ['npm', 'test', '--', '--reporter=verbose']);
    expect(test.exitCode, test.all).toBe(0);
    // npm test type-checked src/ and test/ first (no errors, or it would have stopped there).
    expect(test.all).toMatch(/> tsc -p tsconfig\.json\n[^]*Test Files/);
    // The preset's own tests ran, not only the shared ones.
    expect(test.all).toContain(suite);
    expect(leftInTmpdir, 'left in TMPDIR by npm test').toEqual([]);

    // The image, as its Dockerfile builds /app: compiled code without src/dev/, and it starts.
    const image = await imageApp(dir);
    expect(image.files).toEqual(
      expect.arrayContaining([
        'package.json',
        'node_modules/',
        'dist/main.js',
        'dist/handler.js',
        'dist/keptn/service.js',
        'dist/keptn/events.js',
      ]),
    );
    expect(image.files.filter((f) => !/^(dist\/.*\.js|node_modules\/|package\.json)$/.test(f))).toEqual([]);
    expect(image.files.filter((f) => /^dist\/dev\/|dev-broker|send-event/.test(f))).toEqual([]);
    const service = await startService(image.root, {});
    // On the Node line the project targets (test/global-setup.ts put it first on PATH).
    const node = await execa(readlinkSync(`/proc/${service.child.pid}/exe`), ['-p', 'process.versions.node']);
    expect(Number(node.stdout.split('.')[0])).toBe(NODE.major);
    expect(await service.stop(), service.output()).toBe(0);
  });

  // The file the README says to edit, edited as an owner would: the project's own tests still pass
  // (they test the machinery with fixtures of their own, and the owner's files only for validity).
  it.each(FIRST_EDITS)("%s: the owner's first edit, %s, passes the project's own tests", async (preset, _edit, args, change, passing) => {
    const cwd = tempDir();
    const gen = await cli(['p-edit', ...args, '--yes', '--no-install', '--no-git'], { cwd });
    expect(gen.exitCode, gen.all).toBe(0);
    const dir = join(cwd, 'p-edit');
    await linkDependencies(dir);
    for (const [file, edit] of Object.entries(change)) {
      const path = join(dir, file);
      const before = readFileSync(path, 'utf8');
      writeFileSync(path, edit(before));
      expect(readFileSync(path, 'utf8'), `${preset}: the edit changed ${file}`).not.toBe(before);
    }
    const { test } = await runTests(dir, ['npx', 'vitest', 'run', 'test/handler.test.ts', '--reporter=verbose']);
    expect(test.exitCode, test.all).toBe(0);
    expect(test.all).toContain(passing);
  });

  it('test-tool --test-tool locust: its own tests run real Locust against a local service', async () => {
    await need('locust', 'python3-locust');
    const cwd = tempDir();
    expect(
      (await cli(['real-locust', '--kind', 'test-tool', '--test-tool', 'locust', '--yes', '--no-install', '--no-git'], { cwd })).exitCode,
    ).toBe(0);
    const dir = join(cwd, 'real-locust');
    await linkDependencies(dir);
    const { test, leftInTmpdir } = await runTests(dir, ['npx', 'vitest', 'run', 'test/handler.test.ts', '--reporter=verbose']);
    expect(test.exitCode, test.all).toBe(0);
    for (const name of [
      'passes the functional test',
      'passes the performance test',
      'fails when the service under test answers with errors',
    ]) {
      expect(test.all).toContain(`run by locust itself > ${name}`);
    }
    expect(leftInTmpdir, 'left in TMPDIR by the tests').toEqual([]);
  });
});

describe('the preset list', () => {
  it("has every message format, metrics backend and test tool of the kinds' tables", () => {
    const listed = (flag: string) =>
      PRESETS.filter((p) => p[1] === flag)
        .map((p) => p[2])
        .sort();
    expect(listed('--webhook')).toEqual(WEBHOOK_FORMATS.map((f) => f.id).sort());
    expect(listed('--metrics')).toEqual(METRICS_BACKENDS.map((b) => b.id).sort());
    expect(listed('--test-tool')).toEqual(TEST_TOOLS.map((t) => t.id).sort());
  });
});

describe('--webhook', () => {
  it('is refused for kinds that post no messages, and outside its formats', async () => {
    const other = await cli(['x', '--kind', 'test-tool', '--webhook', 'slack', '--yes', '--dry-run'], { cwd: tempDir() });
    expect(other.stderr.trim()).toBe('error: --webhook "slack" is invalid: does not apply to kind test-tool (it is for: notification)');
    const unknown = await cli(['x', '--kind', 'notification', '--webhook', 'discord', '--yes', '--dry-run'], { cwd: tempDir() });
    expect(unknown.stderr.trim()).toBe('error: --webhook "discord" is invalid: must be one of: slack, teams, generic');
  });
});

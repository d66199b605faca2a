// Golden projects: what the tool makes for one project per kind × runtime (default Keptn release,
// fixed answers), committed under test/golden/ so that a template change shows up in review as a
// diff of generated code, and a newcomer can read the output without running the tool. This test
// fails on any difference; `npm run golden` (GOLDEN_UPDATE=1) writes them anew.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveAnswers, type Answers } from '../src/answers.js';
import { renderPlan } from '../src/plan.js';
import { RECORD_FILE } from '../src/record.js';
import { toBlueprint } from '../src/blueprint.js';

const GOLDEN = fileURLToPath(new URL('golden', import.meta.url));
const UPDATE = process.env.GOLDEN_UPDATE === '1';

const PROJECTS: Answers[] = [
  { kind: 'test-tool', name: 'tests' },
  { kind: 'test-tool', name: 'k6-job', runtime: 'job-executor', 'test-tool': 'k6' },
  { kind: 'notification', name: 'slack' },
  { kind: 'notification', name: 'slack-hook', runtime: 'webhook-service', license: 'MIT' },
  { kind: 'sli-provider', name: 'prometheus-sli' },
  { kind: 'generic', name: 'db-migrate', task: 'db-migrate' },
  { kind: 'generic', name: 'db-migrate-job', task: 'db-migrate', runtime: 'job-executor', license: 'UNLICENSED' },
  { kind: 'generic', name: 'deploy-hook', task: 'deploy', runtime: 'webhook-service', endpoint: 'https://ci.example.com/job/deploy' },
];

/** The project's files as generated, the record without its base (the compressed copy of them all). */
async function rendered(answers: Answers): Promise<Map<string, string>> {
  const plan = renderPlan(toBlueprint(await resolveAnswers(answers)));
  const { base: _, ...record } = JSON.parse(plan.get(RECORD_FILE)!);
  plan.set(RECORD_FILE, `${JSON.stringify(record, null, 2)}\n`);
  return plan;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('golden projects', () => {
  it.each(PROJECTS.map((a) => [a.name, a] as const))('%s is what the templates make', async (name, answers) => {
    const plan = await rendered(answers);
    const dir = join(GOLDEN, name);
    if (UPDATE) {
      rmSync(dir, { recursive: true, force: true });
      for (const [path, content] of plan) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
    }
    expect(filesUnder(dir), `files of test/golden/${name} (npm run golden writes them anew)`).toEqual([...plan.keys()].sort());
    const differing = [...plan].filter(([path, content]) => readFileSync(join(dir, path), 'utf8') !== content).map(([path]) => path);
    expect(differing, `files of test/golden/${name} that differ from what the templates make (npm run golden)`).toEqual([]);
  });

  it('has no project that is no longer made', () => {
    expect(readdirSync(GOLDEN).sort()).toEqual(PROJECTS.map((a) => a.name).sort());
  });
});

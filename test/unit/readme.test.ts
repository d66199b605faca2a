// What the README tells a user to run, held to what it promises.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveAnswers } from '../../src/answers.js';
import { renderPlan } from '../../src/plan.js';
import { toBlueprint } from '../../src/blueprint.js';
import { TEST_TOOLS } from '../../src/kinds/test-tool-presets.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('starts with a command that generates outside the checkout, and the test command .ci/run runs', () => {
    const [generate, test] = README.split('```sh\n')[1]
      .split('```')[0]
      .trim()
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, ''));
    expect(generate).toMatch(/create-keptn-integration\.js \.\.\/\S+ /);
    expect(test).toBe('npm ci && npm test');
    expect(readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8')).toMatch(/\nnpm ci --no-audit --no-fund && npm test\n$/);
  });

  it("has a GitHub Actions workflow whose pull requests start the project's checks (not GITHUB_TOKEN)", () => {
    const section = README.split('### In GitHub Actions')[1];
    const workflow = parse(section.split('```yaml\n')[1].split('```')[0]);
    const steps = Object.values(workflow.jobs as Record<string, { steps: any[] }>).flatMap((job) => job.steps);
    const pr = steps.find((step) => String(step.uses).startsWith('peter-evans/create-pull-request@'));
    expect(pr.with.token).toMatch(/^\$\{\{ secrets\.\w+ \}\}$/);
    expect(pr.with.token).not.toContain('GITHUB_TOKEN');
  });

  it("draws in What you get every file of a service's src/, of every kind and preset, and no other", async () => {
    const block = README.split('## What you get')[1].split('```\n')[1].split('```')[0];
    // Entries drawn with ├── or └──, four columns a level; a folder (name ending in /) holds the deeper ones.
    const drawn: string[] = [];
    const folders: string[] = [];
    for (const line of block.split('\n')) {
      const m = /^([│ ]*)[├└]── (\S+)/.exec(line);
      if (!m) continue;
      const depth = m[1].length / 4;
      folders.length = depth;
      if (m[2].endsWith('/')) folders.push(m[2]);
      drawn.push(folders.slice(0, depth).join('') + m[2]);
    }
    const projects = [
      ...['custom', 'locust', 'jmeter', 'k6', 'artillery'].map((tool) => ({ kind: 'test-tool', 'test-tool': tool })),
      ...['slack', 'teams', 'generic'].map((webhook) => ({ kind: 'notification', webhook })),
      ...['prometheus', 'http-json'].map((metrics) => ({ kind: 'sli-provider', metrics })),
      { kind: 'generic', task: 'db-migrate' },
    ];
    const generated = new Set<string>();
    for (const given of projects) {
      for (const path of renderPlan(toBlueprint(await resolveAnswers({ name: 'x', ...given }))).keys())
        if (path.startsWith('src/')) generated.add(path);
    }
    expect(drawn.filter((p) => p.startsWith('src/') && !p.endsWith('/')).sort()).toEqual([...generated].sort());
  });

  it("names in the test-tool table each tool's job image as TEST_TOOLS does, its release from src/generated-versions.ts", () => {
    const rows = README.split('| `--test-tool` |')[1].split('\n\n')[0].split('\n').slice(2);
    const images = Object.fromEntries(rows.map((row) => row.split(' | ')).map(([id, , image]) => [id.slice(3, -1), image.split('`')[1]]));
    expect(images).toEqual(Object.fromEntries(TEST_TOOLS.map((t) => [t.id, t.image])));
  });
});

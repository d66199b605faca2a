// What the README tells a user to run, held to what it promises.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('starts with a command that generates outside the checkout, and the test command .ci/run runs', () => {
    const [generate, test] = README.split('```sh\n')[1].split('```')[0].trim().split('\n').map((l) => l.replace(/\s+#.*$/, ''));
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
});

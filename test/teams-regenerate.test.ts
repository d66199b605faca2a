// regenerate moves Teams notification projects from the MessageCard of the retired Office 365
// connectors to the Adaptive Card a Workflows webhook takes: the formatter lives in the templates,
// so an untouched handler updates by itself, and one its owner edited elsewhere is merged.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../src/answers.js';
import { BRIDGE, formatWithProject, messageCardTemplates, SPEC_EXAMPLES, specExample, workflowsProblems } from './conformance/teams.js';
import { generateFrom, linkDependencies } from './helpers.js';
import { cli } from './run.js';

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const edit = (dir: string, file: string, from: string, to: string) => {
  const text = read(dir, file);
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  writeFileSync(join(dir, file), text.replace(from, to));
};
const regenerate = (dir: string, ...args: string[]) => cli(['regenerate', dir, ...args], { env: { NO_COLOR: '1' } });
const statuses = (stdout: string) =>
  Object.fromEntries(JSON.parse(stdout).projects[0].files.filter((f: any) => f.status !== 'unchanged').map((f: any) => [f.path, f.status]));

/** A Teams project as the templates before Workflows generated it: a MessageCard, and tests for one. */
async function messageCardProject(): Promise<string> {
  const answers = await resolveAnswers({ kind: 'notification', name: 'teams-old', webhook: 'teams' });
  const { dir } = await generateFrom(answers, messageCardTemplates(true));
  expect(read(dir, 'src/handler.ts')).toContain("'@type': 'MessageCard'");
  expect(read(dir, 'test/handler.test.ts')).toContain("'@type': 'MessageCard'");
  return dir;
}

/** The project builds, its own tests pass, and its formatter posts valid Workflows messages. */
async function postsAdaptiveCards(dir: string): Promise<void> {
  await linkDependencies(dir);
  const build = await execa('npm', ['run', 'build'], { cwd: dir, reject: false, all: true });
  expect(build.exitCode, build.all).toBe(0);
  const test = await execa('npx', ['vitest', 'run', '--reporter=verbose'], { cwd: dir, reject: false, all: true, env: { CI: 'true', NO_COLOR: '1' } });
  expect(test.exitCode, test.all).toBe(0);
  expect(test.all).toContain('is a Teams Workflows message: one Adaptive Card 1.4');
  const events = SPEC_EXAMPLES.map(specExample);
  const messages = await formatWithProject(dir, events, BRIDGE);
  expect(messages.flatMap((m, i) => workflowsProblems(m, events[i], BRIDGE).map((p) => `${SPEC_EXAMPLES[i]}: ${p}`))).toEqual([]);
}

describe('regenerate a Teams project generated with the MessageCard', () => {
  it('an untouched handler becomes the Adaptive Card of a Workflows webhook', { timeout: 240_000 }, async () => {
    const dir = await messageCardProject();
    const r = await regenerate(dir, '--json');
    expect(r.exitCode, r.all).toBe(0);
    expect(statuses(r.stdout)).toEqual({ 'src/handler.ts': 'updated', 'test/handler.test.ts': 'updated' });
    const handler = read(dir, 'src/handler.ts');
    expect(handler).not.toMatch(/MessageCard|potentialAction|themeColor/);
    expect(handler).toContain("type: 'AdaptiveCard'");
    expect(handler).toContain("contentType: 'application/vnd.microsoft.card.adaptive'");
    // Exactly what a new project gets.
    const { dir: fresh } = await generateFrom(await resolveAnswers({ kind: 'notification', name: 'teams-old', webhook: 'teams' }));
    expect(handler).toBe(read(fresh, 'src/handler.ts'));
    expect(read(dir, 'test/handler.test.ts')).toBe(read(fresh, 'test/handler.test.ts'));
    await postsAdaptiveCards(dir);
    expect((await regenerate(dir, '--check')).exitCode).toBe(0);
  });

  it("keeps the owner's edit elsewhere in the handler and still brings the Adaptive Card", { timeout: 240_000 }, async () => {
    const dir = await messageCardProject();
    edit(dir, 'src/handler.ts', 'AbortSignal.timeout(10_000)', 'AbortSignal.timeout(20_000)');
    const r = await regenerate(dir, '--json');
    expect(r.exitCode, r.all).toBe(0);
    expect(statuses(r.stdout)).toEqual({ 'src/handler.ts': 'merged', 'test/handler.test.ts': 'updated' });
    const handler = read(dir, 'src/handler.ts');
    expect(handler).toContain('AbortSignal.timeout(20_000)');
    expect(handler).not.toContain('MessageCard');
    expect(handler).toContain("type: 'AdaptiveCard'");
    await postsAdaptiveCards(dir);
  });

  it('marks a conflict where the owner changed the MessageCard itself, and exits 3', { timeout: 60_000 }, async () => {
    const dir = await messageCardProject();
    edit(dir, 'src/handler.ts', "themeColor: COLOURS[s.result ?? ''] ?? '8C8C8C',", "themeColor: COLOURS[s.result ?? ''] ?? '000000',");
    const r = await regenerate(dir);
    expect(r.exitCode, r.all).toBe(3);
    expect(r.stdout).toMatch(/conflict\s+src\/handler.ts/);
    const handler = read(dir, 'src/handler.ts');
    expect(handler).toMatch(/<<<<<<< your version\n[^]*'000000'[^]*=======\n[^]*contentType: 'application\/vnd\.microsoft\.card\.adaptive'[^]*>>>>>>> generated by create-keptn-integration/);
  });
});

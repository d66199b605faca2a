// Chart, shipyard and add-resources.sh of every kind for both Keptn targets, by Keptn's and
// Kubernetes' rules (no install needed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/answers.js';
import { COMBINATIONS, generate, generateFrom } from '../helpers.js';
import { chartProblems } from './chart.js';
import { scriptProblems, shipyardProblems } from './keptn-files.js';

describe.concurrent.each(COMBINATIONS)('$kind for Keptn $keptn', ({ kind, keptn }) => {
  it('has a chart that renders as Helm would, valid for Kubernetes and right for Keptn', { timeout: 60_000 }, async () => {
    const { dir, spec } = await generate(kind, keptn);
    expect(await chartProblems(dir, spec)).toEqual([]);
  });

  it('has a valid shipyard with its task', async () => {
    const { dir, spec } = await generate(kind, keptn);
    expect(shipyardProblems(dir, spec)).toEqual([]);
  });

  it('has an add-resources.sh that bash and shellcheck accept and that follows the CLI rules', { timeout: 30_000 }, async () => {
    const { dir, spec } = await generate(kind, keptn);
    expect(await scriptProblems(dir, spec)).toEqual([]);
  });
});

describe('a test tool run by the service', () => {
  it('gets a chart with room for the tool: a writable /tmp and the memory JMeter needs', { timeout: 60_000 }, async () => {
    const { dir, spec } = await generateFrom(await resolveAnswers({ kind: 'test-tool', name: 'jm', 'test-tool': 'jmeter' }));
    expect(await chartProblems(dir, spec)).toEqual([]);
    expect(readFileSync(join(dir, 'chart/values.yaml'), 'utf8')).toMatch(/limits:\n    cpu: 1\n    memory: 1Gi/);
  });
});

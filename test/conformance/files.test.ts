// Chart, shipyard and add-resources.sh of every kind for both Keptn targets, by Keptn's and
// Kubernetes' rules (no install needed).
import { describe, expect, it } from 'vitest';
import { COMBINATIONS, generate } from '../helpers.js';
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

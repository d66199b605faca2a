// A runtime is a module the pipeline asks (src/runtimes/types.ts), not a name it compares.
import { describe, expect, it } from 'vitest';
import { toBlueprint } from '../../src/blueprint.js';
import { resolveAnswers } from '../../src/answers.js';
import { RUNTIMES } from '../../src/runtimes/index.js';
import { matchingOutside } from '../helpers.js';

describe('runtimes as modules', () => {
  it('needs no branch on a runtime id outside src/runtimes/ and src/kinds/, nor in templates', () => {
    const ids = RUNTIMES.map((r) => r.id).join('|');
    // An id compared, cased or looked for (either quote), or a table keyed by the answer.
    const branch = new RegExp(`([!=]==\\s*|case\\s+|includes\\()(['"\`])(${ids})\\2|\\[a\\.runtime\\]`);
    expect(matchingOutside(branch, ['runtimes', 'kinds'])).toEqual([]);
  });

  it.each(RUNTIMES.map((r) => [r.id]))('%s: its layers come first and its Keptn file is uploaded first', async (id) => {
    const given =
      id === 'webhook-service'
        ? { kind: 'notification', name: 'x', runtime: id, endpoint: 'https://hooks.slack.com' }
        : { kind: 'generic', name: 'x', task: 'deploy-it', runtime: id };
    const blueprint = toBlueprint(await resolveAnswers(given));
    const runtime = RUNTIMES.find((r) => r.id === id)!;
    expect(blueprint.runtime).toBe(runtime);
    expect(blueprint.layers.slice(0, runtime.layers.length)).toEqual(runtime.layers);
    if (runtime.config) expect(blueprint.resources[0]).toEqual(runtime.config);
    if (runtime.noImage) expect(blueprint.env).toEqual([]);
  });
});

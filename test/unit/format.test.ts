// What the generated projects' own `npm run lint` checks with Prettier, held here for every kind,
// runtime, preset and Keptn release: their code (TypeScript, JavaScript, JSON) comes out formatted
// as the project's Prettier settings say, so an owner's `npm run format` changes nothing of ours and
// a later regenerate merges their edits without noise. ESLint runs in the projects themselves
// (test/e2e/ci.test.ts runs their CI, which lints).
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/answers.js';
import { toBlueprint } from '../../src/blueprint.js';
import { renderPlan } from '../../src/plan.js';
import { RECORD_FILE } from '../../src/record.js';
import { PRESET_COMBINATIONS, SERVICE_VERSIONS } from '../helpers.js';

const CODE = /\.(ts|js|mjs|json)$/;

// Keptn's webhook-service came with 0.10.
const cases = PRESET_COMBINATIONS.flatMap(({ label, answers }) =>
  SERVICE_VERSIONS.filter((keptn) => answers.runtime !== 'webhook-service' || keptn !== '0.8').map((keptn) => ({
    label: `${label}, Keptn ${keptn}`,
    answers: { ...answers, keptn },
  })),
);

describe('generated code is formatted as its Prettier settings say', () => {
  it.each(cases)('$label', async ({ answers }) => {
    const plan = renderPlan(toBlueprint(await resolveAnswers(answers)));
    // The no-code runtimes' projects have no npm, and no Prettier: their CI parses the YAML and
    // runs shellcheck and the tools' own syntax checks.
    const pkg = plan.get('package.json');
    if (!pkg) return expect(plan.has('keptn/shipyard.yaml')).toBe(true);
    const options = JSON.parse(pkg).prettier;
    expect(options, 'package.json has Prettier settings').toBeTypeOf('object');
    const unformatted: string[] = [];
    for (const [path, content] of plan) {
      if (!CODE.test(path) || path === RECORD_FILE) continue;
      if (!(await prettier.check(content, { ...options, filepath: path }))) unformatted.push(path);
    }
    expect(unformatted).toEqual([]);
  });
});

// "Adding a kind must not touch the others": a kind is its module (src/kinds/<id>.ts) and its
// template folder (templates/<id>/), and nothing else in src/ or templates/ knows its id. Held here
// by a throw-away kind, a copy of sli-provider under another id, generated from a copy of the
// templates with nothing but that folder added.
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveAnswers } from '../../src/answers.js';
import { toBlueprint } from '../../src/blueprint.js';
import { KINDS, type Kind } from '../../src/kinds/index.js';
import { sliProvider } from '../../src/kinds/sli-provider.js';
import { renderPlan, TEMPLATES } from '../../src/plan.js';
import { RECORD_FILE } from '../../src/record.js';
import { matchingOutside } from '../helpers.js';
import { tempDir } from '../run.js';

const COPY: Kind = { ...sliProvider, id: 'sli-copy' };
const templates = tempDir('kind-copy-templates-');

beforeAll(() => {
  cpSync(TEMPLATES, templates, { recursive: true });
  cpSync(join(TEMPLATES, 'sli-provider'), join(templates, COPY.id), { recursive: true });
  (KINDS as Kind[]).push(COPY);
});
afterAll(() => {
  (KINDS as Kind[]).splice(KINDS.indexOf(COPY), 1);
  rmSync(templates, { recursive: true, force: true });
});

const plans = async () => {
  const of = async (kind: string) =>
    renderPlan(toBlueprint(await resolveAnswers({ kind, name: 'metrics-copy', owner: 'acme' })), templates);
  return { original: await of('sli-provider'), copy: await of(COPY.id) };
};

describe('a new kind is one module and one template folder', () => {
  it('is offered, generated and listed like the kind it copies, with its own id', async () => {
    const { original, copy } = await plans();
    expect([...copy.keys()]).toEqual([...original.keys()]);
    const readme = copy.get('README.md')!;
    expect(readme).toContain('integration (sli-copy)');
    // Its own paragraphs (templates/<id>/partials/) are where the shared README puts them.
    expect(readme).toContain('## The indicators');
    expect(readme).toContain('The stand-in also answers the metrics queries');
    const listing = parse(copy.get('artifacthub-pkg.yml')!);
    expect(listing.annotations['keptn/kind']).toBe('sli-provider,observability');
    expect(listing.keywords).toEqual(['keptn', 'sli-provider', 'observability', 'prometheus']);
    // Everything else is the same project: only the id differs (the record holds the answers, compressed).
    const unlike = [...copy].filter(
      ([path, text]) => path !== RECORD_FILE && text.replaceAll('sli-copy', 'sli-provider') !== original.get(path),
    );
    expect(unlike.map(([path]) => path)).toEqual([]);
  });

  it('needs no branch on a kind id anywhere else: templates and src/ outside src/kinds/ name none', () => {
    const ids = KINDS.map((k) => k.id).join('|');
    const branch = new RegExp(`kind(\\.id)?\\s*[!=]==\\s*'(${ids})'|\\}\\[kind\\.id\\]`);
    expect(matchingOutside(branch, ['kinds'])).toEqual([]);
  });
});

// A generated project's licence: one answer, and LICENSE, package.json, ArtifactHub's metadata and
// the README all say the same. The texts are recognised by lines of their own, written here.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveAnswers } from '../../src/answers.js';
import { toBlueprint } from '../../src/blueprint.js';
import { renderPlan } from '../../src/plan.js';
import { generateFrom, read, regenerate, statuses } from '../helpers.js';
import { cli } from '../run.js';

/** A line each licence's official text has (SPDX), and no other of these. */
const TEXTS: Record<string, string | undefined> = {
  'Apache-2.0': 'TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION',
  MIT: 'Permission is hereby granted, free of charge, to any person obtaining a copy',
  'BSD-3-Clause': '3. Neither the name of the copyright holder nor the names of its',
  'MPL-2.0': 'Mozilla Public License Version 2.0',
  UNLICENSED: undefined,
};

/** One project of each runtime: a service, a job-executor definition, a webhook-service one. */
const PROJECTS = [
  { kind: 'test-tool', name: 'tests' },
  { kind: 'test-tool', name: 'k6-job', runtime: 'job-executor', 'test-tool': 'k6' },
  { kind: 'notification', name: 'slack-hook', runtime: 'webhook-service' },
];

describe.each(Object.entries(TEXTS))('--license %s', (license, line) => {
  it.each(PROJECTS)('$name: LICENSE, package.json, ArtifactHub and README agree', async (answers) => {
    const plan = renderPlan(toBlueprint(await resolveAnswers({ ...answers, license })));
    const text = plan.get('LICENSE');
    if (line === undefined) expect(text, 'no LICENSE without a licence').toBeUndefined();
    else {
      expect(text).toContain(line);
      for (const other of Object.values(TEXTS)) if (other && other !== line) expect(text).not.toContain(other);
      // The Debian copies of the long texts are the official ones, word for word.
      const official = `/usr/share/common-licenses/${license}`;
      if (['Apache-2.0', 'MPL-2.0'].includes(license) && existsSync(official)) expect(text).toBe(readFileSync(official, 'utf8'));
      if (['MIT', 'BSD-3-Clause'].includes(license)) expect(text).toContain(`Copyright (c) The ${answers.name} authors`);
    }
    const pkg = plan.get('package.json');
    if (pkg) expect(JSON.parse(pkg).license).toBe(license);
    const listing = plan.get('artifacthub-pkg.yml');
    if (listing) expect(parse(listing).license).toBe(line === undefined ? undefined : license);
    const readme = plan.get('README.md')!;
    expect(readme.slice(readme.lastIndexOf('\n## '))).toContain(line === undefined ? 'UNLICENSED' : 'see [LICENSE](LICENSE)');
  });
});

describe('the licence answer', () => {
  it('defaults to Apache-2.0, as Keptn and its integrations', async () => {
    const plan = renderPlan(toBlueprint(await resolveAnswers({ kind: 'generic', name: 'db-migrate', task: 'db-migrate' })));
    expect(plan.get('LICENSE')).toContain(TEXTS['Apache-2.0']);
    expect(JSON.parse(plan.get('package.json')!).license).toBe('Apache-2.0');
  });

  it('refuses an id it has no text for, naming the flag, the value and the choices', async () => {
    const run = await cli(['--kind', 'generic', '--task', 'db-migrate', '--license', 'GPL-3.0', '--dry-run', 'x'], {
      env: { NO_COLOR: '1' },
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/--license "GPL-3\.0" is invalid: must be one of: Apache-2\.0, MIT, BSD-3-Clause, MPL-2\.0, UNLICENSED/);
  });

  it('changes with regenerate --set, and none is none', async () => {
    const { dir } = await generateFrom(await resolveAnswers({ kind: 'generic', name: 'db-migrate', task: 'db-migrate' }));
    const mit = await regenerate(dir, '--set', 'license=MIT', '--json');
    expect(statuses(mit.stdout)[0]).toMatchObject({ LICENSE: 'updated', 'package.json': 'updated' });
    expect(read(dir, 'LICENSE')).toContain(TEXTS.MIT);
    const none = await regenerate(dir, '--set', 'license=UNLICENSED', '--json');
    expect(statuses(none.stdout)[0]).toMatchObject({ LICENSE: 'removed' });
    expect(existsSync(`${dir}/LICENSE`)).toBe(false);
  });
});

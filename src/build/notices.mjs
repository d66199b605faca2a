// Build step: the copyright and licence notices of every package the bundle holds, in
// dist/THIRD-PARTY-NOTICES.md, which the npm tarball carries (the bundle is minified, so the
// notices in their sources do not survive in it). Made from esbuild's metafile: exactly the
// packages whose code is in dist/, each with its licence files as the package ships them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Licence, notice and copying files, as packages name them. */
const LEGAL = /^(licen[cs]e|copying|notice)(\.|-|$)/i;

/** The package folders (node_modules/<name> or node_modules/@scope/<name>, innermost) of `inputs`. */
export function bundledPackages(inputs) {
  const dirs = new Set();
  for (const input of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(m[1]);
  }
  return [...dirs].sort();
}

/** The notices text for the packages in `dirs` (relative to `root`). */
export function notices(root, dirs) {
  const entries = dirs.map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const files = readdirSync(join(root, dir))
      .filter((f) => LEGAL.test(f))
      .sort();
    if (files.length === 0) throw new Error(`${pkg.name}@${pkg.version} is bundled but ships no licence file: its notice would be missing`);
    const texts = files.map((f) => readFileSync(join(root, dir, f), 'utf8').trim());
    return { id: `${pkg.name}@${pkg.version}`, license: pkg.license ?? 'see below', texts };
  });
  const unique = [...new Map(entries.map((e) => [e.id, e])).values()];
  return [
    '# Third-party notices',
    '',
    'create-keptn-integration bundles the following packages into dist/. Each is listed with its',
    'licence and the copyright and licence files it ships.',
    ...unique.flatMap((e) => ['', `## ${e.id} (${e.license})`, '', ...e.texts.flatMap((t) => ['```text', t, '```'])]),
    '',
  ].join('\n');
}

/**
 * Writes dist/THIRD-PARTY-NOTICES.md for an esbuild result built with `metafile: true`, and for the
 * package folders in `also` whose output dist/ holds by other means.
 */
export function writeNotices(root, metafile, also = []) {
  const dirs = [...new Set([...bundledPackages(Object.keys(metafile.inputs)), ...also])].sort();
  writeFileSync(join(root, 'dist/THIRD-PARTY-NOTICES.md'), notices(root, dirs));
}

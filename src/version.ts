import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

export const GENERATOR = { name: pkg.name, version: pkg.version };

/** A semantic version (https://semver.org), build metadata allowed: 0.1.0, 1.4.5, 0.2.0-rc.1+abc. */
const NUMBER = String.raw`(0|[1-9]\d*)`;
const IDENTIFIER = String.raw`(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)`;
export const SEMVER = new RegExp(
  String.raw`^${NUMBER}\.${NUMBER}\.${NUMBER}(?:-(${IDENTIFIER}(?:\.${IDENTIFIER})*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$`,
);

/**
 * Orders two semantic versions by semver's precedence rules: -1, 0 or 1. Generator versions and
 * Keptn releases alike; a string that is not one is a bug of the caller (check SEMVER first).
 */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => {
    const m = SEMVER.exec(v);
    if (!m) throw new Error(`not a semantic version: ${v}`);
    return { core: [m[1], m[2], m[3]].map(Number), pre: m[4]?.split('.') ?? [] };
  });
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i] < y.core[i] ? -1 : 1;
  // A pre-release comes before its release; identifiers compare numerically when both are numbers.
  if (x.pre.length === 0 || y.pre.length === 0) return Math.sign(y.pre.length - x.pre.length);
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const [p, q] = [x.pre[i], y.pre[i]];
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
    if (p === q) continue;
    const [pn, qn] = [/^\d+$/.test(p), /^\d+$/.test(q)];
    if (pn && qn) return Number(p) < Number(q) ? -1 : 1;
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

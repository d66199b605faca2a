// Stands in for `artillery` in tests: takes the arguments the service passes, makes one request to
// --target, writes the --output report with Artillery's counters and exits 1 when the request was
// not a 2xx, as the scenarios' `ensure` conditions make Artillery do.
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const arg = (name) => args[args.indexOf(name) + 1];
if (args[0] !== 'run' || !arg('--target') || !arg('--output')) {
  console.error(`artillery stand-in: unexpected arguments ${args.join(' ')}`);
  process.exit(2);
}
// The service wrote the definition it read from Keptn where it pointed Artillery.
if (!readFileSync(args.at(-1), 'utf8').includes('scenarios:')) {
  console.error(`artillery stand-in: ${args.at(-1)} is no Artillery script`);
  process.exit(2);
}
const code = await fetch(arg('--target')).then(
  (res) => res.status,
  () => undefined,
);
const counters = { 'http.requests': 1, ...(code ? { [`http.codes.${code}`]: 1 } : { 'errors.ECONNREFUSED': 1 }) };
writeFileSync(arg('--output'), JSON.stringify({ aggregate: { counters } }));
process.exit(code === 200 ? 0 : 1);

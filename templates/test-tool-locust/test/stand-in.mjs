// Stands in for `locust` in tests: takes the arguments the service passes, makes one request to
// --host, writes <--csv>_stats.csv as Locust does and exits 1 when a request failed.
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const arg = (name) => args[args.indexOf(name) + 1];
for (const required of ['-f', '--host', '--csv', '--headless']) {
  if (!args.includes(required)) {
    console.error(`locust stand-in: missing ${required}`);
    process.exit(2);
  }
}
// The service wrote the definition it read from Keptn where it pointed Locust.
if (!readFileSync(arg('-f'), 'utf8').includes('HttpUser')) {
  console.error(`locust stand-in: ${arg('-f')} is no locustfile`);
  process.exit(2);
}
const ok = await fetch(arg('--host')).then(
  (res) => res.ok,
  () => false,
);
const header = 'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time';
writeFileSync(`${arg('--csv')}_stats.csv`, `${header}\nGET,/,1,${ok ? 0 : 1},3,3.2\n,Aggregated,1,${ok ? 0 : 1},3,3.2\n`);
process.exit(ok ? 0 : 1);

// Development only: not in the image (.dockerignore leaves out src/dev/). Maintained by
// `npx create-keptn-integration regenerate`: your integration's code goes into src/handler.ts instead.

// `npm run send-event <file> [-- --structured]`: post a CloudEvent from a JSON file to the running
// service the way the distributor does (binary mode), with a fresh id each time. Problems are one
// line saying what to do, not a stack trace.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CloudEvent, HTTP } from 'cloudevents';

function fail(message: string): never {
  console.error(`send-event: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) fail('usage: npm run send-event <file.json> [-- --structured]   (PORT selects the service port)');
const text = await readFile(file, 'utf8').catch(() => fail(`cannot read ${file}: is it there? (the examples are in test-events/)`));
let event: CloudEvent;
try {
  event = new CloudEvent({ ...JSON.parse(text), id: randomUUID(), time: new Date().toISOString() });
} catch (err) {
  fail(`${file} is not a CloudEvent: ${(err as Error).message}`);
}
const message = args.includes('--structured') ? HTTP.structured(event) : HTTP.binary(event);
const url = `http://localhost:${process.env.PORT ?? 8080}/`;
const res = await fetch(url, {
  method: 'POST',
  headers: message.headers as Record<string, string>,
  body: message.body as string,
}).catch(() => fail(`nothing answers at ${url}: start the service first (npm run dev), or set PORT`));
console.log(`${event.type} (id ${event.id}) → ${url}: HTTP ${res.status} ${await res.text()}`);
process.exit(res.ok ? 0 : 1);

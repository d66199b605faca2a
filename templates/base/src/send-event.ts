// `npm run send-event <file> [-- --structured]`: post a CloudEvent from a JSON file to the running
// service the way the distributor does (binary mode), with a fresh id each time.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CloudEvent, HTTP } from 'cloudevents';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: npm run send-event <file.json> [-- --structured]   (PORT selects the service port)');
  process.exit(1);
}
const raw = JSON.parse(await readFile(file, 'utf8'));
const event = new CloudEvent({ ...raw, id: randomUUID(), time: new Date().toISOString() });
const message = args.includes('--structured') ? HTTP.structured(event) : HTTP.binary(event);
const url = `http://localhost:${process.env.PORT ?? 8080}/`;
const res = await fetch(url, {
  method: 'POST',
  headers: message.headers as Record<string, string>,
  body: message.body as string,
});
console.log(`${event.type} (id ${event.id}) → ${url}: HTTP ${res.status} ${await res.text()}`);
process.exit(res.ok ? 0 : 1);

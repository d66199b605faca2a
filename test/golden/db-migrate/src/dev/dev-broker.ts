// Development only: not in the image (.dockerignore leaves out src/dev/). Maintained by
// `npx create-keptn-integration regenerate`: your integration's code goes into src/handler.ts instead.

// A local stand-in for the distributor sidecar, for `npm run dev` and the tests: it takes the
// events the service sends (POST /event), serves Keptn resources from keptn/resources the way
// Keptn's resource API does, takes webhook calls (POST /webhook), answers metrics queries (an SLI
// provider's) and GET / (the deployment URI of the example events).
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export interface BrokerOptions {
  port?: number;
  /** Folder whose files are served as resources: keptn/resources/<uri>. */
  resourcesDir: string;
  /** Print what arrives (for `npm run dev`). */
  verbose?: boolean;
}

export async function startDevBroker(options: BrokerOptions) {
  const events: Received[] = [];
  const webhooks: Received[] = [];
  const waiters: (() => void)[] = [];
  const notify = () => waiters.splice(0).forEach((w) => w());

  // Whatever arrives, the stand-in answers and stays up: a request it cannot read gets a 4xx.
  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(400).end(`${err.message}\n`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The path as sent ("//" included, which new URL() would read as a host), without the query.
    const path = (req.url ?? '/').split('?')[0];
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return void res.writeHead(400).end('body is not JSON\n');
    }
    const received = (): Received => ({ path, headers: req.headers, body });

    if (req.method === 'POST' && (path === '/event' || path === '/webhook')) {
      const entry = received();
      (path === '/event' ? events : webhooks).push(entry);
      if (options.verbose) console.log(`\n← ${path === '/event' ? 'event' : 'webhook call'}\n${JSON.stringify(entry.body, null, 2)}`);
      notify();
      res.writeHead(200).end();
      return;
    }
    // GET <resource API>/v1/project/<p>/stage/<s>/service/<svc>/resource/<uri>
    const match = /\/v1\/project\/[^/]+\/stage\/[^/]+\/service\/[^/]+\/resource\/(.+)$/.exec(path);
    if (req.method === 'GET' && match) {
      const uri = normalize(decodeURIComponent(match[1]));
      if (uri.startsWith('..')) return void res.writeHead(400).end();
      try {
        const content = await readFile(join(options.resourcesDir, uri));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ resourceURI: uri, resourceContent: content.toString('base64') }));
      } catch {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 404, message: `resource ${uri} not found` }));
      }
      return;
    }
    // Stands in for a metrics backend, answering every query with one value (npm run dev of an SLI
    // provider): Prometheus's instant query API and an HTTP-JSON API under /metrics/.
    if (req.method === 'GET' && path === '/api/v1/query') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [Date.now() / 1000, '0.25'] }] } }),
      );
    }
    if (req.method === 'GET' && path.startsWith('/metrics/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ data: { value: 0.25 } }));
    }
    // Stands in for the service under test in the example events (deploymentURIsLocal).
    if (req.method === 'GET' && /^\/+$/.test(path)) return void res.writeHead(200).end('distributor stand-in\n');
    res.writeHead(404).end();
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    events,
    webhooks,
    /**
     * Resolves once `done()` holds, checking after every arrival; rejects after `ms`, a bound
     * against a hang rather than a speed check (so it is long: a loaded machine is only slower).
     */
    async until(done: () => boolean, ms = 120_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!done()) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out after ${ms} ms; events so far: ${events.map((e) => e.body?.type).join(', ') || 'none'}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => (clearTimeout(timer), resolve()));
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

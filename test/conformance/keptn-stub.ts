// Everything a generated service talks to, on one local port: the distributor's event endpoint
// (POST /event), Keptn's resource API (GET .../resource/<uri>, served from a folder), a webhook
// (POST /webhook), a Prometheus query API (GET /api/v1/query) and a service under test (GET /).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface Arrival {
  at: number;
  body: any;
}

/**
 * `maxEventBytes`: like Keptn's distributor from 0.17 on (API_PROXY_MAX_PAYLOAD_BYTES_KB, 64 KiB by
 * default), POST /event answers 500 to a larger body (1.4.5:distributor/pkg/forwarder/forwarder.go:
 * http.MaxBytesReader around every route; the failed read is answered 500).
 */
export async function startKeptnStub(resourcesDir: string, maxEventBytes?: number) {
  /**
   * Switches for the failure paths: Keptn without the resources, a metrics backend that is down,
   * a service under test whose requests fail, Prometheus refusing the latency query (bad_data).
   */
  const faults = { resourcesMissing: false, metricsDown: false, failedRequests: false, badQuery: false };
  const events: Arrival[] = [];
  const webhooks: Arrival[] = [];
  /** Events refused as too large. */
  const refused: Arrival[] = [];
  const resourceRequests: { api: string; uri: string }[] = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    if (
      req.method === 'POST' &&
      url.pathname === '/event' &&
      maxEventBytes !== undefined &&
      chunks.reduce((n, c) => n + c.length, 0) > maxEventBytes
    ) {
      refused.push({ at: Date.now(), body: JSON.parse(text) });
      return void res.writeHead(500).end('http: request body too large');
    }
    if (req.method === 'POST' && (url.pathname === '/event' || url.pathname === '/webhook')) {
      (url.pathname === '/event' ? events : webhooks).push({ at: Date.now(), body: JSON.parse(text) });
      return void res.writeHead(200).end();
    }
    const resource = /\/v1\/project\/[^/]+\/stage\/[^/]+\/service\/[^/]+\/resource\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && resource) {
      const uri = decodeURIComponent(resource[1]);
      resourceRequests.push({ api: url.pathname.split('/v1/')[0], uri });
      if (faults.resourcesMissing) return void res.writeHead(404).end();
      try {
        const content = await readFile(join(resourcesDir, uri));
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ resourceURI: uri, resourceContent: content.toString('base64') }));
      } catch {
        return void res.writeHead(404).end();
      }
    }
    if (req.method === 'GET' && url.pathname === '/api/v1/query') {
      if (faults.metricsDown) return void req.socket.destroy();
      const query = url.searchParams.get('query') ?? '';
      if (faults.badQuery && query.includes('histogram_quantile')) {
        res.writeHead(400, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: '1:1: parse error: unexpected identifier' }));
      }
      // Prometheus over a service that answered every request with 200 (unless failedRequests):
      // the rate of failed requests (status!~"2..") has no series, so a query over it is an empty
      // vector, and 0 where it falls back on `or vector(0)`. Every other query is 0.25.
      const value = !query.includes('status!~')
        ? '0.25'
        : faults.failedRequests
          ? '0.5'
          : /\bor\s+vector\(0\)/.test(query)
            ? '0'
            : undefined;
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: value === undefined ? [] : [{ metric: {}, value: [0, value] }] },
        }),
      );
    }
    if (req.method === 'GET' && url.pathname === '/') return void res.writeHead(200).end('ok');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    faults,
    events,
    refused,
    webhooks,
    resourceRequests,
    async until(done: () => boolean, ms = 10_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out; events: ${events.map((e) => e.body.type).join(', ') || 'none'}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

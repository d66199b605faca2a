// A local stand-in for the part of Keptn's API that keptn/subscribe.sh talks to: the uniform
// registrations and their subscriptions (shipyard-controller behind the API gateway's
// /api/controlPlane, 0.10.0–1.4.5:shipyard-controller uniformintegrationcontroller.go), with the
// `x-token` check of the gateway. Like Keptn it never deduplicates: every POST adds a subscription.
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Filter {
  projects?: string[] | null;
  stages?: string[] | null;
  services?: string[] | null;
}

export interface Subscription {
  id: string;
  event: string;
  filter: Filter;
}

export interface Integration {
  id: string;
  name: string;
  metadata: { hostname: string; integrationversion: string; lastseen: string; [key: string]: unknown };
  subscriptions: Subscription[];
}

export interface ApiRequest {
  method: string;
  /** The path below the endpoint, e.g. /controlPlane/v1/uniform/registration. */
  path: string;
  query: Record<string, string>;
  token: string | undefined;
  body: unknown;
}

const PREFIX = '/api/controlPlane/v1/uniform/registration';

/**
 * `integrations` is the registry at the start (changed in place by POSTs). `endpoint` is what
 * KEPTN_ENDPOINT would be (…/api).
 */
export async function startKeptnApiStub(token: string, integrations: Integration[]) {
  /** Switches for the failure paths. */
  const faults = {
    /** Every request is answered 401, as the gateway answers a wrong token. */
    unauthorized: false,
    /** Every request is answered 500 with an HTML page (a broken backend behind nginx). */
    serverError: false,
    /** No webhook-service is registered (the service is not installed or not running). */
    noWebhookService: false,
  };
  const requests: ApiRequest[] = [];

  const json = (res: ServerResponse, status: number, body: unknown) =>
    void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // kept as text
    }
    const header = req.headers['x-token'];
    requests.push({
      method: req.method ?? '',
      path: url.pathname.replace(/^\/api/, ''),
      query: Object.fromEntries(url.searchParams),
      token: Array.isArray(header) ? header.join(',') : header,
      body,
    });

    if (faults.unauthorized || header !== token) return json(res, 401, { code: 401, message: 'invalid token' });
    if (faults.serverError) {
      res.writeHead(500, { 'content-type': 'text/html' });
      return void res.end(
        '<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n</body>\r\n</html>\r\n',
      );
    }
    const visible = () => (faults.noWebhookService ? integrations.filter((i) => i.name !== 'webhook-service') : integrations);

    if (!url.pathname.startsWith(PREFIX)) return json(res, 404, { code: 404, message: 'not found' });
    const rest = url.pathname.slice(PREFIX.length);
    if (req.method === 'GET' && rest === '') {
      const name = url.searchParams.get('name');
      return json(
        res,
        200,
        visible().filter((i) => !name || i.name === name),
      );
    }
    const match = /^\/([^/]+)\/subscription$/.exec(rest);
    if (match) {
      const integration = visible().find((i) => i.id === decodeURIComponent(match[1]));
      if (!integration) return json(res, 404, { code: 404, message: `Could not find uniform integration with id ${match[1]}` });
      if (req.method === 'GET') return json(res, 200, integration.subscriptions);
      if (req.method === 'POST') {
        const s = body as Partial<Subscription> | undefined;
        if (!s || typeof s !== 'object' || !s.event) return json(res, 400, { code: 400, message: 'event must be specified' });
        const f = s.filter ?? {};
        if (f.services && !f.stages)
          return json(res, 400, {
            code: 400,
            message: 'at least one stage must be specified when setting up a subscription filter for a service',
          });
        const id = randomUUID();
        integration.subscriptions.push({
          id,
          event: s.event,
          filter: { projects: f.projects ?? null, stages: f.stages ?? null, services: f.services ?? null },
        });
        return json(res, 201, { id });
      }
    }
    json(res, 404, { code: 404, message: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint: `${url}/api`,
    faults,
    requests,
    integrations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type KeptnApiStub = Awaited<ReturnType<typeof startKeptnApiStub>>;

/** An integration as Keptn lists it, seen at `lastseen`. */
export function integration(name: string, id: string, lastseen: string, subscriptions: Subscription[] = []): Integration {
  return {
    id,
    name,
    metadata: { hostname: 'node-1', integrationversion: '1.4.5', distributorversion: '1.4.5', location: 'control-plane', lastseen },
    subscriptions,
  };
}

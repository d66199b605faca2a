// A pod of the generated chart, stopped the way the kubelet stops it, with a stand-in for the
// distributor that forwards events as Keptn's does. What each side does is read from the source:
//
// The kubelet (Kubernetes' "Termination of Pods" and "Container hooks"): each container's preStop
// hook runs at once, all in parallel; a container gets SIGTERM when its own hook ends (at once
// without one), and whatever still runs at terminationGracePeriodSeconds gets SIGKILL.
//
// The distributor (in-cluster, NATS): subscribed until its SIGTERM, which removes its
// subscriptions and shuts its proxy on localhost:8081 down (1.4.5:distributor/pkg/receiver/
// receiver.go Start, 1.4.5:distributor/pkg/forwarder/forwarder.go Start; the same at
// 0.10.0:distributor/pkg/lib/events/receiver.go and forwarder.go). It forwards each event once, in
// a 5 s context (receiver.go sendEvent), through go-utils' HTTPEventSender.Send (v0.20.4 at 1.4.5,
// v0.10.0 at 0.10.0: pkg/lib/v0_2_0/events.go): a 2xx is delivered; another status is retried up
// to 3 times after a back-off (keptn.GetExpBackoffTime) and then dropped with a log line; a
// refused connection is a NACK receipt of cloudevents' HTTP protocol (v2.14.0:v2/protocol/http/
// protocol_retry.go doOnce), neither an HTTP result nor "undelivered", so Send returns nil: the
// event is gone and counted as delivered.
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Hook {
  container: string;
  /** exec command of its preStop hook, if any. */
  preStop?: string[];
}

/** The termination facts of the Deployment's pod, as rendered. */
export function terminationOf(deployment: any): { graceSeconds: number; containers: Hook[] } {
  const pod = deployment.spec.template.spec;
  return {
    graceSeconds: pod.terminationGracePeriodSeconds ?? 30,
    containers: pod.containers.map((c: any) => {
      const hook = c.lifecycle?.preStop;
      if (hook && !hook.exec) throw new Error(`${c.name}: a preStop hook other than exec is not modelled`);
      return { container: c.name, preStop: hook?.exec?.command };
    }),
  };
}

export interface Container {
  sigterm(): void;
  sigkill(): void;
  /** Settles when the container's process has ended. */
  exited: Promise<unknown>;
}

export interface Moment {
  container: string;
  what: 'preStop ended' | 'SIGTERM' | 'SIGKILL' | 'exited';
  at: number;
}

/**
 * Stops the pod as the kubelet does; resolves when every container has ended, with what happened
 * when (ms from the start). A preStop command runs here as a process (`/bin/sleep 8` is a sleep).
 */
export async function stopPod(
  hooks: Hook[],
  graceSeconds: number,
  containers: Record<string, Container>,
  start = Date.now(),
): Promise<Moment[]> {
  const moments: Moment[] = [];
  const note = (container: string, what: Moment['what']) => moments.push({ container, what, at: Date.now() - start });
  const hookProcesses: ReturnType<typeof spawn>[] = [];
  const killAt = setTimeout(
    () => {
      for (const p of hookProcesses) p.kill('SIGKILL');
      for (const [name, c] of Object.entries(containers)) {
        note(name, 'SIGKILL');
        c.sigkill();
      }
    },
    graceSeconds * 1000 - (Date.now() - start),
  );
  await Promise.all(
    hooks.map(async ({ container, preStop }) => {
      const c = containers[container];
      if (!c) throw new Error(`no stand-in for container ${container}`);
      let exited = false;
      void c.exited.then(() => {
        exited = true;
        note(container, 'exited');
      });
      if (preStop) {
        const p = spawn(preStop[0], preStop.slice(1), { stdio: 'ignore' });
        hookProcesses.push(p);
        await new Promise((resolve) => p.on('exit', resolve).on('error', resolve));
        note(container, 'preStop ended');
      }
      if (!exited) {
        note(container, 'SIGTERM');
        c.sigterm();
      }
      await c.exited;
    }),
  );
  clearTimeout(killAt);
  return moments.sort((a, b) => a.at - b.at);
}

export interface Forwarded {
  id: string;
  at: number;
  /** delivered (2xx), dropped (no 2xx in 4 tries, logged), or lost (refused connection, counted as delivered). */
  outcome: 'delivered' | 'dropped' | 'lost';
  statuses: number[];
}

/**
 * The distributor container: a proxy that takes replies (POST /event) while it runs, and a
 * subscription that forwards events to the integration's port until SIGTERM.
 */
export async function startDistributorStandIn() {
  const replies: { at: number; body: any }[] = [];
  const forwarded: Forwarded[] = [];
  let subscribed = true;
  let exit = () => {};
  const exited = new Promise<void>((resolve) => (exit = resolve));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/event')
        replies.push({ at: Date.now(), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** One POST of a structured-mode CloudEvent, as cloudevents' HTTP client sends it (v2.14.0:v2/protocol/http/write_request.go). */
  const post = (port: number, event: any, timeoutMs: number) =>
    new Promise<number | 'refused'>((resolve) => {
      const body = JSON.stringify(event);
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/',
          method: 'POST',
          timeout: timeoutMs,
          headers: { 'content-type': 'application/cloudevents+json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', () => resolve('refused'));
      req.on('timeout', () => req.destroy());
      req.end(body);
    });

  return {
    url,
    replies,
    forwarded,
    get subscribed() {
      return subscribed;
    },
    /** An event from NATS: forwarded to the integration once, within 5 s; false once unsubscribed. */
    async forward(port: number, event: any, start: number): Promise<Forwarded | undefined> {
      if (!subscribed) return undefined;
      const entry: Forwarded = { id: event.id, at: Date.now() - start, outcome: 'dropped', statuses: [] };
      forwarded.push(entry);
      const deadline = Date.now() + 5000;
      for (let attempt = 0; attempt <= 3 && Date.now() < deadline; attempt++) {
        const status = await post(port, event, deadline - Date.now());
        if (status === 'refused') {
          entry.outcome = 'lost';
          return entry;
        }
        entry.statuses.push(status);
        if (status >= 200 && status < 300) {
          entry.outcome = 'delivered';
          return entry;
        }
        // keptn.GetExpBackoffTime(attempt + 1): 750 ms × max(1, attempt + 1), ±50 %; the mean here.
        await new Promise((r) => setTimeout(r, 750 * Math.max(1, attempt + 1)));
      }
      return entry;
    },
    container: {
      sigterm() {
        subscribed = false;
        server.close(() => exit());
        server.closeIdleConnections();
      },
      sigkill() {
        subscribed = false;
        server.closeAllConnections();
        server.close(() => exit());
      },
      exited,
    } satisfies Container,
    repliesTo: (id: string) => replies.filter((r) => r.body.triggeredid === id),
    close: () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
  };
}

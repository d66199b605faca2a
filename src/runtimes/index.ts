// How an integration runs: a service of its own, or one of Keptn's no-code routes. Each kind names
// the runtimes it offers (Kind.runtimes, the first is its default).
export const RUNTIMES = [
  { id: 'service', summary: 'a service of its own: TypeScript, Dockerfile, Helm chart with the distributor' },
  { id: 'job-executor', summary: 'no code: the job-executor-service runs a container as a Kubernetes Job per event' },
  { id: 'webhook-service', summary: "no code: Keptn's webhook-service makes an HTTP call per event (Keptn 0.10 on)" },
] as const;

export type Runtime = (typeof RUNTIMES)[number]['id'];

// Every fact that differs between Keptn releases lives here, and only here
// (source: ../shared/KEPTN.md, "Versions" and "Distributor sidecar").

export interface KeptnVersion {
  /** The value users pass to --keptn. */
  id: string;
  /** The Keptn release the facts were taken from. */
  release: string;
  distributorTag: string;
  natsUrl: string;
  /** shkeptnspecversion put on every event the integration sends. */
  specVersion: string;
  shipyardApiVersion: string;
  /** Path of the resource API behind the distributor's proxy on localhost:8081. */
  resourceServicePath: string;
  /** Port of the distributor's own health endpoint, if it has one that does not clash with ours. */
  distributorHealthPort?: number;
  /** The distributor's queue group (PUBSUB_GROUP) exists from 0.10 on. */
  queueGroup: boolean;
  /** keptn CLI rule: in 1.0, --service needs --stage or --all-stages. */
  serviceNeedsStage: boolean;
  /** How to start the sequence from the CLI: `keptn trigger sequence` exists from 0.14 on. */
  triggerSequence: boolean;
  /**
   * The job-executor-service release for this Keptn (its compatibility matrix) and how it is
   * installed: before its Helm chart (0.1.x) from a manifest, later with Helm.
   */
  jobExecutor: {
    version: string;
    install: 'manifest' | 'helm';
    /** Does it set LABELS_<KEY> variables from the event's labels (0.1.8 on)? */
    labels: boolean;
    /** What this release lacks that a user would expect, for the README. */
    notes: string[];
  };
}

export const KEPTN_VERSIONS: Record<string, KeptnVersion> = {
  '0.8': {
    id: '0.8',
    release: '0.8.7',
    distributorTag: '0.8.7',
    natsUrl: 'nats://keptn-nats-cluster',
    specVersion: '0.2.3',
    shipyardApiVersion: 'spec.keptn.sh/0.2.2',
    resourceServicePath: '/configuration-service',
    distributorHealthPort: 10999,
    queueGroup: false,
    serviceNeedsStage: false,
    triggerSequence: false,
    // 0.1.3 is the first release that reads apiVersion v2 configs and the last for Keptn 0.8.
    jobExecutor: {
      version: '0.1.3',
      install: 'manifest',
      labels: false,
      notes: [
        'job-executor-service 0.1.3 (for Keptn 0.8) puts no `start` and `end` into `.finished` (0.1.4 and later do): an evaluation after the task needs its own timeframe. It passes an event value that is an object as Go prints it, not as JSON.',
      ],
    },
  },
  '1.0': {
    id: '1.0',
    release: '1.0.0',
    distributorTag: '1.0.0',
    natsUrl: 'nats://keptn-nats',
    specVersion: '0.2.4',
    shipyardApiVersion: 'spec.keptn.sh/0.2.3',
    resourceServicePath: '/resource-service',
    // Keptn's own 1.0 charts probe the distributor on 8080, which in the shared pod network is the
    // integration's port: the chart probes the integration there and gives the distributor none.
    distributorHealthPort: undefined,
    queueGroup: true,
    serviceNeedsStage: true,
    triggerSequence: true,
    jobExecutor: { version: '0.3.0', install: 'helm', labels: true, notes: [] },
  },
};

export const DEFAULT_KEPTN = '1.0';

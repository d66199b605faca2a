// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// src/keptn/ (your edits here are merged, and may conflict): your integration's code goes into
// src/handler.ts instead.

// Settings come from the environment, as the Helm chart sets them. Bad values stop the service at
// start-up with a message naming the variable, rather than failing on the first event.

export interface Config {
  /** Port the service listens on; the distributor forwards events to it (PUBSUB_RECIPIENT_PORT). */
  port: number;
  /** `source` of every event this integration sends. */
  name: string;
  /** shkeptnspecversion of the Keptn release this integration targets. */
  specVersion: string;
  /** Where replies go: the distributor's proxy, which forwards them to Keptn. */
  eventBrokerUrl: string;
  /** Keptn's resource API (through the distributor's proxy). */
  configurationServiceUrl: string;
  /** A task still running after this long is reported as errored. */
  taskTimeoutMs: number;
  /** Requests with a larger body are refused with 413. */
  maxBodyBytes: number;
  /**
   * The largest event this service sends: the distributor refuses larger ones
   * (API_PROXY_MAX_PAYLOAD_BYTES_KB, 64 KiB since Keptn 0.17), so a larger one is cut to fit.
   */
  maxEventBytes: number;
  /**
   * How long a reply the distributor cannot take is sent again (with backoff) before it is given
   * up: long enough for the distributor to restart.
   */
  replyRetryMs: number;
  /** Replies waiting for the distributor, at most: with this many, new tasks are refused (503). */
  replyQueueSize: number;
  /** How long SIGTERM waits for running tasks before reporting them as errored. */
  shutdownGraceMs: number;
  /**
   * How long after SIGTERM the service still takes events (0: none). In the chart's pod the
   * distributor stays subscribed for most of the grace period and forwards events to this service
   * until then; an event it cannot deliver is gone, so the service answers each one meanwhile.
   */
  shutdownAcceptMs: number;
  /** The whole environment, for the handler's own settings. */
  env: NodeJS.ProcessEnv;
}

export const DEFAULTS = {
  PORT: '8080',
  EVENT_BROKER_URL: 'http://localhost:8081/event',
  CONFIGURATION_SERVICE_URL: 'http://localhost:8081/resource-service',
  TASK_TIMEOUT_SECONDS: '3600',
  MAX_BODY_BYTES: '1048576',
  MAX_EVENT_BYTES: '65536',
  REPLY_RETRY_SECONDS: '120',
  REPLY_QUEUE_SIZE: '1000',
  SHUTDOWN_GRACE_SECONDS: '25',
  SHUTDOWN_ACCEPT_SECONDS: '0',
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const get = (key: keyof typeof DEFAULTS) => env[key] || DEFAULTS[key];
  return {
    port: readNumber(env, 'PORT', get('PORT'), 0, 65535),
    name: 'db-migrate',
    specVersion: '0.2.4',
    eventBrokerUrl: readUrl('EVENT_BROKER_URL', get('EVENT_BROKER_URL')),
    configurationServiceUrl: readUrl('CONFIGURATION_SERVICE_URL', get('CONFIGURATION_SERVICE_URL')).replace(/\/+$/, ''),
    taskTimeoutMs: readNumber(env, 'TASK_TIMEOUT_SECONDS', get('TASK_TIMEOUT_SECONDS'), 0.001, 86400) * 1000,
    maxBodyBytes: readNumber(env, 'MAX_BODY_BYTES', get('MAX_BODY_BYTES'), 1024, 100 * 1024 * 1024),
    maxEventBytes: readNumber(env, 'MAX_EVENT_BYTES', get('MAX_EVENT_BYTES'), 1024, 100 * 1024 * 1024),
    replyRetryMs: readNumber(env, 'REPLY_RETRY_SECONDS', get('REPLY_RETRY_SECONDS'), 0, 3600) * 1000,
    replyQueueSize: readNumber(env, 'REPLY_QUEUE_SIZE', get('REPLY_QUEUE_SIZE'), 1, 100_000),
    shutdownGraceMs: readNumber(env, 'SHUTDOWN_GRACE_SECONDS', get('SHUTDOWN_GRACE_SECONDS'), 0, 86400) * 1000,
    shutdownAcceptMs: readNumber(env, 'SHUTDOWN_ACCEPT_SECONDS', get('SHUTDOWN_ACCEPT_SECONDS'), 0, 86400) * 1000,
    env,
  };
}

/** A number setting: `raw` is the variable's value or its default. */
export function readNumber(env: NodeJS.ProcessEnv, key: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${key} ${JSON.stringify(env[key])} is invalid: must be a number from ${min} to ${max}`);
  }
  return value;
}

/** A URL setting: http or https only. */
export function readUrl(key: string, raw: string): string {
  try {
    const parsed = new URL(raw);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return raw;
  } catch {
    // reported below
  }
  throw new Error(`${key} ${JSON.stringify(raw)} is invalid: must be an http(s) URL`);
}

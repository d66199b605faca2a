// How an integration runs: a service of its own, or one of Keptn's no-code routes. Each kind names
// the runtimes it offers (Kind.runtimes, the first is its default); each runtime is a module.
import type { Answers } from '../model.js';
import { jobExecutor } from './job-executor.js';
import { service } from './service.js';
import type { Runtime } from './types.js';
import { webhookService } from './webhook-service.js';

export type { Runtime, RuntimeId } from './types.js';

export const RUNTIMES: readonly Runtime[] = [service, jobExecutor, webhookService];

export const runtimeById = (id: string | undefined): Runtime | undefined => RUNTIMES.find((r) => r.id === id);

/** The runtime the answers chose; a kind that offers no choice runs as a service. */
export const runtimeOf = (a: Answers): Runtime => runtimeById(a.runtime) ?? service;

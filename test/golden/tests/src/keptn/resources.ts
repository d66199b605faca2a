// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// src/keptn/ (your edits here are merged, and may conflict): your integration's code goes into
// src/handler.ts instead.

// Reads resources (files uploaded with `keptn add-resource`) from Keptn's resource API.
import type { Config } from './config.js';
import type { KeptnEvent } from './events.js';

export class ResourceNotFound extends Error {}

export function createResources(config: Pick<Config, 'configurationServiceUrl'>) {
  return {
    /** The content of `uri` for the event's project, stage and service. */
    async get(event: KeptnEvent, uri: string): Promise<string> {
      const { project, stage, service } = event.data ?? {};
      if (!project || !stage || !service) {
        throw new Error(`cannot read resource ${uri}: the event has no project, stage and service`);
      }
      const where = `project ${project}, stage ${stage}, service ${service}`;
      const path = ['project', project, 'stage', stage, 'service', service, 'resource', uri].map(encodeURIComponent).join('/');
      let res: Response;
      try {
        res = await fetch(`${config.configurationServiceUrl}/v1/${path}`, { signal: AbortSignal.timeout(10_000) });
      } catch (err) {
        throw new Error(`cannot read resource ${uri} (${where}): ${(err as Error).message}`, { cause: err });
      }
      if (res.status === 404) {
        throw new ResourceNotFound(`resource ${uri} not found (${where}); upload it with keptn/add-resources.sh`);
      }
      if (!res.ok) throw new Error(`cannot read resource ${uri} (${where}): HTTP ${res.status}`);
      const body = (await res.json()) as { resourceContent?: string };
      if (typeof body.resourceContent !== 'string') {
        throw new Error(`cannot read resource ${uri} (${where}): the answer has no resourceContent`);
      }
      return Buffer.from(body.resourceContent, 'base64').toString('utf8');
    },
  };
}

export type Resources = ReturnType<typeof createResources>;

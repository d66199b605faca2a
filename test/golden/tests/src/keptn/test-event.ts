// Maintained by `npx create-keptn-integration regenerate`, which brings newer templates into
// src/keptn/ (your edits here are merged, and may conflict): your integration's code goes into
// src/handler.ts instead.

// What every test handler reads from a test.triggered event and puts into its test.finished.
import type { KeptnEvent } from './events.js';

/**
 * Where the service under test answers: the local (in-cluster) URIs, else the public ones. Empty
 * entries, which Keptn sends for a deployment without that kind of URI, are left out.
 */
export function deploymentURIs(event: KeptnEvent): string[] {
  const deployment = (event.data?.deployment ?? {}) as { deploymentURIsLocal?: string[]; deploymentURIsPublic?: string[] };
  const local = (deployment.deploymentURIsLocal ?? []).filter(Boolean);
  return local.length > 0 ? local : (deployment.deploymentURIsPublic ?? []).filter(Boolean);
}

/** test.finished must carry start, end and gitCommit, even when the test could not run. */
export function testTimes(event: KeptnEvent, start: Date) {
  return { start: start.toISOString(), end: new Date().toISOString(), gitCommit: String(event.gitcommitid ?? '') };
}

// What generated projects run on and build with, stated once: the Dockerfile's base images,
// package.json's engines and @types/node, and the node-version of their GitHub workflows.

/**
 * The Node.js line of generated projects: an LTS line, never one past its end of life. Node's
 * even majors enter LTS in the October of their year and end 30 months later
 * (https://github.com/nodejs/Release): 24 is LTS from October 2025 and supported until
 * 30 April 2028; 26 took over as Active LTS in October 2026, and is the next move of this entry
 * (24 stays until then: its maintenance line is what CI runners and base images serve everywhere).
 */
export const NODE = {
  major: 24,
  /** package.json "engines": the line's first LTS release on. */
  engines: '>=24.11',
  types: '^24.10.0',
  /** The service image: musl, small; the native modules it installs are built for it in the build stage. */
  alpine: 'node:24-alpine',
  /** For tools whose wheels or binaries need glibc (Locust's gevent). */
  debian: 'node:24-bookworm-slim',
} as const;

// What generated projects run on and build with, stated once: the Dockerfile's base images,
// package.json's engines and @types/node, the node-version of their GitHub workflows, every npm
// package they depend on or run with npx, and the release of every tool they run (TOOLS).

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

/**
 * The npm packages of generated projects, each range once: package.json's dependencies (cloudevents,
 * and what a kind adds) and devDependencies, and the exact yaml release the no-code projects' CI runs
 * with npx (a pinned version: npx would otherwise fetch whatever is latest on each run).
 */
export const NPM = {
  cloudevents: '^10.0.0',
  execa: '^9.6.1',
  yaml: '^2.9.1',
  yamlCli: '2.9.1',
  dev: {
    '@eslint/js': '^10.0.1',
    '@types/node': NODE.types,
    eslint: '^10.16.0',
    prettier: '^3.10.2',
    typescript: '^5.9.3',
    'typescript-eslint': '^8.74.0',
    vitest: '^4.1.0',
  },
} as const;

/**
 * The tools generated projects run, each release once: the image a job-executor task runs, and the
 * same release where a service's Dockerfile copies the tool from that image or installs it (pip,
 * npm), and the paths that carry the release. They live here rather than in the rows of
 * src/kinds/test-tool-presets.ts (which say how a tool is run, derived from this): everything a
 * generated project pulls from outside is in this one file, so that an update is one edit and one
 * review, and test/unit/source.test.ts fails on a tool's version written anywhere else.
 */
export const TOOLS = {
  locust: { image: 'locustio/locust', version: '2.31.8' },
  /** The JMeter project publishes no image; this is the community's most used one, tagged by JMeter release. */
  jmeter: { image: 'justb4/jmeter', version: '5.5' },
  k6: { image: 'grafana/k6', version: '0.54.0' },
  /** The npm package artillery of the same release is what a service installs. */
  artillery: { image: 'artilleryio/artillery', version: '2.0.21' },
  /** The custom test tool's job: its checks are curl requests. */
  curl: { image: 'curlimages/curl', version: '8.10.1' },
  /** The generic kind's job: a POSIX shell for the owner's script. */
  alpine: { image: 'alpine', version: '3.20' },
} as const;

/** A tool's image reference, `<image>:<version>`. */
export const imageOf = (tool: { image: string; version: string }): string => `${tool.image}:${tool.version}`;

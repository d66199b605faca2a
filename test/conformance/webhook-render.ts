// Webhook templates rendered by Go's text/template exactly as Keptn's webhook-service renders them
// (missingkey=error, no extra functions, the event as decoded JSON plus the secrets under .env),
// by our own program test/webhook-render/main.go, built once per test process.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { need, removeOnExit, removeStaleFolders } from './tools.js';

const SOURCE = fileURLToPath(new URL('../webhook-render/main.go', import.meta.url));
const PREFIX = 'cki-webhook-render-';

export interface Rendered {
  /** What the service would send; empty when `error` is set (the service discards it too). */
  output: string;
  /** Go's parse or execution error, empty when the template rendered. */
  error: string;
}

let built: Promise<string> | undefined;

/**
 * Renders each template against `event` (a CloudEvent: .id, .type, .data.project, …) with `env`
 * as the webhook's secrets (.env.<name>). One Go process per call, all templates in it.
 */
export async function renderGoTemplates(
  templates: Record<string, string>,
  event: object,
  env: Record<string, string>,
): Promise<Record<string, Rendered>> {
  const bin = await webhookRenderer();
  const r = await execa(bin, [], { input: JSON.stringify({ templates, event, env }), reject: false });
  if (r.exitCode !== 0) throw new Error(`webhook-render failed (exit ${r.exitCode}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, Rendered>;
}

/** The built renderer's path; the first call builds it (about half a second), later calls reuse it. */
export function webhookRenderer(): Promise<string> {
  // Kept as a promise so that calls made while the build runs wait for it instead of building again.
  if (!built) {
    built = build();
    // A failed build is tried again by the next call rather than remembered.
    built.catch(() => (built = undefined));
  }
  return built;
}

async function build(): Promise<string> {
  await need('go', 'golang-go');
  removeStaleFolders(PREFIX);
  const dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  removeOnExit(dir);
  const bin = join(dir, 'webhook-render');
  const cache = join(dir, 'cache');
  try {
    await execa('go', ['build', '-o', bin, SOURCE], {
      env: {
        // GOPATH mode: no go.mod is looked for, so nothing (modules, a toolchain) is downloaded;
        // the program needs the standard library only.
        GO111MODULE: 'off',
        GOFLAGS: '',
        GOPROXY: 'off',
        GOTOOLCHAIN: 'local',
        // No C compiler needed, whatever the machine has.
        CGO_ENABLED: '0',
        // Nothing written outside our folder: build cache, GOPATH, and Go's config (its env file,
        // telemetry on newer releases) all live in it.
        GOCACHE: cache,
        GOPATH: join(dir, 'gopath'),
        XDG_CONFIG_HOME: join(dir, 'config'),
        GOENV: 'off',
      },
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not build ${SOURCE}: ${(error as Error).message}`, { cause: error });
  }
  // Only the binary is needed from here on.
  for (const entry of readdirSync(dir)) if (entry !== 'webhook-render') rmSync(join(dir, entry), { recursive: true, force: true });
  return bin;
}

// External tools the conformance checks use, with a clear message where one is missing.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const SOURCE = fileURLToPath(new URL('../helm-render', import.meta.url));
const GOPATH = '/usr/share/gocode';
let built: Promise<string> | undefined;

export async function need(tool: string, packages: string): Promise<void> {
  const found = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
  if (found.exitCode !== 0) throw new Error(`${tool} is missing: install it with apt-get install ${packages} (.ci/run does)`);
}

/** Builds test/helm-render (Go text/template + sprig, as Helm renders) once per test run. */
export function helmRender(): Promise<string> {
  built ??= (async () => {
    await need('go', 'golang-go');
    if (!existsSync(join(GOPATH, 'src/github.com/Masterminds/sprig'))) {
      throw new Error('the sprig library is missing: apt-get install golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev');
    }
    const out = join(tmpdir(), `helm-render-${process.pid}`);
    const cache = join(tmpdir(), 'cki-gocache');
    mkdirSync(cache, { recursive: true });
    await execa('go', ['build', '-o', out, '.'], {
      cwd: SOURCE,
      env: { GO111MODULE: 'off', GOPATH, GOCACHE: cache, GOFLAGS: '' },
    });
    return out;
  })();
  return built;
}

export async function shellcheck(file: string): Promise<string[]> {
  await need('shellcheck', 'shellcheck');
  const r = await execa('shellcheck', ['--format=gcc', file], { reject: false });
  return r.exitCode === 0 ? [] : r.stdout.split('\n').filter(Boolean);
}

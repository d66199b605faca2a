// The Go renderer behind the webhook checks behaves like Keptn's webhook-service: text/template with
// missingkey=error and no extra functions, over the event decoded as JSON plus the secrets in .env.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { renderGoTemplates, webhookRenderer } from './webhook-render.js';

const event = {
  specversion: '1.0',
  id: 'f2b878d3-03c0-4e8f-bc3f-454bc1b3d79d',
  type: 'sh.keptn.event.test.triggered',
  source: 'shipyard-controller',
  shkeptncontext: 'a3e5f16d-8888-4720-82c7-6995062905c1',
  data: { project: 'sockshop', stage: 'dev', service: 'carts', n: 3, big: 1e6, id: 1234567, half: 0.5 },
};

describe('webhook renderer (Go text/template as the webhook-service runs it)', () => {
  it('renders event fields and the secrets under .env', async () => {
    const out = await renderGoTemplates(
      { project: '{{.data.project}}', context: '{{.shkeptncontext}} {{.type}}', token: 'Bearer {{.env.token}}' },
      event,
      { token: 's3cr3t' },
    );
    expect(out).toEqual({
      project: { output: 'sockshop', error: '' },
      context: { output: `${event.shkeptncontext} ${event.type}`, error: '' },
      token: { output: 'Bearer s3cr3t', error: '' },
    });
  });

  it('fails on a missing key (missingkey=error) instead of printing <no value>', async () => {
    const out = await renderGoTemplates({ data: '{{.data.nope}}', env: '{{.env.nope}}', top: '{{.nope}}' }, event, {});
    for (const name of ['data', 'env', 'top']) {
      expect(out[name].output).toBe('');
      expect(out[name].error).toContain('map has no entry for key "nope"');
    }
  });

  it('knows Go built-ins only: toJson (sprig) does not parse', async () => {
    const out = await renderGoTemplates(
      {
        sprig: '{{ toJson .data }}',
        js: '{{ js .data.project }}',
        printf: '{{ printf "%q" .data.stage }}',
        urlquery: '{{ urlquery "a b&c" }}',
        len: '{{ len .data }}',
      },
      event,
      {},
    );
    expect(out.sprig.output).toBe('');
    expect(out.sprig.error).toMatch(/^template: sprig:1: function "toJson" not defined$/);
    expect(out.js).toEqual({ output: 'sockshop', error: '' });
    expect(out.printf).toEqual({ output: '"dev"', error: '' });
    expect(out.urlquery).toEqual({ output: 'a+b%26c', error: '' });
    expect(out.len).toEqual({ output: String(Object.keys(event.data).length), error: '' });
  });

  it('prints numbers as Go prints float64 (the event is decoded JSON)', async () => {
    const out = await renderGoTemplates({ n: '{{.data.n}}', big: '{{.data.big}}', id: '{{.data.id}}', half: '{{.data.half}}' }, event, {});
    expect(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.output]))).toEqual({
      n: '3',
      big: '1e+06',
      id: '1.234567e+06',
      half: '0.5',
    });
    expect(Object.values(out).every((r) => r.error === '')).toBe(true);
  });

  it('copies values raw: non-ASCII, quotes, backslashes, newlines and <&> are not escaped', async () => {
    const message = 'Zürich → 東京 "quoted" \'single\' back\\slash\nsecond line\ttab <b>&amp;</b> 🚀';
    const out = await renderGoTemplates(
      { payload: '{"text": "{{.data.message}}"}', js: '{"text": "{{js .data.message}}"}', jsQuote: '{{js "it\'s"}}' },
      { ...event, data: { ...event.data, message } },
      {},
    );
    expect(out.payload).toEqual({ output: `{"text": "${message}"}`, error: '' });
    // Hence a raw value can break a JSON payload.
    expect(() => JSON.parse(out.payload.output)).toThrow();
    // The built-in `js` escapes quotes, backslashes, control characters and <&> as JSON allows, but
    // writes an apostrophe as \' (JavaScript, not JSON): a value with one still breaks the payload.
    expect(out.js.error).toBe('');
    expect(() => JSON.parse(out.js.output)).toThrow();
    expect(JSON.parse(out.js.output.replaceAll("\\'", "'"))).toEqual({ text: message });
    expect(out.jsQuote).toEqual({ output: "it\\'s", error: '' });
    expect(() => JSON.parse(`"${out.jsQuote.output}"`)).toThrow();
  });

  it('builds once per process and leaves no folder behind, on exit and on SIGTERM', async () => {
    const bin = await webhookRenderer();
    expect(await webhookRenderer()).toBe(bin);
    // Only the binary is kept after the build: the Go cache is gone already.
    expect(existsSync(join(dirname(bin), 'cache'))).toBe(false);

    // A separate Node process uses the helper (bundled, as Node cannot load TypeScript here) and ends.
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const helper = fileURLToPath(new URL('./webhook-render.ts', import.meta.url));
    const program = async (tail: string) => {
      const result = await build({
        stdin: {
          contents: `import { renderGoTemplates, webhookRenderer } from ${JSON.stringify(helper)};\n${tail}`,
          resolveDir: dirname(helper),
          loader: 'ts',
        },
        bundle: true,
        // execa and the rest are imported by Node from the repository's node_modules (cwd below).
        packages: 'external',
        platform: 'node',
        format: 'esm',
        write: false,
        logLevel: 'silent',
        // The helper finds main.go (and tools.ts its Helm package) next to its own source.
        define: { 'import.meta.url': JSON.stringify(pathToFileURL(helper).href) },
      });
      return result.outputFiles[0].text;
    };

    const exits = await execa('node', ['--input-type=module'], {
      input: await program(
        `const out = await renderGoTemplates({ p: '{{.data.project}}' }, { data: { project: 'x' } }, {});\nconsole.log(await webhookRenderer(), out.p.output);`,
      ),
      cwd: root,
      reject: false,
    });
    expect(exits.exitCode, exits.stderr).toBe(0);
    const [exitedBin, rendered] = exits.stdout.trim().split(' ');
    expect(rendered).toBe('x');
    expect(exitedBin).not.toBe(bin);
    expect(existsSync(dirname(exitedBin))).toBe(false);

    const child = execa('node', ['--input-type=module'], {
      input: await program(`console.log(await webhookRenderer());\nsetInterval(() => {}, 1000);`),
      cwd: root,
      reject: false,
    });
    const killedBin = await new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      child.once('exit', () => reject(new Error('the child ended before building')));
    });
    expect(existsSync(killedBin)).toBe(true);
    child.kill('SIGTERM');
    const killed = await child;
    expect(killed.signal).toBe('SIGTERM');
    expect(existsSync(dirname(killedBin))).toBe(false);
  });
});

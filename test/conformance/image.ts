// What a generated project's image holds under /app, from its Dockerfile's instructions, with no
// Docker engine: the build context is the project less what .dockerignore leaves out; each stage's
// COPY takes from the context or from an earlier stage; in a stage working in /app, `npm ci` is the
// project's (linked) node_modules and `npm run build` runs for real. Anything outside /app (a test
// tool installed or copied into the runtime stage) is not modelled; a command in /app that is not
// modelled fails, so that a new instruction cannot slip past.
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { execa } from 'execa';
import { tempDir } from '../run.js';

/** .dockerignore as Docker reads it: per line a path pattern (`*`, `?`, `**`), `!` re-includes; the last match wins. */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const include = l.startsWith('!');
      const pattern = posix.normalize(l.replace(/^!/, '').replace(/^\/+/, '')).replace(/\/+$/, '');
      const source = pattern
        .split('')
        .map((ch, i, all) =>
          ch === '*'
            ? all[i + 1] === '*'
              ? ''
              : all[i - 1] === '*'
                ? '.*'
                : '[^/]*'
            : ch === '?'
              ? '[^/]'
              : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
        )
        .join('');
      return { include, regex: new RegExp(`^${source}$`) };
    });
  return (path) => {
    // A path is left out when it, or a folder above it, matches.
    const prefixes = path.split('/').map((_, i, segs) => segs.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((p) => rule.regex.test(p))) excluded = !rule.include;
    return excluded;
  };
}

/** Every file under `dir` (relative, sorted); a symlinked folder counts as one entry ending in /. */
function list(dir: string, under = ''): string[] {
  return readdirSync(join(dir, under), { withFileTypes: true })
    .flatMap((e) => {
      const rel = under ? `${under}/${e.name}` : e.name;
      if (e.isSymbolicLink()) return [`${rel}/`];
      return e.isDirectory() ? list(dir, rel) : [rel];
    })
    .sort();
}

/** The Dockerfile's instructions, continuation lines joined, comments and blank lines dropped. */
export function instructions(dockerfile: string): { keyword: string; args: string }[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [keyword, ...rest] = l.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/**
 * Builds the image's /app from `dir` (whose node_modules is installed or linked) into a folder of
 * its own; returns that folder and its files, node_modules as one entry.
 */
export async function imageApp(dir: string): Promise<{ root: string; files: string[] }> {
  const ignored = dockerignore(existsSync(join(dir, '.dockerignore')) ? readFileSync(join(dir, '.dockerignore'), 'utf8') : '');
  const context = list(dir).filter((p) => !ignored(p.replace(/\/$/, '')));
  const work = tempDir('image-');
  const stages = new Map<string, string>();
  let app = '';
  let workdir = '/';
  let stage = -1;

  for (const { keyword, args } of instructions(readFileSync(join(dir, 'Dockerfile'), 'utf8'))) {
    if (keyword === 'FROM') {
      stage++;
      app = join(work, `stage-${stage}`);
      mkdirSync(app);
      workdir = '/';
      const name = / AS (\S+)$/i.exec(args)?.[1];
      if (name) stages.set(name, app);
    } else if (keyword === 'WORKDIR') {
      workdir = posix.resolve(workdir, args);
    } else if (keyword === 'COPY') {
      const words = args.split(/\s+/);
      const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
      const [dest, ...sources] = words.filter((w) => !w.startsWith('--')).reverse();
      const target = posix.resolve(workdir, dest);
      if (target !== '/app' && !target.startsWith('/app/')) continue; // outside /app: not modelled
      const into = join(app, posix.relative('/app', target));
      if (from !== undefined) {
        const source = stages.get(from);
        if (!source) continue; // an external image's files (a test tool) go outside /app above
        for (const s of sources.reverse()) copy(join(source, posix.relative('/app', s)), into, dest.endsWith('/'));
        continue;
      }
      for (const s of sources.reverse()) {
        const pattern = dockerignore(s.replace(/^\.\//, ''));
        const matched = context.filter((p) => pattern(p.replace(/\/$/, '')));
        if (matched.length === 0) throw new Error(`COPY ${s}: not in the build context (.dockerignore?)`);
        if (!/[*?]/.test(s) && !context.includes(s.replace(/^\.\//, ''))) {
          // A folder: its files that are in the context, under the destination.
          mkdirSync(into, { recursive: true });
          for (const file of matched) copy(join(dir, file), join(into, posix.relative(s.replace(/^\.\//, ''), file)), false);
        } else {
          for (const file of matched) copy(join(dir, file), into, true);
        }
      }
    } else if (keyword === 'RUN') {
      if (workdir !== '/app' && !workdir.startsWith('/app/')) continue; // a tool installed outside /app
      for (const command of args.split('&&').map((c) => c.trim())) {
        if (/^npm ci( |$)/.test(command)) symlinkSync(realpathSync(join(dir, 'node_modules')), join(app, 'node_modules'));
        else if (command === 'npm run build') {
          const build = await execa('npm', ['run', 'build'], { cwd: app, reject: false, all: true });
          if (build.exitCode !== 0) throw new Error(`RUN npm run build failed in the image:\n${build.all}`);
        } else if (/^npm prune --omit=dev$/.test(command)) {
          // The linked node_modules is shared: what is pruned is npm's business, not the layout's.
        } else throw new Error(`RUN ${command} in ${workdir}: not modelled`);
      }
    }
  }
  return { root: app, files: list(app) };
}

/** `source` (a file, folder or symlink) to `dest`: into it when `intoFolder`, else as it. */
function copy(source: string, dest: string, intoFolder: boolean): void {
  const target = intoFolder ? join(dest, basename(source)) : dest;
  mkdirSync(intoFolder ? dest : join(dest, '..'), { recursive: true });
  if (lstatSync(source).isSymbolicLink()) symlinkSync(realpathSync(source), target);
  else cpSync(source, target, { recursive: true });
}

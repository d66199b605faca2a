// `npm run bench`: the speed and size figures of issue "Faster than create-vite", measured in one
// run on this machine with create-vite and `node -e 0` as the yardsticks. The CLI's figures are
// paired: each round runs the yardstick and the commands compared with it one after the other
// (in turn forwards and backwards), so that a busy moment of the machine falls on both; a ratio is
// the median of the rounds' ratios, a time or size the median of RUNS rounds after a warm-up.
// Prints a table of figures, ratios and targets; exits 0 either way (the targets are reported, not
// asserted: timings belong here, not in the test suite). `npm run bench -- --cli` measures the
// CLI's figures only (sections 1 and 2).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/create-keptn-integration.js');
const VITE = join(ROOT, 'node_modules/create-vite/index.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CLI_ONLY = process.argv.includes('--cli');
const KINDS = { 'test-tool': [], notification: [], 'sli-provider': [], generic: ['--task', 'my-task'] };
/** The goals of issue 15 §5. */
const GOAL = { wall: 1.0, rss: 1.1, help: 1.2 };
const work = mkdtempSync(join(tmpdir(), 'cki-bench-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadAtStart = loadavg()[0];

/** Wall time (ms) and peak RSS (MiB) of one process, via GNU time's %M. */
function once(args, cwd = work) {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stderr}`);
  return { ms, mib: Number(r.stderr.trim().split('\n').pop()) / 1024 };
}

/**
 * Runs `commands` (name → argv) in RUNS rounds after a warm-up round, each command once per round,
 * `fresh()` before each run. Returns, per name, the median wall time and RSS, and `ratio(name,
 * base, key)`: the median over the rounds of name's figure divided by base's in the same round.
 */
function paired(commands, fresh = () => {}) {
  const names = Object.keys(commands);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = -1; round < RUNS; round++) {
    for (const name of round % 2 ? names : [...names].reverse()) {
      fresh();
      const r = once(commands[name]);
      if (round >= 0) runs[name].push(r);
    }
  }
  const figures = Object.fromEntries(names.map((n) => [n, { ms: median(runs[n].map((r) => r.ms)), mib: median(runs[n].map((r) => r.mib)) }]));
  return { ...figures, ratio: (name, base, key) => median(runs[name].map((r, i) => r[key] / runs[base][i][key])) };
}

const rows = [];
const row = (what, value, ratio, target, ok) => rows.push({ what, value, ratio, target, ok });
const ms = (x) => `${x.toFixed(0)} ms`;
const mib = (x) => `${x.toFixed(1)} MiB`;
const times = (x) => `${x.toFixed(2)}×`;

// 1. Generation of each kind vs create-vite's react-ts template, in the same rounds.
const generate = { vite: ['node', VITE, 'out', '--template', 'react-ts', '--no-interactive'] };
for (const [kind, extra] of Object.entries(KINDS)) generate[kind] = ['node', BIN, 'out', '--kind', kind, ...extra, '--yes', '--no-install', '--no-git'];
const out = join(work, 'out');
const gen = paired(generate, () => rmSync(out, { recursive: true, force: true }));
row('create-vite react-ts (yardstick)', `${ms(gen.vite.ms)}, ${mib(gen.vite.mib)}`, '', '', true);
for (const [kind, extra] of Object.entries(KINDS)) {
  rmSync(out, { recursive: true, force: true });
  execFileSync('node', [BIN, out, '--kind', kind, ...extra, '--yes', '--no-install', '--no-git'], { env: { ...process.env, CI: 'true' }, stdio: 'ignore' });
  const files = readdirSync(out, { recursive: true }).filter((f) => statSync(join(out, f)).isFile()).length;
  const wall = gen.ratio(kind, 'vite', 'ms');
  const rss = gen.ratio(kind, 'vite', 'mib');
  row(`generate ${kind} (${files} files): wall`, ms(gen[kind].ms), `${times(wall)} create-vite`, `≤ ${times(GOAL.wall)}`, wall <= GOAL.wall);
  row(`generate ${kind}: peak RSS`, mib(gen[kind].mib), `${times(rss)} create-vite`, `≤ ${times(GOAL.rss)}`, rss <= GOAL.rss);
}

// 2. --help vs the floor of any Node CLI.
const start = paired({ floor: ['node', '-e', '0'], help: ['node', BIN, '--help'] });
const help = start.ratio('help', 'floor', 'ms');
row('node -e 0 (yardstick)', ms(start.floor.ms), '', '', true);
row('--help', ms(start.help.ms), `${times(help)} node -e 0`, `≤ ${times(GOAL.help)}`, help <= GOAL.help);

if (!CLI_ONLY) await serviceFigures();
rmSync(work, { recursive: true, force: true });

// The report.
const widths = ['what', 'value', 'ratio', 'target'].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(`\nPaired medians of ${RUNS} rounds after a warm-up; Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model.trim()}), load average ${loadAtStart.toFixed(2)} at the start, ${new Date().toISOString().slice(0, 10)}\n`);
console.log(line(['what', 'value', 'ratio', 'target']) + '  met');
for (const r of rows) console.log(line([r.what, r.value, r.ratio, r.target]) + (r.target ? `  ${r.ok ? 'yes' : 'NO'}` : ''));
console.log(`\ntargets met: ${rows.filter((r) => r.target && r.ok).length} of ${rows.filter((r) => r.target).length}`);

/** Sections 3 to 5: regenerate, the package, and the generated service. */
async function serviceFigures() {
  /** Median wall time and RSS over RUNS runs after a warm-up. */
  const measure = (args) => paired({ it: args }).it;

  // 3. regenerate --check over 50 projects.
  const many = join(work, 'many');
  const kinds = Object.entries(KINDS);
  for (let i = 0; i < 50; i++) {
    const [kind, extra] = kinds[i % kinds.length];
    execFileSync('node', [BIN, join(many, `p${i}`), '--kind', kind, ...extra, '--yes', '--no-install', '--no-git'], { env: { ...process.env, CI: 'true' }, stdio: 'ignore' });
  }
  const check = measure(['node', BIN, 'regenerate', '--check', ...readdirSync(many).map((d) => join(many, d))]);
  row('regenerate --check, 50 projects', ms(check.ms), '', '< 3000 ms', check.ms < 3000);

  // 4. The packed package: tarball size, and what installing it pulls in.
  const packDir = join(work, 'pack');
  execFileSync('mkdir', ['-p', packDir]);
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', packDir, ROOT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const tarball = join(packDir, pack.filename);
  const kb = statSync(tarball).size / 1000;
  row('npm pack: tarball', `${kb.toFixed(0)} kB (${pack.entryCount} files)`, '', '< 300 kB', kb < 300);
  const consumer = join(work, 'consumer');
  execFileSync('mkdir', ['-p', consumer]);
  execFileSync('npm', ['init', '-y'], { cwd: consumer, stdio: 'ignore' });
  execFileSync('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: consumer, stdio: 'ignore' });
  const installed = readdirSync(join(consumer, 'node_modules')).filter((d) => !d.startsWith('.'));
  row('npm install of the tarball: packages', `${installed.length} (${installed.join(', ')})`, '', 'only itself', installed.length === 1);

  // 5. The generated service: start to /ready, idle RSS, and triggered → .started round trips.
  const svcDir = join(work, 'svc');
  execFileSync('node', [BIN, svcDir, '--kind', 'generic', '--task', 'bench', '--yes', '--no-git'], { env: { ...process.env, CI: 'true' }, stdio: 'ignore' });
  execFileSync('npm', ['run', 'build'], { cwd: svcDir, stdio: 'ignore' });

  const receiver = await startReceiver();
  const ready = [];
  let idleMib = 0;
  for (let i = 0; i <= RUNS; i++) {
    const svc = await startService(svcDir, receiver.url);
    if (i > 0) ready.push(svc.readyMs); // the first start warms caches
    if (i === RUNS) {
      await sleep(1000);
      idleMib = rssMib(svc.child.pid);
      // A first burst warms up connections (100 simultaneous connects can cost a SYN retry).
      await roundTrips(svc.port, receiver, 200, 100);
      const load = await roundTrips(svc.port, receiver, 2000, 100);
      row('service: triggered → .started, 100 concurrent', `${load.perSecond.toFixed(0)} events/s, p99 ${ms(load.p99)}`, '', 'p99 < 20 ms', load.p99 < 20);
    }
    svc.child.kill('SIGTERM');
    await new Promise((r) => svc.child.once('exit', r));
  }
  row('service: process start → /ready', ms(median(ready)), '', '< 300 ms', median(ready) < 300);
  row('service: idle RSS', mib(idleMib), '', '< 60 MB', idleMib * 1.048576 < 60);
  receiver.server.close();
}

// Helpers for the service figures.
function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function rssMib(pid) {
  const status = execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' });
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

async function startReceiver() {
  const waiting = new Map();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200).end();
      const event = JSON.parse(Buffer.concat(chunks).toString());
      if (event.type.endsWith('.started')) waiting.get(event.triggeredid)?.();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, waiting, url: `http://127.0.0.1:${server.address().port}/event` };
}

async function startService(dir, brokerUrl) {
  const started = process.hrtime.bigint();
  const child = spawn('node', ['dist/main.js'], {
    cwd: dir,
    env: { ...process.env, PORT: '0', EVENT_BROKER_URL: brokerUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve) => {
    let text = '';
    child.stdout.on('data', (c) => {
      text += c;
      const m = /"msg":"listening","port":(\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
  });
  // /ready answering is what Kubernetes waits for.
  while (!(await get(port, '/ready'))) await sleep(2);
  child.stdout.resume();
  return { child, port, readyMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

function get(port, path) {
  return new Promise((resolve) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    })
      .on('error', () => resolve(false))
      .end();
  });
}

/** `total` triggered events, `concurrency` in flight; latency = POST sent → its .started received. */
async function roundTrips(port, receiver, total, concurrency) {
  const latencies = [];
  let next = 0;
  const begin = process.hrtime.bigint();
  async function worker() {
    while (next < total) {
      next++;
      const id = randomUUID();
      const t0 = process.hrtime.bigint();
      const arrived = new Promise((r) => receiver.waiting.set(id, r));
      await post(port, id);
      await arrived;
      receiver.waiting.delete(id);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
  latencies.sort((a, b) => a - b);
  return { perSecond: total / seconds, p99: latencies[Math.floor(latencies.length * 0.99)] };
}

function post(port, id) {
  const body = JSON.stringify({ project: 'sockshop', stage: 'dev', service: 'carts' });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/json',
          'ce-specversion': '1.0',
          'ce-id': id,
          'ce-source': 'bench',
          'ce-type': 'sh.keptn.event.bench.triggered',
          'ce-shkeptncontext': id,
        },
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

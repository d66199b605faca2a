// `npm run bench`: the speed and size figures of issue "Faster than create-vite", measured in one
// run on this machine with create-vite and `node -e 0` as the yardsticks. The CLI's figures are
// paired: each round runs the yardstick and the commands compared with it one after the other
// (in turn forwards and backwards), so that a busy moment of the machine falls on both; a ratio is
// the median of the rounds' ratios, a time or size the median of RUNS rounds after a warm-up.
// Prints a table of figures, ratios and targets; exits 0 either way (the targets are reported, not
// asserted: timings belong here, not in the test suite). `npm run bench -- --cli` measures the
// CLI's figures only (sections 1 and 2), `npm run bench -- --service` the generated service's only
// (section 5), `npm run bench -- --outage` only its distributor outage.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeLine } from './node-line.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/create-keptn-integration.js');
const VITE = join(ROOT, 'node_modules/create-vite/index.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CLI_ONLY = process.argv.includes('--cli');
const OUTAGE_ONLY = process.argv.includes('--outage');
const SERVICE_ONLY = process.argv.includes('--service') || OUTAGE_ONLY;
const KINDS = { 'test-tool': [], notification: [], 'sli-provider': [], generic: ['--task', 'my-task'] };
/** The goals of issue 15 §5. */
const GOAL = { wall: 1.0, rss: 1.1, help: 1.2, p99Ms: 20, saturation: 2000 };
/** Offered rates (events/s) at which the service's latency is measured, open loop. */
const RATES = [50, 500, 1000];
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 5);
/** The distributor outage of issue 20 §4: this many tasks in flight when it goes away for this long. */
const OUTAGE = { tasks: 100, seconds: Number(process.env.BENCH_OUTAGE_SECONDS ?? 30) };
const work = mkdtempSync(join(tmpdir(), 'cki-bench-'));
// Node 22.1+ keeps the CLI's compiled code here (module.enableCompileCache), filled in the warm-up.
process.env.NODE_COMPILE_CACHE ??= join(work, 'node-compile-cache');
/** The floor's bundle and files, made once (floorCommand). */
let floorFiles;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadAtStart = loadavg()[0];

/** Wall time (ms) and peak RSS (MiB) of one process, via GNU time's %M. */
function once(args, cwd = work) {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
  });
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
  const figures = Object.fromEntries(
    names.map((n) => [n, { ms: median(runs[n].map((r) => r.ms)), mib: median(runs[n].map((r) => r.mib)) }]),
  );
  return { ...figures, ratio: (name, base, key) => median(runs[name].map((r, i) => r[key] / runs[base][i][key])) };
}

const rows = [];
const row = (what, value, ratio, target, ok) => rows.push({ what, value, ratio, target, ok });
const ms = (x) => `${x.toFixed(0)} ms`;
const mib = (x) => `${x.toFixed(1)} MiB`;
const times = (x) => `${x.toFixed(2)}×`;

if (!SERVICE_ONLY) await cliFigures();
if (!CLI_ONLY && !SERVICE_ONLY) packageFigures();
if (!CLI_ONLY) await serviceFigures();
rmSync(work, { recursive: true, force: true });

// The report.
const widths = ['what', 'value', 'ratio', 'target'].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(
  `\nPaired medians of ${RUNS} rounds after a warm-up; Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model.trim()}), load average ${loadAtStart.toFixed(2)} at the start, ${new Date().toISOString().slice(0, 10)}\n`,
);
console.log(line(['what', 'value', 'ratio', 'target']) + '  met');
for (const r of rows) console.log(line([r.what, r.value, r.ratio, r.target]) + (r.target ? `  ${r.ok ? 'yes' : 'NO'}` : ''));
console.log(`\ntargets met: ${rows.filter((r) => r.target && r.ok).length} of ${rows.filter((r) => r.target).length}`);

/** Sections 1 and 2: generation and --help, against their yardsticks. */
async function cliFigures() {
  // On this machine's Node (the oldest line the generator supports) and on the generated
  // projects' line, from the npm registry (test/node-line.mjs), where Node's compile cache works.
  const { NODE } = await importTs(join(ROOT, 'src/generated-versions.ts'));
  const lines = [process.execPath, join(nodeLine(NODE.major), 'node')];
  for (const node of lines) {
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    row(`— Node ${version} —`, '', '', '', true);
    await cliFiguresOn(node);
  }
}

/** A TypeScript module of src/, bundled by esbuild and imported from memory. */
async function importTs(file) {
  const { build } = await import('esbuild');
  const { outputFiles } = await build({ entryPoints: [file], bundle: true, format: 'esm', platform: 'node', write: false });
  return import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`);
}

async function cliFiguresOn(node) {
  // 1. Generation of each kind vs create-vite's react-ts template, in the same rounds, and the
  // floor (test/bench-floor.mjs): commander, the sli-provider's files and a record, nothing else.
  const generate = { vite: [node, VITE, 'out', '--template', 'react-ts', '--no-interactive'], floor: await floorCommand(node) };
  for (const [kind, extra] of Object.entries(KINDS))
    generate[kind] = [node, BIN, 'out', '--kind', kind, ...extra, '--yes', '--no-install', '--no-git'];
  const out = join(work, 'out');
  const gen = paired(generate, () => rmSync(out, { recursive: true, force: true }));
  row('create-vite react-ts (yardstick)', `${ms(gen.vite.ms)}, ${mib(gen.vite.mib)}`, '', '', true);
  const floor = gen.ratio('floor', 'vite', 'ms');
  row('floor: commander + the same files + record', `${ms(gen.floor.ms)}, ${mib(gen.floor.mib)}`, `${times(floor)} create-vite`, '', true);
  for (const [kind, extra] of Object.entries(KINDS)) {
    rmSync(out, { recursive: true, force: true });
    execFileSync(node, [BIN, out, '--kind', kind, ...extra, '--yes', '--no-install', '--no-git'], {
      env: { ...process.env, CI: 'true' },
      stdio: 'ignore',
    });
    const files = readdirSync(out, { recursive: true }).filter((f) => statSync(join(out, f)).isFile()).length;
    const wall = gen.ratio(kind, 'vite', 'ms');
    const rss = gen.ratio(kind, 'vite', 'mib');
    row(
      `generate ${kind} (${files} files): wall`,
      ms(gen[kind].ms),
      `${times(wall)} create-vite`,
      `≤ ${times(GOAL.wall)}`,
      wall <= GOAL.wall,
    );
    row(`generate ${kind}: peak RSS`, mib(gen[kind].mib), `${times(rss)} create-vite`, `≤ ${times(GOAL.rss)}`, rss <= GOAL.rss);
  }

  // 2. --help vs the floor of any Node CLI.
  const start = paired({ floor: [node, '-e', '0'], help: [node, BIN, '--help'] });
  const help = start.ratio('help', 'floor', 'ms');
  row('node -e 0 (yardstick)', ms(start.floor.ms), '', '', true);
  row('--help', ms(start.help.ms), `${times(help)} node -e 0`, `≤ ${times(GOAL.help)}`, help <= GOAL.help);
}

/**
 * The floor as a command on `node`: test/bench-floor.mjs bundled as the CLI is
 * (src/build/node-bundle.mjs), writing a generated sli-provider's files (without its record) from
 * one JSON file. Bundle and files are made once, for every Node line.
 */
async function floorCommand(node) {
  floorFiles ??= makeFloor();
  return [node, ...(await floorFiles)];
}

async function makeFloor() {
  const { build } = await import('esbuild');
  const { NODE_BUNDLE } = await import('../src/build/node-bundle.mjs');
  const bundle = join(work, 'floor.mjs');
  await build({ ...NODE_BUNDLE, entryPoints: [join(ROOT, 'test/bench-floor.mjs')], outfile: bundle });
  const project = join(work, 'floor-project');
  execFileSync('node', [BIN, project, '--kind', 'sli-provider', '--yes', '--no-install', '--no-git'], {
    env: { ...process.env, CI: 'true' },
    stdio: 'ignore',
  });
  rmSync(join(project, '.keptn-integration.json'));
  const files = readdirSync(project, { recursive: true }).filter((f) => statSync(join(project, f)).isFile());
  const from = join(work, 'floor-files.json');
  writeFileSync(from, JSON.stringify(Object.fromEntries(files.map((f) => [f, readFileSync(join(project, f), 'utf8')]))));
  return [bundle, 'out', '--from', from];
}

/** Sections 3 and 4: regenerate over many projects, and the package. */
function packageFigures() {
  /** Median wall time and RSS over RUNS runs after a warm-up. */
  const measure = (args) => paired({ it: args }).it;

  // 3. regenerate --check over 50 projects.
  const many = join(work, 'many');
  const kinds = Object.entries(KINDS);
  for (let i = 0; i < 50; i++) {
    const [kind, extra] = kinds[i % kinds.length];
    execFileSync('node', [BIN, join(many, `p${i}`), '--kind', kind, ...extra, '--yes', '--no-install', '--no-git'], {
      env: { ...process.env, CI: 'true' },
      stdio: 'ignore',
    });
  }
  const check = measure(['node', BIN, 'regenerate', '--check', ...readdirSync(many).map((d) => join(many, d))]);
  row('regenerate --check, 50 projects', ms(check.ms), '', '< 3000 ms', check.ms < 3000);

  // 4. The packed package: tarball size, and what installing it pulls in.
  const packDir = join(work, 'pack');
  execFileSync('mkdir', ['-p', packDir]);
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', packDir, ROOT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  );
  const tarball = join(packDir, pack.filename);
  const kb = statSync(tarball).size / 1000;
  row('npm pack: tarball', `${kb.toFixed(0)} kB (${pack.entryCount} files)`, '', '< 300 kB', kb < 300);
  const consumer = join(work, 'consumer');
  execFileSync('mkdir', ['-p', consumer]);
  execFileSync('npm', ['init', '-y'], { cwd: consumer, stdio: 'ignore' });
  execFileSync('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: consumer, stdio: 'ignore' });
  const installed = readdirSync(join(consumer, 'node_modules')).filter((d) => !d.startsWith('.'));
  row('npm install of the tarball: packages', `${installed.length} (${installed.join(', ')})`, '', 'only itself', installed.length === 1);
}

/**
 * Section 5: the generated service, a `generic` project with its default handler, run as its own
 * process (`node dist/main.js`, its log lines going to a file): start to /ready, idle RSS, and under
 * load, triggered → .started round trips, triggered → .finished latency at fixed offered rates, and
 * the saturation throughput.
 *
 * The load generator and the receiver (standing in for the distributor) run in this process and
 * share the 2 cores with the service, so both are kept cheap: one keep-alive agent, the body and
 * all headers but ce-id built once, ids from a counter, and a receiver that finds the reply's type
 * and triggeredid in its text without parsing it. Their own cost was checked, and is reported on
 * every run, against a stand-in service that does the least the real one must (answer 202, POST a
 * .started and a .finished): the "bench floor" rows are the most this bench can measure here.
 * Last, a distributor outage (see outageFigures).
 */
async function serviceFigures() {
  const svcDir = join(work, 'svc');
  execFileSync('node', [BIN, svcDir, '--kind', 'generic', '--task', 'bench', '--yes', '--no-git'], {
    env: { ...process.env, CI: 'true' },
    stdio: 'ignore',
  });
  execFileSync('npm', ['run', 'build'], { cwd: svcDir, stdio: 'ignore' });
  if (OUTAGE_ONLY) return outageFigures(svcDir);

  const receiver = await startReceiver();
  const load = loadGenerator(receiver);
  const ready = [];
  let idleMib = 0;
  for (let i = 0; i <= RUNS; i++) {
    const svc = await startService(['dist/main.js'], svcDir, receiver.url);
    if (i > 0) ready.push(svc.readyMs); // the first start warms caches
    if (i === RUNS) {
      await sleep(1000);
      idleMib = rssMib(svc.child.pid);
      // A first burst warms up connections (100 simultaneous connects can cost a SYN retry) and
      // lets V8 optimize the hot paths, as a service that has run for a while has.
      await load.burst(svc.port, 'started', 2000, 100);
      const started = await load.burst(svc.port, 'started', 2000, 100);
      row(
        'service: triggered → .started, 100 concurrent',
        `${started.perSecond.toFixed(0)} events/s, p99 ${ms(started.p99)}`,
        '',
        'p99 < 20 ms',
        started.p99 < 20,
      );
      loadRows('service', await serviceLoad(load, svc.port));
    }
    await svc.stop();
  }
  row('service: process start → /ready', ms(median(ready)), '', '< 300 ms', median(ready) < 300);
  row('service: idle RSS', mib(idleMib), '', '< 60 MB', idleMib * 1.048576 < 60);

  const standIn = await startService(['-e', standInSource()], work, receiver.url);
  await load.burst(standIn.port, 'finished', 2000, 100);
  loadRows('bench floor (stand-in service)', await serviceLoad(load, standIn.port), false);
  await standIn.stop();
  receiver.server.close();
  load.agent.destroy();
  await outageFigures(svcDir);
}

/**
 * Issue 20 §4: OUTAGE.tasks events are sent at once; the distributor stand-in takes each .started
 * and holds its answer for a second, and once every .started is in it goes away as a restarting
 * distributor does (it stops listening, answers the requests it holds, closes its idle
 * connections), for OUTAGE.seconds; then it listens again on the same port. The tasks' .finished
 * meet the outage. Counted: the .started and .finished that arrive per event (a second one of
 * either would be a duplicate), the replies the service gave up on (its log), and its peak RSS
 * (VmHWM) over the whole run.
 */
async function outageFigures(svcDir) {
  const got = { started: new Map(), finished: new Map() };
  let backAt = 0;
  let lastFinishedAt = 0;
  let holdMs = 1000;
  let closing = false;
  const server = createServer({ keepAlive: true }, (req, res) => {
    let text = '';
    req.setEncoding('latin1');
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const type = /"type":"[^"]*\.(started|finished)"/.exec(text)?.[1];
      const id = /"triggeredid":"([^"]*)"/.exec(text)?.[1];
      if (type) got[type].set(id, (got[type].get(id) ?? 0) + 1);
      if (type === 'finished' && backAt) lastFinishedAt = performance.now();
      // Going away, it keeps no connection alive (the distributor's SetKeepAlivesEnabled(false)).
      const answer = () => res.writeHead(200, { 'content-length': '0', ...(closing ? { connection: 'close' } : {}) }).end();
      setTimeout(answer, type === 'started' ? holdMs : 0);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  const svc = await startService(['dist/main.js'], svcDir, `http://127.0.0.1:${port}/event`);
  const agent = new Agent({ keepAlive: true, maxSockets: 100 });
  const body = JSON.stringify({ project: 'sockshop', stage: 'dev', service: 'carts' });
  const ids = Array.from({ length: OUTAGE.tasks }, () => randomUUID());
  const sentAt = performance.now();
  const accepted = Promise.all(
    ids.map(
      (id) =>
        new Promise((resolve) => {
          const headers = {
            'content-type': 'application/json',
            'ce-specversion': '1.0',
            'ce-source': 'bench',
            'ce-type': 'sh.keptn.event.bench.triggered',
            'ce-shkeptncontext': `ctx-${id}`,
            'ce-id': id,
          };
          request({ host: '127.0.0.1', port: svc.port, method: 'POST', path: '/', agent, headers }, (res) => {
            res.resume();
            resolve(res.statusCode);
          })
            .on('error', () => resolve(0))
            .end(body);
        }),
    ),
  );
  while (got.started.size < OUTAGE.tasks && performance.now() - sentAt < 10_000) await sleep(5);
  closing = true;
  const closed = new Promise((r) => server.close(r));
  server.closeIdleConnections();
  const downAt = performance.now();
  const statuses = await accepted;
  await sleep(holdMs + 200);
  server.closeIdleConnections(); // those it answered since
  await closed;
  holdMs = 0;
  closing = false;
  const inFlight = ids.filter((id) => !got.finished.has(id)).length;
  await sleep(OUTAGE.seconds * 1000 - (performance.now() - downAt));
  const rssDuring = rssMib(svc.child.pid);
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  backAt = performance.now();
  const deadline = backAt + Number(process.env.BENCH_WAIT_SECONDS ?? 60) * 1000;
  while (ids.some((id) => !got.finished.has(id)) && performance.now() < deadline) await sleep(50);
  await sleep(1000); // would anything more arrive?
  const peakMib = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${svc.child.pid}/status`, 'utf8'))[1]) / 1024;
  const output = readFileSync(svc.logFile, 'utf8');
  await svc.stop();
  server.close();
  agent.destroy();
  const finished = ids.filter((id) => got.finished.has(id)).length;
  const duplicates = [...got.started.values(), ...got.finished.values()].reduce((n, c) => n + c - 1, 0);
  const givenUp = (output.match(/"msg":"reply given up"/g) ?? []).length;
  if (process.env.BENCH_DEBUG) {
    const missing = ids.filter((id) => !got.finished.has(id));
    console.log({ missing, started: missing.map((id) => got.started.get(id)), waitedMs: performance.now() - backAt });
    console.log(
      output
        .split('\n')
        .filter((l) => missing.some((id) => l.includes(id)))
        .join('\n'),
    );
  }
  row(
    `service: ${OUTAGE.tasks} tasks, distributor down ${OUTAGE.seconds} s`,
    `${finished} of ${OUTAGE.tasks} .finished delivered (${inFlight} in flight when it went down), ${duplicates} duplicates, ${givenUp} given up, ` +
      `all ${(((lastFinishedAt || backAt) - backAt) / 1000).toFixed(1)} s after it returned; ${statuses.filter((s) => s === 202).length} of ${OUTAGE.tasks} accepted`,
    '',
    `${OUTAGE.tasks} of ${OUTAGE.tasks}`,
    finished === OUTAGE.tasks && duplicates === 0,
  );
  row(`service: peak RSS through the outage`, `${mib(peakMib)} (${mib(rssDuring)} at its end)`, '', '', true);
}

/** Triggered → .finished at each offered rate, then the saturation throughput. */
async function serviceLoad(load, port) {
  const rates = [];
  for (const rate of RATES) rates.push({ rate, ...(await load.openLoop(port, rate, RATE_SECONDS)) });
  // Closed loop: 100 senders, each sending its next event when the last one's .finished is in.
  const saturation = await load.burst(port, 'finished', 10_000, 100);
  return { rates, saturation };
}

/** Rows of load figures; `targets` false for the bench's own floor, which is no product figure. */
function loadRows(what, { rates, saturation }, targets = true) {
  for (const { rate, p50, p99, lost } of rates) {
    const met = p99 <= GOAL.p99Ms && lost === 0;
    row(
      `${what}: triggered → .finished at ${rate}/s`,
      `p50 ${ms(p50)}, p99 ${ms(p99)}${lost ? `, ${lost} lost` : ''}`,
      '',
      targets ? `p99 ≤ ${GOAL.p99Ms} ms` : '',
      met,
    );
  }
  row(
    `${what}: saturation, 100 in flight`,
    `${saturation.perSecond.toFixed(0)} events/s (.finished), p99 ${ms(saturation.p99)}`,
    '',
    targets ? `≥ ${GOAL.saturation} events/s` : '',
    saturation.perSecond >= GOAL.saturation,
  );
}

// Helpers for the service figures.
function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function rssMib(pid) {
  const status = execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' });
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

/** NaN when nothing arrived. */
function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/**
 * The distributor's /event endpoint: answers 200 at once (keep-alive, no Nagle delay), and calls
 * `waiting[phase].get(triggeredid)` for each .started and .finished.
 */
async function startReceiver() {
  const waiting = { started: new Map(), finished: new Map() };
  const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    let text = '';
    req.setEncoding('latin1');
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      res.writeHead(200, { 'content-length': '0' }).end();
      const type = /"type":"[^"]*\.(started|finished)"/.exec(text)?.[1];
      const id = /"triggeredid":"([^"]*)"/.exec(text)?.[1];
      const done = type && waiting[type].get(id);
      if (done) {
        waiting[type].delete(id);
        done();
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, waiting, url: `http://127.0.0.1:${server.address().port}/event` };
}

/**
 * Starts `node args` in `dir`, its stdout going to a file; resolves once it logged its port and
 * /ready answers. stop() sends SIGTERM and waits for the exit.
 */
async function startService(args, dir, brokerUrl) {
  const started = process.hrtime.bigint();
  const logFile = join(work, `service-${started}.log`);
  const out = openSync(logFile, 'w');
  const child = spawn('node', args, {
    cwd: dir,
    env: { ...process.env, PORT: '0', EVENT_BROKER_URL: brokerUrl },
    stdio: ['ignore', out, 'inherit'],
  });
  closeSync(out);
  // A failing bench must not leave a service running.
  const orphan = () => child.kill();
  process.once('exit', orphan);
  let port;
  while (!(port = /"msg":"listening","port":(\d+)/.exec(readFileSync(logFile, 'utf8'))?.[1])) await sleep(2);
  // /ready answering is what Kubernetes waits for.
  while (!(await get(port, '/ready'))) await sleep(2);
  return {
    child,
    logFile,
    port: Number(port),
    readyMs: Number(process.hrtime.bigint() - started) / 1e6,
    async stop() {
      process.off('exit', orphan);
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(logFile, { force: true });
    },
  };
}

function get(port, path) {
  return new Promise((resolve) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    })
      .on('error', () => resolve(false))
      .end();
  });
}

/**
 * The bench's floor: what any service must do per event (read the event, answer 202, POST a
 * .started and a .finished) and nothing else, with the same keep-alive sending as the real one.
 */
function standInSource() {
  return `
  const http = require('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const broker = new URL(process.env.EVENT_BROKER_URL);
  const send = (type, id) => {
    const body = JSON.stringify({ specversion: '1.0', id: 'r' + id, source: 'stand-in', type, triggeredid: id, data: {} });
    const req = http.request({ host: broker.hostname, port: broker.port, path: broker.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/cloudevents+json', 'content-length': Buffer.byteLength(body) } }, (res) => res.resume());
    req.on('error', () => {});
    return new Promise((resolve) => req.on('close', resolve).end(body));
  };
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', async () => {
      if (req.method === 'GET') return void res.writeHead(200).end();
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
      const id = req.headers['ce-id'];
      JSON.parse(text);
      await send('sh.keptn.event.bench.started', id);
      await send('sh.keptn.event.bench.finished', id);
    });
  });
  server.listen(0, () => console.log(JSON.stringify({ msg: 'listening', port: server.address().port })));
  process.on('SIGTERM', () => process.exit(0));
  `;
}

/**
 * Sends triggered events as the distributor does (binary mode) over one keep-alive agent, and
 * times each until its .started or .finished reaches `receiver`.
 */
function loadGenerator(receiver) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const body = Buffer.from(JSON.stringify({ project: 'sockshop', stage: 'dev', service: 'carts' }));
  const fixed = {
    'content-type': 'application/json',
    'content-length': String(body.length),
    'ce-specversion': '1.0',
    'ce-source': 'bench',
    'ce-type': 'sh.keptn.event.bench.triggered',
    'ce-shkeptncontext': randomUUID(),
  };
  const run = randomUUID().slice(0, 8);
  let n = 0;

  /** POSTs one event; calls `done()` when its reply of `phase` arrives (or the POST failed). */
  function fire(port, phase, done) {
    const id = `${run}-${n++}`;
    receiver.waiting[phase].set(id, done);
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: { ...fixed, 'ce-id': id } }, (res) => {
      res.resume();
      if (res.statusCode !== 202) fail();
    });
    const fail = () => {
      if (receiver.waiting[phase].delete(id)) done(true);
    };
    req.on('error', fail);
    req.end(body);
  }

  return {
    agent,
    /**
     * Open loop: `rate` events/s for `seconds`, each sent at its time whether or not earlier ones
     * were answered. Latency runs from the time an event was due, so a late send counts against
     * the service too. `lost`: no reply within 10 s after the last send.
     */
    openLoop(port, rate, seconds) {
      const total = Math.round(rate * seconds);
      const latencies = [];
      return new Promise((resolve) => {
        const begin = performance.now();
        const due = (i) => begin + (i * 1000) / rate;
        let sent = 0;
        let settled = 0;
        let timer;
        const finish = () => {
          clearTimeout(timer);
          latencies.sort((a, b) => a - b);
          resolve({ p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), lost: total - latencies.length });
        };
        const tick = () => {
          const now = performance.now();
          while (sent < total && due(sent) <= now) {
            const at = due(sent++);
            fire(port, 'finished', (failed) => {
              if (!failed) latencies.push(performance.now() - at);
              if (++settled === total) finish();
            });
          }
          if (sent < total) setTimeout(tick, Math.max(0, due(sent) - performance.now()));
          else timer = setTimeout(finish, 10_000);
        };
        tick();
      });
    },
    /**
     * Closed loop: `concurrency` senders, each sending its next event once the last one's reply is
     * in, or after 10 s without it (counted as failed).
     */
    async burst(port, phase, total, concurrency) {
      const latencies = [];
      let next = 0;
      const begin = performance.now();
      const sender = async () => {
        while (next < total) {
          next++;
          const t0 = performance.now();
          const failed = await Promise.race([
            new Promise((r) => fire(port, phase, r)),
            new Promise((r) => setTimeout(r, 10_000, true).unref()),
          ]);
          if (!failed) latencies.push(performance.now() - t0);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, sender));
      const seconds = (performance.now() - begin) / 1000;
      latencies.sort((a, b) => a - b);
      return { perSecond: latencies.length / seconds, p99: percentile(latencies, 0.99) };
    },
  };
}

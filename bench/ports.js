'use strict';
// Ports benchmark, side by side in one run (Linux):
//   - findFreePort() vs npm get-port vs one bind: socket+bind+getsockname+close
//     through the raw binding, the least any port search can cost;
//   - portOwner(port) vs spawning `ss -Hltnp sport = :PORT` and
//     `lsof -t -n -P -i :PORT`, for a port held by another process;
//   - waitForPort detection latency (a child process starts listening at a
//     random moment; listen → resolve) vs npm wait-on, and the CPU the
//     waiting process burns meanwhile (process.cpuUsage, all threads).
// run({ quick }) returns rows { work, ours, anchor, anchorName, ratio, unit,
// target, pass }: medians in ms (CPU rows: ms of CPU per second waited);
// ratio = ours / anchor (below 1: ours is cheaper). `node bench/ports.js
// [--quick]` prints the table.

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { findFreePort, portOwner, waitForPort } = require('..');
const { binding } = require('../lib/native');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

async function timeEach(n, fn) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = nowMs();
    await fn();
    times.push(nowMs() - t0);
  }
  return median(times);
}

function row(work, ours, anchor, anchorName, unit, target, pass) {
  return { work, ours, anchor, anchorName, ratio: anchor ? ours / anchor : null, unit, target, pass };
}

// A child process that holds a port (as a stale backend would) or, told
// over IPC, starts listening on one: { child, port } / message { t }.
function holder(script) {
  return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
}

const HOLD = `const s = require('net').createServer().listen(0, '127.0.0.1', () => process.send(s.address().port));`;
// Takes the timestamp before listen(): the measured latency can only be
// overestimated (by the microseconds listen() itself takes).
const LISTENER = `const net = require('net'); let s;
  process.on('message', (m) => {
    if (m.listen) { const t = Number(process.hrtime.bigint()) / 1e6; s = net.createServer((c) => c.destroy()).listen(m.listen, '127.0.0.1', () => process.send({ t })); }
    else if (m.close) s.close(() => process.send({ closed: true }));
  });
  process.send({ up: true });`;

async function benchFreePort(quick) {
  const getPort = (await import('get-port')).default;
  const n = quick ? 200 : 2000;
  const b = binding();
  for (let i = 0; i < 50; i++) {
    await findFreePort();
    b.probeBind('127.0.0.1', 0, false);
  }
  const ours = await timeEach(n, () => findFreePort());
  const bind = await timeEach(n, () => b.probeBind('127.0.0.1', 0, false));
  const theirs = await timeEach(quick ? 100 : 500, () => getPort());
  return [
    row('find a free port', ours, theirs, 'npm get-port', 'ms', 'faster than get-port', ours < theirs),
    row('find a free port', ours, bind, 'one bind (socket+bind+close, raw binding)', 'ms', '<= 2x one bind', ours <= 2 * bind),
  ];
}

// A holder that is not our descendant (a stale backend from the last run,
// another app): the middle process starts it detached and exits, so it is
// reparented. It writes its port to a file: { pid, port }.
async function strangerHolder() {
  const file = path.join(os.tmpdir(), `bw-bench-ports-${process.pid}.json`);
  fs.rmSync(file, { force: true });
  const hold = `const fs = require('fs'); const s = require('net').createServer().listen(0, '127.0.0.1', () => {
      fs.writeFileSync(${JSON.stringify(file + '.tmp')}, JSON.stringify({ pid: process.pid, port: s.address().port }));
      fs.renameSync(${JSON.stringify(file + '.tmp')}, ${JSON.stringify(file)}); });`;
  const middle = `require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(hold)}], { detached: true, stdio: 'ignore' }).unref();`;
  spawnSync(process.execPath, ['-e', middle], { stdio: 'ignore' });
  for (let i = 0; i < 500 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 10));
  const info = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.rmSync(file, { force: true });
  return info;
}

async function benchOwner(quick) {
  const child = holder(HOLD);
  const port = await new Promise((resolve) => child.once('message', resolve));
  const stranger = await strangerHolder();
  const rows = [];
  try {
    const spawnTimed = (cmd, args, pid) => timeEach(quick ? 10 : 40, () => {
      const r = spawnSync(cmd, args, { encoding: 'utf8' });
      if (r.error) throw r.error;
      if (!r.stdout.includes(String(pid))) throw new Error(`${cmd} did not name pid ${pid}: ${r.stdout}`);
    });
    const ownerTimed = async (p, pid) => {
      const found = await portOwner(p);
      if (!found || found.pid !== pid) throw new Error(`portOwner(${p}) = ${JSON.stringify(found)}, expected pid ${pid}`);
      for (let i = 0; i < 20; i++) await portOwner(p);
      return timeEach(quick ? 50 : 300, () => portOwner(p));
    };
    const ours = await ownerTimed(port, child.pid);
    const ss = await spawnTimed('ss', ['-Hltnp', `sport = :${port}`], child.pid);
    rows.push(row('owner PID of a listening port (our child holds it)', ours, ss, 'spawn ss -Hltnp sport = :PORT', 'ms', '>= 10x faster than ss', ours * 10 <= ss));
    if (spawnSync('lsof', ['-v']).error) {
      rows.push(row('owner PID of a listening port (our child holds it)', ours, null, 'lsof: not installed, row skipped', 'ms', 'informational', true));
    } else {
      const lsof = await spawnTimed('lsof', ['-t', '-n', '-P', '-i', `:${port}`], child.pid);
      rows.push(row('owner PID of a listening port (our child holds it)', ours, lsof, 'spawn lsof -t -n -P -i :PORT', 'ms', 'faster than lsof', ours < lsof));
    }
    const oursFar = await ownerTimed(stranger.port, stranger.pid);
    const ssFar = await spawnTimed('ss', ['-Hltnp', `sport = :${stranger.port}`], stranger.pid);
    rows.push(row(`owner PID of a listening port (an unrelated process holds it; ${fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).length} processes)`,
      oursFar, ssFar, 'spawn ss -Hltnp sport = :PORT', 'ms', '>= 10x faster than ss', oursFar * 10 <= ssFar));
  } finally {
    child.kill('SIGKILL');
    try {
      process.kill(stranger.pid, 'SIGKILL');
    } catch {}
  }
  return rows;
}

// One detection trial: starts waiting, has the child listen 100-400 ms
// later; returns { latency, cpuPerSec }. CPU is counted over the quiet part
// of the wait only (from 20 ms after it starts until the child is told to
// listen), for the whole process, all threads.
async function trial(child, wait) {
  const port = await findFreePort();
  const delay = 100 + Math.random() * 300;
  let cpu = null;
  let quietFrom = 0;
  let cpu0 = null;
  const waited = wait(port).then(() => nowMs());
  setTimeout(() => {
    quietFrom = nowMs();
    cpu0 = process.cpuUsage();
  }, 20);
  setTimeout(() => {
    const used = process.cpuUsage(cpu0);
    cpu = (used.user + used.system) / 1000 / ((nowMs() - quietFrom) / 1000);
    child.send({ listen: port });
  }, delay);
  const [{ t: listenedAt }, resolvedAt] = await Promise.all([
    new Promise((resolve) => child.once('message', resolve)),
    waited,
  ]);
  child.send({ close: true });
  await new Promise((resolve) => child.once('message', resolve));
  return { latency: resolvedAt - listenedAt, cpuPerSec: cpu };
}

async function benchReadiness(quick) {
  const waitOn = require('wait-on');
  const child = holder(LISTENER);
  await new Promise((resolve) => child.once('message', resolve));
  const n = quick ? 6 : 25;
  const ours = [];
  const theirs = [];
  try {
    for (let i = 0; i < n; i++) {
      ours.push(await trial(child, (port) => waitForPort(port, { timeoutMs: 10000 })));
      theirs.push(await trial(child, (port) => waitOn({ resources: [`tcp:127.0.0.1:${port}`], timeout: 10000 })));
    }
  } finally {
    child.kill('SIGKILL');
  }
  const lat = median(ours.map((r) => r.latency));
  const latTheirs = median(theirs.map((r) => r.latency));
  const cpu = median(ours.map((r) => r.cpuPerSec));
  const cpuTheirs = median(theirs.map((r) => r.cpuPerSec));
  return [
    row('detect a backend that starts listening (listen → resolve)', lat, latTheirs, 'npm wait-on (default 250 ms interval)', 'ms', 'median <= 5 ms', lat <= 5),
    row('CPU while waiting for a port', cpu, cpuTheirs, 'npm wait-on (default 250 ms interval)', 'ms CPU/s', '<= 10 ms CPU per s (1% of a core)', cpu <= 10),
  ];
}

async function run({ quick = false } = {}) {
  if (process.platform !== 'linux') throw new Error('bench/ports.js compares against ss and lsof: Linux only');
  return [
    ...(await benchFreePort(quick)),
    ...(await benchOwner(quick)),
    ...(await benchReadiness(quick)),
  ];
}

function fmt(v) {
  if (v === null || v === undefined) return '-';
  return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(4);
}

function print(rows) {
  const table = rows.map((r) => ({
    work: r.work,
    ours: `${fmt(r.ours)} ${r.unit}`,
    anchor: r.anchor === null ? r.anchorName : `${fmt(r.anchor)} ${r.unit} (${r.anchorName})`,
    'ours/anchor': r.ratio === null ? '-' : fmt(r.ratio),
    target: r.target,
    pass: r.pass ? 'yes' : 'NO',
  }));
  const cols = Object.keys(table[0]);
  const width = cols.map((c) => Math.max(c.length, ...table.map((t) => String(t[c]).length)));
  const line = (vals) => vals.map((v, i) => String(v).padEnd(width[i])).join(' | ');
  console.log(line(cols));
  console.log(width.map((w) => '-'.repeat(w)).join('-|-'));
  for (const t of table) console.log(line(cols.map((c) => t[c])));
}

module.exports = { run };

if (require.main === module) {
  run({ quick: process.argv.includes('--quick') }).then((rows) => {
    console.log(`bench/ports.js on ${process.platform}-${process.arch}, Node ${process.version}, ${require('os').cpus().length} CPUs${process.argv.includes('--quick') ? ' (quick)' : ''}\n`);
    print(rows);
  }, (err) => {
    console.error(err);
    process.exit(1);
  });
}

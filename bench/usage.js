'use strict';
// Tree usage and the other observe figures, side by side in one run:
//  - treeUsage(root) of a 100-process tree vs spawning `ps -o rss,time -p
//    <every pid>` (what pidusage runs per call on Linux/macOS). Target:
//    >= 10x faster. POSIX only (the anchor is ps).
//  - one liveness probe (GET /health on a local server): its cost.
//  - log throughput: lines/s through a LogFile (rotation included).

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { execFile } = require('child_process');
const { treeUsage } = require('../lib/usage');
const { LogFile } = require('../lib/backend/logs');
const { probeOnce, normalizeHealth } = require('../lib/backend/health');
const { median, nowMs, printTable, makeTree } = require('./util');

function ps(pids) {
  return new Promise((resolve, reject) => {
    execFile('ps', ['-o', 'rss,time', '-p', pids.join(',')], (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

async function usageRows(quick) {
  if (process.platform === 'win32') return [];
  // /proc on Linux; elsewhere the library's own tree walk finds the children.
  const children = process.platform === 'linux' ? undefined : async (pid) => (await treeUsage(pid)).members.slice(1).map((m) => m.pid);
  const { root, pids } = await makeTree(100, { tail: 'wait', children });
  try {
    const reps = quick ? 10 : 40;
    const ours = [];
    const anchor = [];
    for (let i = 0; i < reps; i++) {
      let t = nowMs();
      const u = await treeUsage(root.pid);
      ours.push(nowMs() - t);
      if (u.processes !== 100) throw new Error(`expected 100 processes, got ${u.processes}`);
      t = nowMs();
      await ps(pids);
      anchor.push(nowMs() - t);
    }
    const o = median(ours);
    const a = median(anchor);
    return [{
      work: 'usage of a 100-process tree', ours: o, anchor: a, anchorName: 'ps -o rss,time', ratio: a / o, unit: 'ms',
      target: '>= 10x faster than ps', pass: a / o >= 10,
    }];
  } finally {
    process.kill(-root.pid, 'SIGKILL');
  }
}

async function probeRows(quick) {
  const server = http.createServer((req, res) => res.end('ok'));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const o = normalizeHealth({ path: '/health' }, true);
  const target = { host: '127.0.0.1', port: server.address().port };
  const times = [];
  for (let i = 0; i < (quick ? 50 : 300); i++) {
    const c = new AbortController();
    const t = nowMs();
    await probeOnce(o, target, c.signal);
    times.push(nowMs() - t);
  }
  server.close();
  const m = median(times);
  return [{
    work: 'one liveness probe (GET /health)', ours: m, anchor: null, anchorName: '', ratio: null, unit: 'ms',
    target: `informational: ${(m / 5000 * 100).toFixed(3)}% of one core at intervalMs 5000`, pass: null,
  }];
}

async function logRows(quick) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-bench-logs-'));
  const log = new LogFile({ dir, maxBytes: 10 * 1024 * 1024, files: 2 }, 'bench');
  await log.open();
  const n = quick ? 100000 : 500000;
  const line = 'GET /api/items 200 12ms '.padEnd(80, 'x');
  const t = nowMs();
  for (let i = 0; i < n; i++) {
    log.write('stdout', line);
    if (i % 10000 === 0) await new Promise((r) => setImmediate(r));
  }
  await log.flush();
  const ms = nowMs() - t;
  await log.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return [{
    work: `log ${n} lines of 80 chars (rotating at 10 MiB)`, ours: n / (ms / 1000), anchor: null, anchorName: '', ratio: null, unit: 'lines/s',
    target: 'informational', pass: null,
  }];
}

async function run({ quick = false } = {}) {
  return [...await usageRows(quick), ...await probeRows(quick), ...await logRows(quick)];
}

module.exports = { run };

if (require.main === module) {
  run({ quick: process.argv.includes('--quick') }).then(printTable, (err) => {
    console.error(err);
    process.exit(1);
  });
}

'use strict';
// Small shared helpers for the benchmarks: timing, medians, table printing,
// and the process trees they measure (POSIX: sh and sleep; /proc on Linux).

const { spawn } = require('child_process');
const fs = require('fs');

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

function fmt(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return String(n);
  if (n !== 0 && Math.abs(n) < 0.01) return n.toPrecision(2);
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function printTable(rows) {
  const header = ['work', 'ours', 'anchor', 'ratio', 'target', 'pass'];
  const lines = rows.map((r) => [
    r.work,
    `${fmt(r.ours)} ${r.unit}`,
    r.anchor === null ? '-' : `${fmt(r.anchor)} ${r.unit} (${r.anchorName})`,
    r.ratio === null ? '-' : `${fmt(r.ratio)}x`,
    r.target,
    r.pass === null ? '-' : r.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const row = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
}

// A bench file run as a script: run({ quick }) then print its table (or
// hand the rows to `print`); exit 1 on failure.
function runAsScript(run, print = printTable) {
  run({ quick: process.argv.includes('--quick') }).then(print, (err) => {
    console.error(err);
    process.exit(1);
  });
}

// --- process trees -----------------------------------------------------------

// Whether pid can still be signalled (the cheapest check: no /proc read).
function signallable(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Whether pid runs: signallable and not a zombie (Linux /proc).
function alive(pid) {
  if (!signallable(pid)) return false;
  try {
    return !/^\d+ \(.*\) [ZX]/s.test(fs.readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return false;
  }
}

// The PIDs whose parent is pid (a /proc scan, Linux).
function childrenOf(pid) {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(name));
    } catch { /* gone */ }
  }
  return out;
}

// A process group of n: sh leading it (then `tail`: exec sleep, or wait),
// n - 1 sleep(1) children, once all are up → { root, pids }. `children`
// (pid → PIDs, may be async) finds them; /proc by default.
async function makeTree(n, { tail = 'exec sleep 1000', children = childrenOf, timeoutMs = 30000 } = {}) {
  const root = spawn('sh', ['-c', `i=1; while [ $i -lt ${n} ]; do sleep 1000 & i=$((i+1)); done; ${tail}`], {
    stdio: 'ignore', detached: true,
  });
  await new Promise((r) => root.once('spawn', r));
  const deadline = Date.now() + timeoutMs;
  let kids = [];
  while ((kids = await children(root.pid)).length < n - 1) {
    if (Date.now() > deadline) throw new Error('tree did not come up');
    await new Promise((r) => setTimeout(r, 10));
  }
  return { root, pids: [root.pid, ...kids] };
}

// Resolves once no pid passes `check`, polling every pollMs (0: every turn
// of the event loop, which is how the anchors' "all gone" is measured).
async function allGone(pids, { check = alive, pollMs = 0 } = {}) {
  let left = pids;
  while ((left = left.filter(check)).length > 0) {
    await new Promise((r) => (pollMs > 0 ? setTimeout(r, pollMs) : setImmediate(r)));
  }
}

module.exports = { median, nowMs, fmt, printTable, runAsScript, signallable, alive, childrenOf, makeTree, allGone };

'use strict';
// Tasks, side by side in one run: the cost of runTree for a trivial command
// against child_process.execFile and execa; and the time from abort() to a
// whole 50-process tree gone, against execa's cancelSignal +
// forceKillAfterDelay — which signals the direct child only, so its
// grandchildren are counted as survivors once the force-kill delay has
// passed (and killed afterwards). execa runs with stdout/stderr 'ignore'
// here: with pipes its promise does not settle at all while the surviving
// grandchildren hold them open.
// Linux/macOS only (the tree is a POSIX shell with sleep(1) children).

const { execFile } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const { runTree } = require('..');
const { median, nowMs, printTable, alive } = require('./util');

const TREE = 50;
const FORCE_AFTER = 1000;

// Live processes that carry BW_BENCH_MARKER=<marker> (a /proc scan).
function marked(marker) {
  const needle = `BW_BENCH_MARKER=${marker}\0`;
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (/^\d+ \(.*\) [ZX]/s.test(fs.readFileSync(`/proc/${name}/stat`, 'latin1'))) continue;
      if (`${fs.readFileSync(`/proc/${name}/environ`, 'latin1')}\0`.includes(needle)) out.push(Number(name));
    } catch { /* gone */ }
  }
  return out;
}

async function until(fn, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

// sh with TREE - 1 sleep(1) children: TREE processes.
const SCRIPT = `i=1; while [ $i -lt ${TREE} ]; do sleep 1000 & i=$((i+1)); done; wait`;

async function trivial(how, execa) {
  const t0 = nowMs();
  if (how === 'runTree') await runTree('/bin/true');
  else if (how === 'execFile') await new Promise((resolve, reject) => execFile('/bin/true', (e) => (e ? reject(e) : resolve())));
  else await execa('/bin/true');
  return nowMs() - t0;
}

// abort() → every member of the tree gone; returns { ms, survivors }.
async function cancelTree(how, execa) {
  const marker = crypto.randomBytes(8).toString('hex');
  const env = { ...process.env, BW_BENCH_MARKER: marker };
  const controller = new AbortController();
  const task = how === 'runTree'
    ? runTree('/bin/sh', ['-c', SCRIPT], { env, signal: controller.signal, graceMs: 5000 })
    : execa('/bin/sh', ['-c', SCRIPT], { env, cancelSignal: controller.signal, forceKillAfterDelay: FORCE_AFTER, stdout: 'ignore', stderr: 'ignore' });
  const settled = task.then(() => {}, () => {});
  await until(() => marked(marker).length >= TREE);
  const pids = marked(marker);
  const t0 = nowMs();
  controller.abort();
  await settled;
  const ms = nowMs() - t0;
  if (how === 'runTree') {
    // runTree settles once its whole tree is gone; check independently.
    await until(() => pids.every((p) => !alive(p)), 2000).catch(() => {});
  } else {
    // Give execa's force-kill its chance before counting.
    await new Promise((r) => setTimeout(r, FORCE_AFTER + 200));
  }
  const survivors = pids.filter(alive);
  for (const p of survivors) {
    try {
      process.kill(p, 'SIGKILL');
    } catch { /* gone */ }
  }
  return { ms, survivors: survivors.length };
}

async function run({ quick = false } = {}) {
  if (process.platform === 'win32') return [];
  const { execa } = await import('execa');
  const rows = [];
  const reps = quick ? 10 : 30;
  const t = { runTree: [], execFile: [], execa: [] };
  for (let i = 0; i < 3; i++) for (const how of Object.keys(t)) await trivial(how, execa); // warm up
  for (let i = 0; i < reps; i++) for (const how of Object.keys(t)) t[how].push(await trivial(how, execa));
  const ours = median(t.runTree);
  for (const anchor of ['execFile', 'execa']) {
    const a = median(t[anchor]);
    rows.push({
      work: 'run /bin/true to the end', ours, anchor: a, anchorName: anchor === 'execFile' ? 'child_process.execFile' : 'execa', ratio: ours / a, unit: 'ms',
      target: `informational (ours/${anchor}, +${(ours - a).toFixed(1)} ms: supervisor + whole-tree teardown)`, pass: null,
    });
  }
  const c = { runTree: [], execa: [] };
  for (let i = 0; i < (quick ? 2 : 5); i++) for (const how of Object.keys(c)) c[how].push(await cancelTree(how, execa));
  const oursMs = median(c.runTree.map((r) => r.ms));
  const execaMs = median(c.execa.map((r) => r.ms));
  const oursLeft = Math.max(...c.runTree.map((r) => r.survivors));
  const execaLeft = median(c.execa.map((r) => r.survivors));
  rows.push({
    work: `abort() → ${TREE}-process tree gone`, ours: oursMs, anchor: execaMs, anchorName: 'execa cancelSignal+forceKillAfterDelay, to settled', ratio: null, unit: 'ms',
    target: `0 survivors (ours: ${oursLeft}; execa: ${execaLeft} of ${TREE} survive)`, pass: oursLeft === 0,
  });
  return rows;
}

module.exports = { run };

if (require.main === module) {
  run({ quick: process.argv.includes('--quick') }).then(printTable, (err) => {
    console.error(err);
    process.exit(1);
  });
}

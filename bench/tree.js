'use strict';
// Tree termination, call to all gone, side by side in one run: killTree vs
// npm tree-kill vs a raw process.kill(-pgid) baseline; and the supervised
// spawn's cost over plain child_process.spawn. Linux/macOS only (the
// anchors are POSIX). Targets: >= 50x faster than tree-kill at 100
// processes, <= 3x the raw baseline; supervisor overhead <= 5 ms.

const { spawn } = require('child_process');
const treeKill = require('tree-kill');
const { killTree, spawnTree } = require('..');
const { median, nowMs, runAsScript, makeTree, allGone } = require('./util');

async function measure(n, how) {
  const { root, pids } = await makeTree(n);
  const t0 = nowMs();
  if (how === 'ours') await killTree(root.pid, { signal: 'SIGTERM' });
  else if (how === 'tree-kill') await new Promise((resolve, reject) => treeKill(root.pid, 'SIGTERM', (e) => (e ? reject(e) : resolve())));
  else process.kill(-root.pid, 'SIGTERM');
  await allGone(pids);
  return nowMs() - t0;
}

async function spawnCost(how) {
  const t0 = nowMs();
  if (how === 'ours') {
    const c = spawnTree('sleep', ['1000'], { stdout: 'ignore', stderr: 'ignore' });
    await c.spawned;
    const dt = nowMs() - t0;
    await c.kill({ graceMs: 0 });
    return dt;
  }
  const c = spawn('sleep', ['1000'], { stdio: 'ignore' });
  await new Promise((r) => c.once('spawn', r));
  const dt = nowMs() - t0;
  c.kill('SIGKILL');
  await new Promise((r) => c.once('exit', r));
  return dt;
}

async function run({ quick = false } = {}) {
  if (process.platform === 'win32') return [];
  const rows = [];
  const sizes = quick ? [1, 10, 100] : [1, 10, 100, 500];
  for (const n of sizes) {
    const reps = n >= 500 ? 3 : quick ? 3 : 7;
    const times = { ours: [], 'tree-kill': [], raw: [] };
    for (let i = 0; i < reps; i++) {
      for (const how of Object.keys(times)) times[how].push(await measure(n, how));
    }
    const ours = median(times.ours);
    const tk = median(times['tree-kill']);
    const raw = median(times.raw);
    rows.push({
      work: `kill a ${n}-process tree`, ours, anchor: tk, anchorName: 'tree-kill', ratio: tk / ours, unit: 'ms',
      target: n === 100 ? '>= 50x faster than tree-kill' : 'informational', pass: n === 100 ? tk / ours >= 50 : null,
    });
    rows.push({
      work: `kill a ${n}-process tree`, ours, anchor: raw, anchorName: 'raw killpg', ratio: ours / raw, unit: 'ms',
      target: n === 100 ? '<= 3x raw killpg (ratio = ours/raw)' : 'informational (ours/raw)', pass: n === 100 ? ours / raw <= 3 : null,
    });
  }
  const spawnTimes = { ours: [], plain: [] };
  for (let i = 0; i < (quick ? 10 : 30); i++) {
    spawnTimes.plain.push(await spawnCost('plain'));
    spawnTimes.ours.push(await spawnCost('ours'));
  }
  const ours = median(spawnTimes.ours);
  const plain = median(spawnTimes.plain);
  rows.push({
    work: 'spawn to running (supervised)', ours, anchor: plain, anchorName: 'child_process.spawn', ratio: null, unit: 'ms',
    target: `<= 5 ms more (+${(ours - plain).toFixed(2)} ms)`, pass: ours - plain <= 5,
  });
  return rows;
}

module.exports = { run };

if (require.main === module) runAsScript(run);

'use strict';
// G7: the JS thread while a 400-process tree is killed. The event loop's
// delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution) is sampled from
// the call until every process is gone, for killTree and for a raw
// process.kill(-pgid) of the same kind of tree; the target is killTree's p99
// within 3x the raw kill's. Both sides wait for "all gone" the same way (a
// cheap kill(pid, 0) sweep every 10 ms), so the sweep costs both the same.
// Linux/macOS only.
//
//   node bench/loop.js [--quick] [--size N]

const { monitorEventLoopDelay, performance } = require('perf_hooks');
const { killTree } = require('..');
const { median, printTable, makeTree, allGone, signallable } = require('./util');

// One kill of an n-process tree under the loop-delay monitor → { p99, max } ms.
async function sample(n, how) {
  // 400 sleeps can take a while to come up on a loaded machine.
  const { root, pids } = await makeTree(n, { timeoutMs: 60000 });
  const exited = new Promise((r) => root.once('exit', r));
  // Let the loop settle after building the tree.
  await new Promise((r) => setTimeout(r, 100));
  const h = monitorEventLoopDelay({ resolution: 1 });
  const elu0 = performance.eventLoopUtilization();
  h.enable();
  if (how === 'killTree') await killTree(root.pid, { signal: 'SIGTERM' });
  else process.kill(-root.pid, 'SIGTERM');
  // A cheap kill(pid, 0) sweep every 10 ms (a zombie child counts until sh
  // reaps it), the same for both sides.
  await allGone(pids, { check: signallable, pollMs: 10 });
  await exited;
  h.disable();
  // How busy the JS thread itself was (time in callbacks, not waiting for
  // events): tells work on the thread from time it could not get a CPU.
  const elu = performance.eventLoopUtilization(elu0).utilization;
  return { p99: h.percentile(99) / 1e6, max: h.max / 1e6, elu };
}

async function run({ quick = false, size = 400 } = {}) {
  if (process.platform === 'win32') return [];
  const reps = quick ? 3 : 7;
  const s = { killTree: [], raw: [] };
  for (let i = 0; i < reps; i++) {
    s.raw.push(await sample(size, 'raw'));
    s.killTree.push(await sample(size, 'killTree'));
  }
  const p99 = (how) => median(s[how].map((x) => x.p99));
  const worst = (how) => Math.max(...s[how].map((x) => x.max));
  const ours = p99('killTree');
  const raw = p99('raw');
  return [
    {
      work: `loop p99 delay, kill a ${size}-process tree (median of ${reps})`, ours, anchor: raw, anchorName: 'raw killpg',
      ratio: ours / raw, unit: 'ms', target: '<= 3x raw killpg (G7)', pass: ours / raw <= 3,
    },
    {
      work: `JS thread busy (event loop utilization) during the kill (median of ${reps})`, ours: median(s.killTree.map((x) => x.elu * 100)),
      anchor: median(s.raw.map((x) => x.elu * 100)), anchorName: 'raw killpg', ratio: null, unit: '%', target: 'informational', pass: null,
    },
    {
      work: `loop max delay, kill a ${size}-process tree (worst of ${reps})`, ours: worst('killTree'), anchor: worst('raw'),
      anchorName: 'raw killpg', ratio: worst('killTree') / worst('raw'), unit: 'ms', target: 'informational', pass: null,
    },
  ];
}

module.exports = { run };

if (require.main === module) {
  const i = process.argv.indexOf('--size');
  run({ quick: process.argv.includes('--quick'), size: i > 0 ? Number(process.argv[i + 1]) : 400 }).then(printTable, (err) => {
    console.error(err);
    process.exit(1);
  });
}

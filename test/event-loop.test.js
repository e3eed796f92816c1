'use strict';
// G7: the JS thread stays free while the library works. A timer keeps
// ticking while killTree waits out the grace period of a large tree that
// ignores SIGTERM, and while listTree walks it. The bounds only catch a
// stall (a blocked loop misses every tick of the grace period); timing is
// measured in bench/, not here.

const assert = require('assert');
const { spawn } = require('child_process');
const fs = require('fs');

const warden = require('..');
const {
  isWindows, fixture, waitFor, makeMarker, markedProcesses, markerEnv,
} = require('./helpers');

// Under Wine a process start costs about half a second: a smaller tree.
const SIZE = isWindows ? 10 : 100;
const GRACE = 2000;
// A loop blocked by the kill would see one gap of at least GRACE ms.
const MAX_GAP = 1000;

// Runs fn while a 10 ms interval ticks; returns fn's result, the tick count
// and the longest gap between ticks (or between the start/end and a tick).
async function ticking(fn) {
  let last = Date.now();
  let maxGap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 10);
  try {
    const result = await fn();
    maxGap = Math.max(maxGap, Date.now() - last);
    return { result, ticks, maxGap };
  } finally {
    clearInterval(timer);
  }
}

describe('the event loop stays free (G7)', function () {
  this.timeout(isWindows ? 180000 : 60000);

  it(`keeps ticking while killTree waits out the grace of a ${SIZE}-process tree that ignores the polite stop, and while listTree walks it`, async function () {
    const marker = makeMarker();
    const root = spawn(process.execPath, [fixture('tree.js'), '--children', String(SIZE - 1), '--ignore-term'], { env: markerEnv(marker), stdio: 'ignore' });
    try {
      await waitFor(() => fs.readdirSync(marker).some((f) => f.startsWith('ready-')) && markedProcesses(marker).length >= SIZE, isWindows ? 120000 : 30000);

      const listed = await ticking(() => warden.listTree(root.pid));
      assert.ok(listed.result.length >= SIZE, `${listed.result.length} listed`);
      assert.ok(listed.maxGap < MAX_GAP, `the loop stalled ${listed.maxGap} ms during listTree`);

      const killed = await ticking(() => warden.killTree(root.pid, { graceMs: GRACE }));
      assert.strictEqual(killed.result.forced, true, 'the tree ignored the polite stop, so the kill waited out graceMs');
      assert.deepStrictEqual(killed.result.survivors, []);
      assert.ok(killed.maxGap < MAX_GAP, `the loop stalled ${killed.maxGap} ms during killTree (graceMs ${GRACE})`);
      assert.ok(killed.ticks > 0, 'the timer ticked during the kill');
      await waitFor(() => markedProcesses(marker).length === 0, 5000).catch(() => {});
      assert.deepStrictEqual(markedProcesses(marker), [], 'survivors carry the marker');
    } finally {
      for (const pid of markedProcesses(marker)) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
      fs.rmSync(marker, { recursive: true, force: true });
    }
  });
});

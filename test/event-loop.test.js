'use strict';
// G7: the JS thread stays free while the library works. A timer keeps
// ticking while killTree waits out the grace period of a large tree that
// ignores SIGTERM, and while listTree walks it. The bounds only catch a
// stall (a blocked loop misses every tick of the grace period); timing is
// measured in bench/, not here.

const assert = require('assert');
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');

const warden = require('..');
const { binding } = require('../lib/native');
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

  // The other half of G7: all state lives in per-environment instance data,
  // so the addon's own writable data (.data and .bss) holds nothing but what
  // the C runtime puts there. A `static` counter or cache anywhere in
  // binding/ shows up here by name. ELF builds only (the Linux lanes).
  const objdump = process.platform === 'linux' && spawnSync('objdump', ['--version'], { timeout: 10000 }).status === 0;
  (objdump ? it : it.skip)(`the loaded addon has no mutable globals of its own (.data/.bss)${objdump ? '' : ' (skipped: ELF builds with objdump only, the Linux lanes)'}`, function () {
    const file = binding().path;
    const r = spawnSync('objdump', ['-t', file], { encoding: 'utf8', timeout: 30000, maxBuffer: 64 * 1024 * 1024 });
    assert.strictEqual(r.status, 0, r.stderr);
    // The C runtime's own (crtstuff.c, the DSO handle) and the sanitizers'
    // instrumentation in the ASan lane's build.
    const runtime = /^(completed\.\d+|__dso_handle|__TMC_END__|__bss_start|_edata|_end|__data_start|data_start|__asan_.*|___asan_gen_.*|__ubsan_.*|__sancov_.*|\.L.*)$/;
    const mutable = r.stdout.split('\n')
      .map((line) => line.match(/^[0-9a-f]+\s+[lgw!u ]+\s*O?\s+(\.data(?:\.rel(?:\.local)?)?|\.bss|\.tdata|\.tbss)\s+[0-9a-f]+\s+(.*)$/))
      .filter((m) => m && m[2].trim() !== '' && !runtime.test(m[2].trim()))
      .map((m) => `${m[2].trim()} (${m[1]})`);
    assert.deepStrictEqual(mutable, [], `${file} has writable globals`);
  });
});

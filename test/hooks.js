'use strict';
// Root hooks (loaded by .mocharc.json "require"): no test may leave a
// process behind. After each test, every live process of our own uid whose
// environment carries BW_TEST_MARKER=<a marker made during that test> (see
// helpers.makeMarker) fails the test; it gets a few seconds to go first,
// since some cleanups do not wait for the exit. Markers made in before/after
// hooks are checked once after the whole run. Survivors are then SIGKILLed
// so one leak is reported once and does not spill into later tests.
//
// Linux only: it reads /proc/<pid>/environ. Elsewhere (the Windows lane
// under Wine, macOS) there is no portable way to read another process's
// environment, so this hook does nothing there; the tests' own
// expectNoSurvivors checks (pid files) still run.

const fs = require('fs');
const helpers = require('./helpers');

const LINUX = process.platform === 'linux';
// Scaled under qemu-user (test:arm64), where every /proc scan is emulated.
const GRACE_MS = helpers.slow(5000);

// [{ pid, marker, cmdline }] of live (non-zombie) processes of our uid
// carrying one of the given markers.
function carriers(markers) {
  if (markers.length === 0) return [];
  const uid = process.getuid();
  const found = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let env;
    let cmdline;
    try {
      if (fs.statSync(`/proc/${name}`).uid !== uid) continue;
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) continue;
      env = fs.readFileSync(`/proc/${name}/environ`, 'latin1').split('\0');
      cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ').trim();
    } catch {
      continue; // gone, or not ours to read
    }
    for (const marker of markers) {
      if (env.includes(`BW_TEST_MARKER=${marker}`)) found.push({ pid: Number(name), marker, cmdline });
    }
  }
  return found;
}

async function leftBehind(markers) {
  const deadline = Date.now() + GRACE_MS;
  let alive = carriers(markers);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    alive = carriers(markers);
  }
  for (const { pid } of alive) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  return alive;
}

function describeLeak(alive) {
  return `left ${alive.length} process(es) behind: ${alive.map((p) => `${p.pid} (${p.cmdline.slice(0, 80)})`).join(', ')}`;
}

// Markers are taken off the list once checked.
function take(pred) {
  const out = [];
  for (let i = helpers.markersMade.length - 1; i >= 0; i--) {
    if (pred(helpers.markersMade[i])) out.push(helpers.markersMade.splice(i, 1)[0].marker);
  }
  return out;
}

exports.mochaHooks = {
  beforeEach() {
    helpers.setMarkerOwner(this.currentTest);
  },
  async afterEach() {
    const test = this.currentTest;
    helpers.setMarkerOwner(null);
    if (!LINUX) return;
    const markers = take((m) => m.test === test);
    if (markers.length === 0) return;
    this.timeout(GRACE_MS + helpers.slow(10000));
    const alive = await leftBehind(markers);
    // Fails the test itself (not the hook, which would skip the rest of the
    // suite): mocha reports a hook's error() as the current test's failure.
    if (alive.length > 0 && test.state !== 'failed') this.test.error(new Error(`this test ${describeLeak(alive)}`));
  },
  async afterAll() {
    if (!LINUX) return;
    const markers = take(() => true);
    this.timeout(GRACE_MS + helpers.slow(10000));
    const alive = await leftBehind(markers);
    if (alive.length > 0) throw new Error(`before/after hooks ${describeLeak(alive)}`);
  },
};

'use strict';
// Shared test helpers: platform facts and small process utilities. No mocks:
// tests use real processes and sockets.

const path = require('path');

const isWindows = process.platform === 'win32';
// Set by scripts/test-win.js for the Windows lane. Wine differs from Windows
// in places; tests that depend on such a difference say "Wine" in their title.
const isWine = isWindows && process.env.BACKEND_WARDEN_WINE === '1';
const fixtures = path.join(__dirname, 'fixtures');
// Set by scripts/test-arm64.js: this run is arm64 code under qemu-user, which
// emulates every instruction (an arm64 Node takes seconds to start). Time
// bounds and waits are multiplied by SLOW there (waitFor does it itself; use
// slow() for the rest), and a test whose title states a time says so
// (QEMU_NOTE).
const isQemu = process.env.BACKEND_WARDEN_QEMU === '1';
const SLOW = isQemu ? Math.max(1, Number(process.env.BACKEND_WARDEN_TEST_SLOWDOWN) || 8) : 1;
const slow = (ms) => ms * SLOW;
const QEMU_NOTE = isQemu ? ` (qemu-user: time bounds x${SLOW})` : '';
// The Node.js for processes that never load backend-warden (tree members,
// port holders): test:arm64 names the host's own x64 Node here so such
// trees start in CI time; the addon, the supervisor and every process that
// requires the package stay arm64. Elsewhere, this Node.
const childNode = process.env.BACKEND_WARDEN_CHILD_NODE || process.execPath;
// Set by test:arm64 when the emulator refuses PR_SET_CHILD_SUBREAPER (qemu-user
// 7.2 does, with EINVAL): the supervisor then runs as it does on macOS, and
// a daemonized or orphaned member is not brought back to it.
const noSubreaper = process.platform === 'linux' && process.env.BACKEND_WARDEN_NO_SUBREAPER === '1';
const NO_SUBREAPER = 'qemu-user refuses PR_SET_CHILD_SUBREAPER (EINVAL, probed by test:arm64), so the supervisor has no subreaper';

function fixture(name) {
  return path.join(fixtures, name);
}

// Polls fn until it returns a truthy value or timeoutMs passes. For test
// assertions about other processes only; never used by the library.
// Under qemu-user the timeout is multiplied by SLOW.
async function waitFor(fn, timeoutMs = 5000, intervalMs = 20) {
  timeoutMs = slow(timeoutMs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waitFor timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

module.exports = { isWindows, isWine, isQemu, SLOW, slow, QEMU_NOTE, childNode, noSubreaper, NO_SUBREAPER, fixtures, fixture, waitFor };

// --- process-tree markers ---------------------------------------------
// Every process of a fixture tree carries BW_TEST_MARKER=<dir> in its
// environment and (node processes) a file <dir>/<pid>. Survivors are found
// through the marker, never by name.

const fs = require('fs');
const os = require('os');

// Every marker made in this mocha process, for the leak check in
// test/hooks.js: [{ marker, test }] (test: the one running when it was made,
// or null in a before/after hook).
const markersMade = [];
let markerOwner = null;

function makeMarker() {
  const marker = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-marker-'));
  markersMade.push({ marker, test: markerOwner });
  return marker;
}

// Whether pid names a live process (a zombie, exited but not yet reaped,
// is not alive).
function pidAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  if (process.platform === 'linux') {
    try {
      return !/^\d+ \(.*\) [ZX]/s.test(fs.readFileSync(`/proc/${pid}/stat`, 'latin1'));
    } catch {
      return false;
    }
  }
  return true;
}

// PIDs of live processes that carry the marker.
function markedProcesses(marker) {
  const found = new Set();
  if (process.platform === 'linux') {
    const needle = `BW_TEST_MARKER=${marker}\0`;
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      let env;
      try {
        env = fs.readFileSync(`/proc/${name}/environ`, 'latin1');
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
        if (/^\d+ \(.*\) Z/s.test(stat)) continue; // zombies are gone
      } catch {
        continue;
      }
      if (`${env}\0`.includes(needle) || env.includes(needle)) found.add(Number(name));
    }
  }
  for (const name of fs.readdirSync(marker)) {
    if (/^\d+$/.test(name) && pidAlive(Number(name))) found.add(Number(name));
  }
  found.delete(process.pid);
  return [...found];
}

// Kills whatever still carries the marker (cleanup after a failed assertion).
function killMarked(marker) {
  for (const pid of markedProcesses(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch { /* gone */ }
  }
}

function removeMarker(marker) {
  fs.rmSync(marker, { recursive: true, force: true });
}

function markerEnv(marker, extra = {}) {
  return { ...process.env, BW_TEST_MARKER: marker, ...extra };
}

module.exports.makeMarker = makeMarker;
module.exports.markersMade = markersMade;
module.exports.setMarkerOwner = (test) => { markerOwner = test; };
module.exports.markedProcesses = markedProcesses;
module.exports.killMarked = killMarked;
module.exports.removeMarker = removeMarker;
module.exports.markerEnv = markerEnv;
module.exports.pidAlive = pidAlive;

// A zombie has exited; it only waits for its parent (or init) to reap it.
// Linux only (false elsewhere); a PID with no /proc entry counts as one.
function zombie(pid) {
  if (process.platform !== 'linux') return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return true;
  }
}

module.exports.zombie = zombie;

// GET url → { status, body }. (Not fetch: undici cannot connect under Wine.)
function httpGet(url) {
  return new Promise((resolve, reject) => {
    require('http').get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

module.exports.httpGet = httpGet;

// --- running as another user ---------------------------------------------
// A checkout may sit in a directory other users cannot enter (mktemp -d
// makes 0700 ones): a child dropped to uid 65534 could not require it. This
// returns a world-readable copy of what require('backend-warden') loads
// (package.json, lib/, the built addon and supervisor), made once per run.
let readable = null;
function readableRoot() {
  if (readable) return readable;
  const src = path.resolve(__dirname, '..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-readable-'));
  fs.chmodSync(dir, 0o755);
  fs.copyFileSync(path.join(src, 'package.json'), path.join(dir, 'package.json'));
  fs.cpSync(path.join(src, 'lib'), path.join(dir, 'lib'), { recursive: true });
  const native = require('../lib/native').binding().path;
  const out = path.join(dir, 'build', 'Release');
  fs.mkdirSync(out, { recursive: true });
  for (const f of fs.readdirSync(path.dirname(native))) {
    if (f === 'backend_warden.node' || f.startsWith('backend_warden_')) fs.copyFileSync(path.join(path.dirname(native), f), path.join(out, f));
  }
  for (const d of [dir, path.join(dir, 'build'), out]) fs.chmodSync(d, 0o755);
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  readable = dir;
  return dir;
}

// The environment for such a child: no path into the private checkout.
function readableEnv() {
  const env = { ...process.env };
  delete env.BACKEND_WARDEN_NATIVE;
  return env;
}

module.exports.readableRoot = readableRoot;
module.exports.readableEnv = readableEnv;

// A small deterministic generator (mulberry32), so a failure reproduces:
// rng(seed)() → a number in [0, 1).
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The seed of a randomized test: $BW_FUZZ_SEED when set (to repeat a run),
// else a fresh one. Tests put it in their title, so every report shows it.
function fuzzSeed() {
  const env = process.env.BW_FUZZ_SEED;
  if (env !== undefined && env !== '') {
    if (!/^\d+$/.test(env)) throw new Error(`BW_FUZZ_SEED must be a non-negative integer, got ${JSON.stringify(env)}`);
    return Number(env) >>> 0;
  }
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}

module.exports.rng = rng;
module.exports.fuzzSeed = fuzzSeed;

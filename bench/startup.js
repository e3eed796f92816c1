'use strict';
// Start-up cost: what require() of the package costs a fresh process (an
// Electron main process pays it before its first window), beside the core
// modules it would otherwise pull in. Each sample is a new `node` process
// that times one require() with process.hrtime; the row is the median.
//   require('backend-warden')          target <= 5 ms
//   require('backend-warden/preload')  target <= 2 ms
// Anchors: require('child_process'), and child_process + net + http (what
// the package loaded eagerly before it loaded lazily).
// `node bench/startup.js [--quick]` prints the table.

const { spawnSync } = require('child_process');
const path = require('path');
const { median, runAsScript } = require('./util');

const ROOT = path.join(__dirname, '..');

// → { wall, cpu } in ms: elapsed time, and the process's CPU time (user +
// system, all threads), which a loaded machine inflates much less.
// The process first requires a JSON file, as an app's main.js is itself
// loaded before it requires anything: the module loader's one-time set-up is
// paid by then and not charged to the package.
function sample(code) {
  const warm = `require(${JSON.stringify(path.join(ROOT, 'package.json'))});`;
  const script = `${warm}const t=process.hrtime.bigint(),c=process.cpuUsage();` +
    `${code};const d=process.cpuUsage(c);` +
    'process.stdout.write(JSON.stringify({wall:Number(process.hrtime.bigint()-t)/1e6,cpu:(d.user+d.system)/1e3}))';
  const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function run({ quick = false } = {}) {
  const n = quick ? 7 : 21;
  // Interleaved so that load on the machine hits every row alike.
  const cases = {
    main: `require(${JSON.stringify(ROOT)})`,
    preload: `require(${JSON.stringify(path.join(ROOT, 'lib', 'electron', 'preload.js'))})`,
    cp: "require('child_process')",
    core: "require('child_process');require('net');require('http')",
  };
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let i = 0; i < n; i++) for (const [k, code] of Object.entries(cases)) samples[k].push(sample(code));
  const m = (k, what) => median(samples[k].map((s) => s[what]));
  const row = (work, k, anchorKey, anchorName, what, target, limit) => {
    const ours = m(k, what);
    const anchor = m(anchorKey, what);
    return { work: `${work} (${what})`, ours, anchor, anchorName, ratio: ours / anchor, unit: 'ms', target, pass: ours <= limit };
  };
  const rows = [];
  for (const what of ['wall', 'cpu']) {
    rows.push(row("require('backend-warden')", 'main', 'cp', "require('child_process')", what, '<= 5 ms', 5));
    rows.push(row("require('backend-warden')", 'main', 'core', 'child_process+net+http', what, '<= 5 ms', 5));
    rows.push(row("require('backend-warden/preload')", 'preload', 'cp', "require('child_process')", what, '<= 2 ms', 2));
  }
  return rows;
}

module.exports = { run };

if (require.main === module) runAsScript(run);

'use strict';
// The no-shell lane (G5): runs a full workload of the library under
// `strace -f` and fails on any execve of anything but node (the host and the
// workload's own backends), the supervisor, and the Windows console helper.
// No shell, no ps/ss/lsof/taskkill/netsh, ever.
//
//   node scripts/no-shell.js          (Linux, needs strace: apt-get install strace)

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
// sleep: the workload's own leaves (test/fixtures/tree.js runs `sleep 1000` on POSIX) —
// a program the app names, not one the library adds.
const ALLOWED = new Set([path.basename(process.execPath), 'node', 'backend_warden_supervisor', 'backend_warden_ctrlc.exe', 'sleep']);

// Everything the library does that could tempt it to run a program.
const WORKLOAD = `
const path = require('path');
const w = require(${JSON.stringify(root)});
const server = ${JSON.stringify(path.join(root, 'test', 'fixtures', 'backend-server.js'))};
const tree = ${JSON.stringify(path.join(root, 'test', 'fixtures', 'tree.js'))};
(async () => {
  const port = await w.findFreePort();
  await w.isPortFree(port);
  await w.isPortFree(port, 'localhost');
  const b = new w.Backend({ command: process.execPath, args: [server, '--children=2'], readiness: { path: '/health' }, shutdown: { path: '/shutdown' }, pidFile: path.join(require('os').tmpdir(), 'bw-noshell-' + process.pid + '.pid'), logger: { info() {}, warn() {}, error() {}, debug() {} } });
  const { port: p, pid } = await b.start();
  await w.waitForPort(p);
  await w.portOwner(p);
  await w.listTree(pid);
  await w.processInfo(pid);
  b.getFirewallCommand();
  await b.checkFirewall();
  await b.getFirewallRule();
  await w.checkFirewall({ program: process.execPath, port: p });
  await b.restart();
  await b.stop();
  const c = w.spawnTree(process.execPath, [tree, '--children', '3', '--daemon'], { stdout: 'ignore' });
  await c.spawned;
  await new Promise((r) => setTimeout(r, 500));
  await c.kill({ graceMs: 1000 });
  const plain = require('child_process').spawn(process.execPath, [tree, '--children', '3'], { stdio: 'ignore', detached: true });
  await new Promise((r) => setTimeout(r, 500));
  await w.killTree(plain.pid, { graceMs: 500 });
  const d = w.spawnTree(process.execPath, [tree, '--children', '2'], { stdout: 'ignore' });
  await d.spawned;
  d.killSync();
  await d.exited;
  console.log('workload done');
})().catch((e) => { console.error(e); process.exit(1); });
`;

function main() {
  if (process.platform !== 'linux') {
    console.log('no-shell: Linux only (strace)');
    return 0;
  }
  if (spawnSync('strace', ['-V']).status !== 0) {
    console.error('no-shell: strace not found (apt-get install strace; scripts/ensure-servers.js does)');
    return 1;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-noshell-'));
  const out = path.join(dir, 'trace');
  const t0 = Date.now();
  const r = spawnSync('strace', ['-f', '-qq', '-s', '256', '-e', 'trace=execve,execveat', '-o', out, process.execPath, '-e', WORKLOAD], {
    stdio: ['ignore', 'inherit', 'inherit'], timeout: 120000,
  });
  const lines = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split('\n') : [];
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) {
    console.error(`no-shell: the workload failed (${r.status ?? r.signal})`);
    return 1;
  }
  const execs = [];
  for (const line of lines) {
    const m = /execve(?:at)?\((?:[^,]*, )?"([^"]*)"/.exec(line);
    if (m) execs.push({ file: m[1], ok: / = 0$/.test(line) });
  }
  const bad = execs.filter((e) => !ALLOWED.has(path.basename(e.file)));
  const ran = [...new Set(execs.filter((e) => e.ok).map((e) => path.basename(e.file)))];
  console.log(`no-shell: ${execs.length} execve calls (${execs.filter((e) => e.ok).length} succeeded) in ${((Date.now() - t0) / 1000).toFixed(1)} s; programs run: ${ran.join(', ')}`);
  if (bad.length) {
    console.error(`no-shell: FAILED, forbidden execve: ${[...new Set(bad.map((e) => e.file))].join(', ')}`);
    return 1;
  }
  console.log('no-shell: 1 passing, 0 failing');
  return 0;
}

process.exit(main());

'use strict';
// The backend-warden command-line tool, tested by spawning the real command
// (bin/backend-warden.js) against real processes and sockets.

const assert = require('assert');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn, execFile } = require('child_process');
const {
  fixture, isWindows, isWine, waitFor, pidAlive, makeMarker, markerEnv, killMarked, removeMarker,
} = require('./helpers');

const BIN = path.join(__dirname, '..', 'bin', 'backend-warden.js');

function cli(args, timeoutMs = 30000) {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

async function cliJson(args) {
  const r = await cli([...args, '--json']);
  return { code: r.code, data: JSON.parse(r.stdout), stderr: r.stderr };
}

// Every holder's tree carries a marker (test/hooks.js checks that none
// outlives its test); cleanup kills the whole tree, not only the root, whose
// children would outlive it on Linux.
const running = [];
async function startHolder(extra = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-cli-'));
  const readyFile = path.join(dir, 'port');
  const marker = makeMarker();
  const child = spawn(process.execPath, [fixture('observe-backend.js'), '--ready-file', readyFile, ...extra], { stdio: 'ignore', env: markerEnv(marker) });
  running.push({ child, marker });
  const port = Number(await waitFor(() => fs.existsSync(readyFile) && fs.readFileSync(readyFile, 'utf8'), 15000));
  return { child, port };
}

describe('cli: backend-warden', function () {
  this.timeout(60000);

  // In the describe, so that it runs before the leak check's root hook.
  afterEach(() => {
    for (const { child, marker } of running.splice(0)) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch { /* gone */ }
      killMarked(marker);
      removeMarker(marker);
    }
  });

  it('with no arguments prints usage, the commands and the exit codes, and exits 0', async () => {
    const r = await cli([]);
    assert.strictEqual(r.code, 0);
    for (const word of ['who <port>', 'free <port>', 'tree <pid>', 'firewall <program> <port>', 'doctor', '--json', 'Exit codes']) {
      assert.ok(r.stdout.includes(word), `usage lacks ${word}`);
    }
  });

  it('bad arguments exit 2 with a message on stderr', async () => {
    for (const args of [['bogus'], ['who'], ['who', '70000'], ['tree', 'abc'], ['who', '80', '--force'], ['who', '80', '--nope']]) {
      const r = await cli(args);
      assert.strictEqual(r.code, 2, `${args.join(' ')}: ${r.code} ${r.stderr}`);
      assert.match(r.stderr, /^backend-warden: /, args.join(' '));
    }
    const j = await cliJson(['who', 'x']);
    assert.strictEqual(j.code, 2);
    assert.strictEqual(j.data.exitCode, 2);
    assert.strictEqual(j.data.error.code, 'ERR_USAGE');
  });

  it('package.json names the command in bin', () => {
    const pkg = require('../package.json');
    assert.strictEqual(pkg.bin['backend-warden'], 'bin/backend-warden.js');
    assert.ok(pkg.files.includes('bin/'));
    assert.match(fs.readFileSync(BIN, 'utf8'), /^#!\/usr\/bin\/env node/);
  });

  it('who <port> names the owner, its command line and its tree (skipped on Wine: no listener pid)', async function () {
    if (isWine) this.skip();
    const { child, port } = await startHolder(['--children', '2']);
    await waitFor(async () => (await cliJson(['tree', String(child.pid)])).data.tree.processes === 3, 15000);
    const { code, data } = await cliJson(['who', String(port)]);
    assert.strictEqual(code, 0);
    assert.strictEqual(data.owner.pid, child.pid);
    assert.strictEqual(data.owner.tree.processes, 3);
    // Its arguments, natively on every OS (Windows: split by the MSVC rules).
    assert.ok(Array.isArray(data.owner.command) && data.owner.command.includes(fixture('observe-backend.js')), JSON.stringify(data.owner.command));
    assert.ok(data.owner.command.includes('--children'));
    const human = await cli(['who', String(port)]);
    assert.strictEqual(human.code, 0);
    assert.match(human.stdout, new RegExp(`pid: +${child.pid}`));
    assert.match(human.stdout, /PID +CPU +MEMORY +NAME/);
  });

  it('who <port> of a free port exits 3', async () => {
    const srv = net.createServer();
    await new Promise((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address();
    await new Promise((r) => srv.close(r));
    const r = await cli(['who', String(port)]);
    assert.strictEqual(r.code, 3);
    assert.match(r.stdout, /Nothing holds port/);
  });

  it(`tree <pid> prints the root's command line and an indented tree with CPU and memory; a missing pid exits 3${isWine ? ' (Wine 8 has no ProcessCommandLineInformation: the line comes from the PEB read)' : ''}`, async () => {
    const { child } = await startHolder(['--children', '2']);
    const { data } = await waitFor(async () => {
      const j = await cliJson(['tree', String(child.pid)]);
      return j.data.tree && j.data.tree.processes === 3 && j;
    }, 15000);
    assert.strictEqual(data.tree.members[0].pid, child.pid);
    assert.deepStrictEqual(data.command, [process.execPath, fixture('observe-backend.js'), '--ready-file', data.command[3], '--children', '2']);
    for (const m of data.tree.members) {
      assert.ok(m.rssBytes > 0, JSON.stringify(m));
      assert.ok(m.cpuMs >= 0);
    }
    const human = await cli(['tree', String(child.pid)]);
    assert.strictEqual(human.code, 0);
    const lines = human.stdout.split('\n');
    assert.match(lines[0], /^command: +.*observe-backend\.js --ready-file .* --children 2$/);
    assert.match(lines[2], /^PID +CPU +MEMORY +NAME$/);
    assert.strictEqual(lines.filter((l) => /└ node/.test(l)).length, 2, human.stdout);
    assert.match(human.stdout, /3 processes, CPU .*memory \d/);
    const gone = await cli(['tree', '4294967295']);
    assert.strictEqual(gone.code, 3);
  });

  it('free <port> stops the owner tree politely and the port is free (skipped on Windows: no polite stop; Wine: no listener pid)', async function () {
    if (isWindows) this.skip();
    const { child, port } = await startHolder(['--children', '2']);
    const members = await waitFor(async () => {
      const j = await cliJson(['tree', String(child.pid)]);
      return j.data.tree && j.data.tree.processes === 3 && j.data.tree.members.map((m) => m.pid);
    }, 15000);
    const { code, data } = await cliJson(['free', String(port)]);
    assert.strictEqual(code, 0, JSON.stringify(data));
    assert.deepStrictEqual(data.survivors, []);
    assert.strictEqual(data.forced, false);
    assert.strictEqual(data.portFree, true);
    await waitFor(() => members.every((p) => !pidAlive(p)), 5000);
  });

  it('free <port> leaves a tree that ignores SIGTERM running (exit 5); --force ends it (skipped on Windows: no polite stop)', async function () {
    if (isWindows) this.skip();
    const { child, port } = await startHolder(['--children', '1', '--ignore-term']);
    await waitFor(async () => (await cliJson(['tree', String(child.pid)])).data.tree.processes === 2, 15000);
    const polite = await cliJson(['free', String(port), '--grace-ms', '300']);
    assert.strictEqual(polite.code, 5, JSON.stringify(polite.data));
    assert.strictEqual(polite.data.survivors.length, 2);
    assert.ok(pidAlive(child.pid));
    const forced = await cliJson(['free', String(port), '--force', '--grace-ms', '200']);
    assert.strictEqual(forced.code, 0, JSON.stringify(forced.data));
    assert.strictEqual(forced.data.forced, true);
    await waitFor(() => !pidAlive(child.pid), 5000);
  });

  it('free refuses the caller and its ancestors (exit 4) (skipped on Wine: no listener pid)', async function () {
    if (isWine) this.skip();
    // This mocha process holds the port and is the tool's parent.
    const srv = net.createServer();
    await new Promise((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const r = await cliJson(['free', String(srv.address().port), '--force']);
      assert.strictEqual(r.code, 4, JSON.stringify(r.data));
      assert.strictEqual(r.data.owner.pid, process.pid);
      assert.strictEqual(srv.listening, true);
    } finally {
      srv.close();
    }
  });

  it('firewall <program> <port> gives the verdict (not-applicable off Windows) and exits 0', async () => {
    const program = isWindows ? 'C:\\app\\backend.exe' : process.execPath;
    const { code, data } = await cliJson(['firewall', program, '8080']);
    assert.strictEqual(code, 0);
    assert.ok(['allowed', 'blocked', 'no-rule', 'not-applicable', 'unknown'].includes(data.status.state));
    if (!isWindows) assert.strictEqual(data.status.state, 'not-applicable');
    if (isWindows) assert.match(data.command, /netsh advfirewall firewall add rule/);
    const human = await cli(['firewall', program, '8080']);
    assert.match(human.stdout, /^verdict: /);
  });

  it('doctor prints platform, native binary and port ranges; --json for machines', async () => {
    const { child, port } = await startHolder();
    const { code, data } = await cliJson(['doctor', '--port', String(port), '--program', process.execPath]);
    assert.strictEqual(code, 0);
    assert.strictEqual(data.platform.platform, process.platform);
    assert.strictEqual(data.native.ok, true);
    assert.ok(['prebuild', 'source build'].includes(data.native.kind));
    assert.strictEqual(data.runtime.node, process.version);
    assert.strictEqual(data.port.port, port);
    if (!isWine) assert.strictEqual(data.port.owner.pid, child.pid);
    assert.ok(data.firewall.state);
    if (process.platform === 'linux') {
      assert.match(data.platform.glibc, /^\d+\.\d+/);
      assert.strictEqual(data.ports.ephemeral.length, 2);
    }
    if (isWindows) assert.ok('tcp' in data.ports.excluded);
    const human = await cli(['doctor']);
    assert.strictEqual(human.code, 0);
    assert.match(human.stdout, /^backend-warden: +\d+\.\d+\.\d+/m);
    assert.match(human.stdout, /^native: +(prebuild|source build), /m);
  });
});

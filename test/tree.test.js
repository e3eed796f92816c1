'use strict';
// Process trees: listTree, killTree, spawnTree (supervised spawn) and host
// death (G1–G4). Real processes; survivors are found by a marker every
// descendant inherits, never by name.

const assert = require('assert');
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const warden = require('..');
const { binding } = require('../lib/native');
const {
  isWindows, isWine, isQemu, slow, QEMU_NOTE, childNode, noSubreaper, NO_SUBREAPER, fixture, waitFor, makeMarker, markedProcesses, markerEnv, pidAlive, readableRoot, readableEnv,
} = require('./helpers');

const TREE = fixture('tree.js');
// Under Wine a process start costs about half a second: trees are smaller.
const BIG = isWindows ? 10 : 100;
// Windows: the polite stop is Ctrl+C to the backend's console; the daemon
// these trees start is detached (no console), so it is forced after graceMs.
const POLITE = isWindows ? ' (Windows: the detached daemon has no console for Ctrl+C, so forced after graceMs)' : '';
const GRACE = isWindows ? 500 : 20000;

// A tree that obeys SIGTERM must not wait out the grace period: its kill
// takes a small fraction of graceMs (a quarter: generous on a loaded machine,
// and still far below a killTree that slept the full grace). Not on Windows,
// where these trees are forced after graceMs (see POLITE).
// Under qemu-user (emulated addon and supervisor) the bound is 80 % of the
// grace instead of a quarter: still short of waiting it out.
function assertQuick(startedAt, graceMs) {
  const ms = Date.now() - startedAt;
  const bound = isQemu ? graceMs * 0.8 : graceMs / 4;
  if (!isWindows) assert.ok(ms < bound, `the kill took ${ms} ms with graceMs ${graceMs} (a tree that obeys SIGTERM must not wait out the grace)`);
}

function rmMarker(marker) {
  fs.rmSync(marker, { recursive: true, force: true });
}

async function expectNoSurvivors(marker, timeoutMs = 3000) {
  await waitFor(() => markedProcesses(marker).length === 0, timeoutMs).catch(() => {});
  assert.deepStrictEqual(markedProcesses(marker), [], 'survivors carry the marker');
}

function readyCount(marker) {
  return fs.readdirSync(marker).filter((f) => f.startsWith('ready-')).length;
}

// The PID of the live process tree.js registered as <role>-<pid> (its own
// pid file; 'early': the first-millisecond grandchild), or 0 while none.
function rolePid(marker, role) {
  const name = fs.readdirSync(marker).find((f) => f.startsWith(`${role}-`));
  if (!name) return 0;
  const pid = Number(name.slice(role.length + 1));
  return pidAlive(pid) ? pid : 0;
}

// The PID of the double-forked daemon once the double fork is complete, or
// 0 before: its pid file written, its parent (the intermediate, named in
// that file) gone and, on Linux, /proc/<pid>/stat showing another parent and
// a session of its own (sid === pid).
function daemonPid(marker) {
  const pid = rolePid(marker, 'daemon');
  if (!pid) return 0;
  const parent = Number(fs.readFileSync(path.join(marker, `daemon-${pid}`), 'utf8'));
  if (pidAlive(parent)) return 0;
  if (process.platform === 'linux') {
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      return 0;
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(f[1]) === parent || Number(f[3]) !== pid) return 0;
  }
  return pid;
}

// Starts fixture tree.js supervised (spawnTree) or plainly (child_process);
// its members never load the addon, so they run as childNode.
async function startTree(args, { supervised = true, extraEnv = {}, graceMs } = {}) {
  const marker = makeMarker();
  const env = markerEnv(marker, extraEnv);
  let child;
  if (supervised) {
    child = warden.spawnTree(childNode, [TREE, ...args], { env, stdout: 'pipe', stderr: 'inherit', graceMs });
    await child.spawned;
  } else {
    child = spawn(childNode, [TREE, ...args], { env, stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
  }
  return { child, marker };
}

describe('process trees', function () {
  this.timeout(slow(isWindows ? 120000 : 30000));

  describe('listTree', function () {
    it('lists the tree root first, with parents and identities', async function () {
      const { child, marker } = await startTree(['--children', '3'], { supervised: false });
      try {
        await waitFor(() => readyCount(marker) === 1, 20000);
        const tree = await warden.listTree(child.pid);
        assert.strictEqual(tree[0].pid, child.pid);
        assert.strictEqual(tree.length, 4, JSON.stringify(tree));
        for (const p of tree.slice(1)) assert.strictEqual(p.ppid, child.pid);
        for (const p of tree) assert.strictEqual(typeof p.startTime, 'number');
        const info = await warden.processInfo(child.pid);
        assert.strictEqual(tree[0].startTime, info.startTime);
      } finally {
        // The tree first: SIGKILL to the root alone would orphan its leaves
        // and leave killTree nothing to find (ESRCH).
        await warden.killTree(child.pid, { graceMs: 0 });
        rmMarker(marker);
      }
    });

    // qemu-user answers an emulated process's reads of its own /proc/<pid>/stat
    // with made-up fields: there the identity is checked on a child.
    it(`rejects ESRCH for a PID that does not exist, or whose identity differs${isQemu ? ' (qemu-user: checked on a child, as qemu fakes the /proc/self/stat of the process it emulates)' : ''}`, async function () {
      await assert.rejects(warden.listTree(0x7ffffff0), { code: 'ESRCH' });
      const other = isQemu ? spawn(childNode, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' }) : null;
      try {
        if (other) await new Promise((resolve) => other.once('spawn', resolve));
        const pid = other ? other.pid : process.pid;
        const me = await warden.processInfo(pid);
        await assert.rejects(warden.listTree(pid, { startTime: me.startTime + 1 }), { code: 'ESRCH' });
        assert.strictEqual((await warden.listTree(pid, { startTime: me.startTime }))[0].pid, pid);
      } finally {
        if (other) other.kill('SIGKILL');
      }
    });
  });

  describe('killTree', function () {
    const daemonized = noSubreaper ? ` (no daemonized grandchild: ${NO_SUBREAPER}, and a daemon escapes it as it would on macOS)` : ' with a daemonized grandchild';
    it(`kills a ${BIG}-process supervised tree${daemonized}: zero survivors, killed listed${POLITE}${isWine ? ' (Wine: its job PID list names one process only, so the orphaned daemon is killed but not listed)' : ''}`, async function () {
      const { child, marker } = await startTree(noSubreaper ? ['--children', String(BIG - 1)] : ['--children', String(BIG - 3), '--daemon']);
      try {
        const members = () => markedProcesses(marker).filter((pid) => pid !== child.supervisorPid);
        // Without a subreaper: no daemon, BIG - 1 leaves (see the title).
        const daemon = noSubreaper ? 0 : await waitFor(() => daemonPid(marker), 60000);
        // The root, BIG - 3 leaves and the daemon (the intermediate is gone).
        await waitFor(() => readyCount(marker) === 1 && members().length >= BIG - 1, 60000);
        const before = members();
        if (daemon) assert.ok(before.includes(daemon), 'the daemon is marked before the kill');
        const started = Date.now();
        const result = await warden.killTree(child.pid, { graceMs: GRACE });
        assertQuick(started, GRACE);
        assert.strictEqual(result.forced, isWindows);
        assert.deepStrictEqual(result.survivors, []);
        const unlisted = before.filter((pid) => !result.killed.includes(pid));
        assert.ok(result.killed.includes(child.pid), 'killed lists the root');
        // Under Wine the orphaned daemon (parent gone) is found only through
        // the job's PID list, which Wine returns incomplete.
        assert.ok(unlisted.length <= (isWine ? 1 : 0), `killed lists ${unlisted}`);
        if (!isWine && daemon) assert.ok(result.killed.includes(daemon), `killed lists the daemon ${daemon}`);
        await expectNoSurvivors(marker);
        if (daemon) assert.ok(!pidAlive(daemon), 'the daemon is gone');
      } finally {
        child.killSync();
        rmMarker(marker);
      }
    });

    it(`kills an unsupervised ${BIG}-process tree (native walk): zero survivors`, async function () {
      const { child, marker } = await startTree(['--children', String(BIG - 1)], { supervised: false });
      try {
        await waitFor(() => readyCount(marker) === 1 && markedProcesses(marker).length >= BIG, 60000);
        const started = Date.now();
        const result = await warden.killTree(child.pid, { graceMs: isWindows ? 2000 : GRACE });
        if (!isWindows) {
          assertQuick(started, GRACE);
          assert.strictEqual(result.forced, false);
        }
        assert.deepStrictEqual(result.survivors, []);
        assert.ok(result.killed.length >= BIG, `${result.killed.length} killed`);
        await expectNoSurvivors(marker);
      } finally {
        rmMarker(marker);
      }
    });

    it(`forces a tree that ignores ${isWindows ? 'the polite stop' : 'SIGTERM'} after graceMs: forced, zero survivors`, async function () {
      for (const supervised of [true, false]) {
        const { child, marker } = await startTree(['--children', '3', '--ignore-term'], { supervised });
        try {
          await waitFor(() => readyCount(marker) === 1, 20000);
          const started = Date.now();
          const result = await warden.killTree(child.pid, { graceMs: 300 });
          assert.strictEqual(result.forced, true, `forced (supervised: ${supervised})`);
          assert.ok(Date.now() - started >= 250, 'waited for the grace period');
          assert.deepStrictEqual(result.survivors, []);
          await expectNoSurvivors(marker);
        } finally {
          rmMarker(marker);
        }
      }
    });

    it('graceMs: 0 forces at once', async function () {
      const { child, marker } = await startTree(['--children', '2'], { supervised: false });
      try {
        await waitFor(() => readyCount(marker) === 1, 20000);
        const result = await warden.killTree(child.pid, { graceMs: 0 });
        assert.strictEqual(result.forced, true);
        await expectNoSurvivors(marker);
      } finally {
        rmMarker(marker);
      }
    });

    it('never signals a PID whose start time no longer matches (identity, G4)', async function () {
      const { child, marker } = await startTree(['--children', '1'], { supervised: false });
      try {
        const info = await warden.processInfo(child.pid);
        await assert.rejects(warden.killTree(child.pid, { startTime: info.startTime + 1, graceMs: 0 }), { code: 'ESRCH' });
        assert.ok(pidAlive(child.pid), 'the process was left alone');
        assert.throws(() => warden.killTreeSync(child.pid, { startTime: info.startTime + 1 }), { code: 'ESRCH' });
        assert.ok(pidAlive(child.pid), 'the process was left alone (sync)');
        const result = await warden.killTree(child.pid, { startTime: info.startTime, graceMs: 0 });
        assert.ok(result.killed.includes(child.pid));
      } finally {
        await warden.killTree(child.pid, { graceMs: 0 }).catch(() => {});
        rmMarker(marker);
      }
    });

    it('rejects ESRCH for a PID that does not exist', async function () {
      await assert.rejects(warden.killTree(0x7ffffff0), { code: 'ESRCH', syscall: isWindows ? 'OpenProcess' : 'open' });
    });

    it('refuses PID 1, the calling process and its ancestors', async function () {
      await assert.rejects(warden.killTree(process.pid), { code: 'ERR_INVALID_ARG_VALUE' });
      await assert.rejects(binding().killTree(process.pid, 15, 0, null), { code: 'ERR_INVALID_ARG_VALUE' });
      if (process.ppid > 1) await assert.rejects(warden.killTree(process.ppid), { code: 'ERR_INVALID_ARG_VALUE' });
      if (!isWindows) await assert.rejects(warden.killTree(1), { code: 'ERR_INVALID_ARG_VALUE' });
    });

    // A process owned by another user, which a non-root caller may not signal.
    function foreignPid() {
      if (process.platform !== 'linux') return null;
      for (const name of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(name) || name === '1') continue;
        try {
          const uid = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${name}/status`, 'utf8'))[1];
          if (Number(uid) !== process.getuid()) return Number(name);
        } catch { /* gone */ }
      }
      return null;
    }
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const foreign = isRoot ? null : foreignPid();
    const LINUX_ONLY = ' (skipped: Linux only, it finds a process of another user in /proc)';
    const linux = process.platform === 'linux';
    (foreign ? it : it.skip)(`rejects EPERM for a process it may not signal, touching nothing${foreign ? '' : !linux ? LINUX_ONLY : isRoot ? ' (skipped: running as root, which may signal anything; the next test drops privileges instead)' : ' (skipped: no process of another user to try)'}`, async function () {
      await assert.rejects(warden.killTree(foreign, { graceMs: 0 }), { code: 'EPERM', syscall: 'kill' });
      assert.ok(pidAlive(foreign));
    });

    (isRoot && linux ? it : it.skip)(`rejects EPERM when an unprivileged caller names a root process, touching nothing${!linux ? ' (skipped: Linux only, it drops the caller to uid 65534)' : isRoot ? ' (caller dropped to uid 65534)' : ' (skipped: needs root to start the unprivileged caller)'}`, async function () {
      const victim = spawn('sleep', ['30'], { stdio: 'ignore' });
      try {
        await new Promise((resolve) => victim.once('spawn', resolve));
        // A copy any user may read: the checkout may sit in a 0700 directory.
        const code = `require(${JSON.stringify(readableRoot())}).killTree(${victim.pid}, { graceMs: 0 })
          .then(() => console.log('killed'), (e) => console.log(JSON.stringify({ code: e.code, syscall: e.syscall })));`;
        const r = require('child_process').spawnSync(process.execPath, ['-e', code], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: '/', env: readableEnv(), timeout: slow(60000) });
        assert.ok(r.stdout !== null && r.status !== null, `the uid-65534 caller did not run: ${r.error ? r.error.message : r.signal}`);
        assert.deepStrictEqual(JSON.parse(r.stdout.trim()), { code: 'EPERM', syscall: 'kill' }, r.stderr);
        assert.ok(pidAlive(victim.pid), 'the victim was left alone');
      } finally {
        victim.kill('SIGKILL');
      }
    });

    for (const [bad, code] of [['1', 'ERR_INVALID_ARG_TYPE'], [0, 'ERR_OUT_OF_RANGE'], [-5, 'ERR_OUT_OF_RANGE'], [1.5, 'ERR_OUT_OF_RANGE']]) {
      it(`rejects pid ${JSON.stringify(bad)} with ${code} (JS layer and raw binding)`, async function () {
        await assert.rejects(warden.killTree(bad), { code });
        await assert.rejects(warden.listTree(bad), { code });
        assert.throws(() => binding().killTree(bad, 15, 0, null), { code });
        assert.throws(() => binding().killTreeSync(bad, 15, 0, null), { code });
        assert.throws(() => binding().listTree(bad), { code });
      });
    }

    it('rejects bad options with Node-style codes', async function () {
      await assert.rejects(warden.killTree(12345, { graceMs: -1 }), { code: 'ERR_OUT_OF_RANGE' });
      await assert.rejects(warden.killTree(12345, { graceMs: '5' }), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(warden.killTree(12345, 'SIGTERM'), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(warden.killTree(12345, { signal: 'SIGNOPE' }), { code: 'ERR_INVALID_ARG_VALUE' });
      await assert.rejects(warden.killTree(12345, { startTime: 'x' }), { code: 'ERR_INVALID_ARG_TYPE' });
      assert.throws(() => binding().killTree(12345, 'x', 0, null), { code: 'ERR_INVALID_ARG_TYPE' });
      assert.throws(() => binding().killTree(12345, 15, -1, null), { code: 'ERR_OUT_OF_RANGE' });
      assert.throws(() => binding().killTree(12345, 15, 0, 'x'), { code: 'ERR_INVALID_ARG_TYPE' });
    });

    // Windows has no signals, but a signal name is checked there as on POSIX.
    it('rejects an unknown signal on every OS (killTree and killTreeSync)', async function () {
      assert.throws(() => warden.killTreeSync(12345, { signal: 'SIGBOGUS' }), { code: 'ERR_INVALID_ARG_VALUE' });
      await assert.rejects(warden.killTree(12345, { signal: 'SIGBOGUS' }), { code: 'ERR_INVALID_ARG_VALUE' });
      await assert.rejects(warden.killTree(12345, { signal: 12345 }), { code: 'ERR_INVALID_ARG_VALUE' });
      await assert.rejects(warden.killTree(12345, { signal: {} }), { code: 'ERR_INVALID_ARG_TYPE' });
    });
  });

  describe('spawnTree', function () {
    it('reports pid and identity, passes stdout through unchanged, and forwards the exit code', async function () {
      const child = warden.spawnTree(childNode, ['-e', 'process.stdout.write("hello\\nworld\\n"); process.exitCode = 7']);
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
      const events = [];
      child.on('spawn', () => events.push('spawn'));
      child.on('exit', (code, signal) => events.push(['exit', code, signal]));
      const { pid, startTime } = await child.spawned;
      assert.strictEqual(child.pid, pid);
      assert.strictEqual(typeof startTime, 'number');
      const { code, signal } = await child.exited;
      assert.strictEqual(code, 7);
      assert.strictEqual(signal, null);
      assert.strictEqual(out, 'hello\nworld\n');
      assert.deepStrictEqual(events, ['spawn', ['exit', 7, null]]);
      assert.deepStrictEqual(await child.kill(), { killed: [], forced: false, survivors: [], complete: true });
    });

    it('passes cwd and env, and nothing else of the host', async function () {
      const child = warden.spawnTree(childNode, ['-e', 'console.log(JSON.stringify([process.cwd(), process.env.BW_X, process.env.BW_Y]))'], {
        cwd: path.dirname(__dirname), env: { ...process.env, BW_X: 'x', BW_Y: undefined },
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
      await child.exited;
      assert.deepStrictEqual(JSON.parse(out), [path.dirname(__dirname), 'x', null]);
    });

    it('rejects spawned with ENOENT for a program that does not exist, and emits no exit', async function () {
      const missing = path.join(__dirname, 'no-such-program');
      const child = warden.spawnTree(missing, []);
      let exited = false;
      child.on('exit', () => { exited = true; });
      await assert.rejects(child.spawned, (err) => {
        assert.strictEqual(err.code, 'ENOENT');
        assert.strictEqual(err.syscall, 'spawn');
        assert.strictEqual(err.path, missing);
        return true;
      });
      await child.exited;
      assert.strictEqual(exited, false);
    });

    (isWindows ? it.skip : it)(`fails with a clear error when the supervisor is missing${isWindows ? ' (skipped on Windows: the job object needs no supervisor)' : ''}`, async function () {
      const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'bw-nosup-'));
      try {
        fs.copyFileSync(binding().path, path.join(dir, 'backend_warden.node'));
        const code = `const w = require(${JSON.stringify(path.resolve(__dirname, '..'))});
          const c = w.spawnTree(process.execPath, ['-e', '0']);
          c.spawned.then(() => console.log('spawned'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })));`;
        const r = require('child_process').spawnSync(process.execPath, ['-e', code], {
          env: { ...process.env, BACKEND_WARDEN_NATIVE: path.join(dir, 'backend_warden.node') }, encoding: 'utf8', timeout: 60000,
        });
        const result = JSON.parse(r.stdout.trim());
        assert.strictEqual(result.code, 'ENOENT');
        assert.match(result.message, /supervisor .* is missing or not executable/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    (noSubreaper ? it.skip : it)(`kill() takes down the whole tree, daemonized grandchild included${POLITE}${noSubreaper ? ` (skipped: ${NO_SUBREAPER}, and the daemon escapes it as it would on macOS)` : ''}`, async function () {
      const { child, marker } = await startTree(['--children', '3', '--depth', '2', '--daemon']);
      try {
        const daemon = await waitFor(() => daemonPid(marker), 60000);
        // The root, 3 depth-2 leaves with 2 leaves each, and the daemon.
        await waitFor(() => markedProcesses(marker).filter((pid) => pid !== child.supervisorPid).length >= 11, 60000);
        const started = Date.now();
        const result = await child.kill({ graceMs: GRACE });
        assertQuick(started, GRACE);
        assert.ok(isWine || result.killed.includes(daemon), `killed lists the daemon ${daemon}`);
        assert.strictEqual(result.forced, isWindows);
        assert.deepStrictEqual(result.survivors, []);
        await expectNoSurvivors(marker);
        assert.ok(!pidAlive(daemon), 'the daemon is gone');
        assert.strictEqual(child.signalCode !== null || child.exitCode !== null, true);
      } finally {
        child.killSync();
        rmMarker(marker);
      }
    });

    it(`killSync() force-kills the whole tree synchronously${noSubreaper ? ` (no daemonized member: ${NO_SUBREAPER})` : ''}`, async function () {
      const { child, marker } = await startTree(['--children', '3', ...(noSubreaper ? [] : ['--daemon']), '--ignore-term']);
      try {
        // No daemon without a subreaper (see the title).
        const daemon = noSubreaper ? 0 : await waitFor(() => daemonPid(marker), 60000);
        await waitFor(() => readyCount(marker) === 1, 60000);
        child.killSync();
        await expectNoSurvivors(marker, 1000);
        if (daemon) assert.ok(!pidAlive(daemon), 'the daemon is gone');
        await child.exited;
      } finally {
        rmMarker(marker);
      }
    });

    it(`a backend that exits at once leaves nothing behind (the rest of its tree is torn down)${noSubreaper ? ` (${NO_SUBREAPER}: its orphans are found in the backend's process group)` : ''}`, async function () {
      const { child, marker } = await startTree(['--children', '3', '--exit-now'], { graceMs: 500 });
      try {
        const { code } = await child.exited;
        assert.strictEqual(code, 0);
        await expectNoSurvivors(marker);
      } finally {
        rmMarker(marker);
      }
    });

    it('a grandchild spawned in the first millisecond is killed with the tree', async function () {
      const { child, marker } = await startTree(['--early-grandchild', '--leaf']);
      try {
        const early = await waitFor(() => rolePid(marker, 'early'), 30000);
        const started = Date.now();
        const result = await child.kill({ graceMs: isWindows ? 1000 : GRACE });
        if (!isWindows) {
          assertQuick(started, GRACE);
          assert.strictEqual(result.forced, false);
        }
        await expectNoSurvivors(marker);
        assert.ok(!pidAlive(early), 'the first-millisecond grandchild is gone');
      } finally {
        rmMarker(marker);
      }
    });

    it('rejects bad arguments synchronously with Node-style codes', function () {
      assert.throws(() => warden.spawnTree(42), { code: 'ERR_INVALID_ARG_TYPE' });
      assert.throws(() => warden.spawnTree(''), { code: 'ERR_INVALID_ARG_VALUE' });
      assert.throws(() => warden.spawnTree('x\0y'), { code: 'ERR_INVALID_ARG_VALUE' });
      assert.throws(() => warden.spawnTree(process.execPath, 'a b'), { code: 'ERR_INVALID_ARG_TYPE' });
      assert.throws(() => warden.spawnTree(process.execPath, [1]), { code: 'ERR_INVALID_ARG_TYPE' });
      assert.throws(() => warden.spawnTree(process.execPath, [], { stdout: 'file' }), { code: 'ERR_INVALID_ARG_VALUE' });
      assert.throws(() => warden.spawnTree(process.execPath, [], { graceMs: -1 }), { code: 'ERR_OUT_OF_RANGE' });
      assert.throws(() => warden.spawnTree(process.execPath, [], { env: { 'A=B': '1' } }), { code: 'ERR_INVALID_ARG_VALUE' });
      assert.throws(() => warden.spawnTree(process.execPath, [], null), { code: 'ERR_INVALID_ARG_TYPE' });
    });
  });

  describe(`host death (G2)${isWindows ? ': job object with KILL_ON_JOB_CLOSE' : ': supervisor'}`, function () {
    for (const mode of ['SIGKILL', 'exit', 'throw']) {
      const how = { SIGKILL: isWindows ? 'TerminateProcess' : 'SIGKILL', exit: 'a normal exit', throw: 'an uncaught exception' }[mode];
      const shape = noSubreaper ? `3 levels; no daemonized member: ${NO_SUBREAPER}` : '3 levels, one daemonized';
      it(`the whole tree (${shape}) is gone within ${isWine ? '5 s (Wine: its process teardown is slower, so the 1 s of G2 is not checked under Wine)' : '1 s'} of the host dying by ${how}${QEMU_NOTE}`, async function () {
        const marker = makeMarker();
        const host = spawn(process.execPath, [fixture('tree-host.js'), mode === 'SIGKILL' ? 'wait' : mode, ...(noSubreaper ? ['no-daemon'] : [])], {
          env: markerEnv(marker), stdio: 'ignore',
        });
        try {
          const ready = path.join(marker, 'host-ready');
          await waitFor(() => fs.existsSync(ready), isWindows ? 90000 : 20000);
          assert.ok(JSON.parse(fs.readFileSync(ready, 'utf8')).count >= (noSubreaper ? 4 : 6), 'the tree was up');
          if (mode === 'SIGKILL') host.kill('SIGKILL');
          await new Promise((resolve) => (host.exitCode !== null || host.signalCode !== null ? resolve() : host.once('exit', resolve)));
          const died = Date.now();
          // waitFor scales the bound under qemu-user (QEMU_NOTE in the title).
          await waitFor(() => markedProcesses(marker).length === 0, isWine ? 5000 : 1000).catch(() => {});
          assert.deepStrictEqual(markedProcesses(marker), [], `survivors ${Date.now() - died} ms after host death`);
        } finally {
          host.kill('SIGKILL');
          for (const pid of markedProcesses(marker)) {
            try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
          }
          rmMarker(marker);
        }
      });
    }
  });
});

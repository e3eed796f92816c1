'use strict';
// The POSIX kill engine against hostile trees (issue #13): helpers detached
// during a graceful stop, trees wider than a page of /proc text, members in
// the group but not in the tree, descriptor exhaustion, host death with
// members that ignore SIGTERM or never yield. Linux only where the fixture or
// the guarantee is Linux's (subreaper, /proc, prlimit); each skip says why.
// Survivors are found by the marker every process inherits, never by name.

const assert = require('assert');
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const warden = require('..');
const { binding } = require('../lib/native');
const {
  fixture, waitFor, slow, QEMU_NOTE, childNode, noSubreaper, NO_SUBREAPER, makeMarker, markedProcesses, killMarked, removeMarker, markerEnv, pidAlive,
} = require('./helpers');

const isLinux = process.platform === 'linux';
const linux = isLinux ? describe : describe.skip;
const ENGINE = fixture('engine-tree.js');
const WIDE = fixture('wide.pl');
const PID_PREFIX = fixture('pid-prefix.pl');
const HOST = fixture('engine-host.js');
const hasPerl = isLinux && spawnSync('perl', ['-e', '1'], { timeout: 30000 }).status === 0;
const hasPrlimit = isLinux && spawnSync('prlimit', ['--version'], { timeout: 30000 }).status === 0;
// Placing PIDs needs a writable /proc/sys/kernel/ns_last_pid (root in the PID
// namespace) and pid_max above 10,000.
const canPlacePids = hasPerl && (() => {
  try {
    fs.accessSync('/proc/sys/kernel/ns_last_pid', fs.constants.W_OK);
    return process.getuid() === 0 && Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8')) > 30000;
  } catch {
    return false;
  }
})();
// npm run test:asan preloads libasan into every process: their exits then take
// seconds, so host-death times are not asserted there (survivors still are).
const SANITIZED = /libasan/.test(process.env.LD_PRELOAD || '');
const TIMED = SANITIZED ? ' (time not asserted: sanitizer build, whose processes take seconds to exit)' : '';

async function survivors(marker, timeoutMs = 3000) {
  await waitFor(() => markedProcesses(marker).length === 0, timeoutMs).catch(() => {});
  return markedProcesses(marker);
}

function readReady(file, timeoutMs = 30000) {
  return waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8'), timeoutMs);
}

// engine-tree.js <mode>, plainly (child_process) or supervised (spawnTree);
// its members never load the addon, so they run as childNode.
async function startEngineTree(mode, { supervised = false, detached = false, graceMs } = {}) {
  const marker = makeMarker();
  const env = markerEnv(marker);
  let child;
  if (supervised) {
    child = warden.spawnTree(childNode, [ENGINE, mode], { env, stdout: 'ignore', stderr: 'inherit', graceMs });
    await child.spawned;
  } else {
    child = spawn(childNode, [ENGINE, mode], { env, stdio: 'ignore', detached });
    await new Promise((resolve) => child.once('spawn', resolve));
  }
  const ready = await readReady(path.join(marker, 'ready'));
  return { child, marker, ready };
}

// perl wide.pl <n>: one root with n children that ignore TERM and HUP. Not
// detached: the root leads no process group, so only the tree walk finds them.
async function startWide(n, { supervised = false } = {}) {
  const marker = makeMarker();
  const readyFile = path.join(marker, 'ready');
  const env = markerEnv(marker);
  let child;
  if (supervised) {
    child = warden.spawnTree('perl', [WIDE, String(n), readyFile], { env, stdout: 'ignore', stderr: 'inherit' });
    await child.spawned;
  } else {
    child = spawn('perl', [WIDE, String(n), readyFile], { env, stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
  }
  const [, got] = (await readReady(readyFile, 240000)).trim().split(' ').map(Number);
  assert.strictEqual(got, n, 'every child of the wide tree came up');
  return { child, marker };
}

linux('tree engine (Linux: subreaper, /proc child lists)', function () {
  this.timeout(slow(60000));

  describe('members found and killed (G1, G4)', function () {
    (noSubreaper ? it.skip : it)(`kills a helper that a backend detaches (setsid) in its SIGTERM handler before exiting (spawnTree kill)${noSubreaper ? ` (skipped: ${NO_SUBREAPER}, which is what brings the detached helper back)` : ''}`, async function () {
      const { child, marker } = await startEngineTree('detach-on-term', { supervised: true });
      try {
        const result = await child.kill({ graceMs: 1000 });
        const helper = Number(await readReady(path.join(marker, 'helper'), 5000));
        assert.ok(helper > 0);
        assert.deepStrictEqual(await survivors(marker), [], `the detached helper ${helper} survived; result ${JSON.stringify(result)}`);
        assert.ok(result.killed.includes(helper), `the helper is reported killed: ${JSON.stringify(result)}`);
        assert.deepStrictEqual(result.survivors, []);
      } finally {
        killMarked(marker);
        removeMarker(marker);
      }
    });

    it('says so when a plain killTree cannot follow a helper detached by an exiting member (no subreaper): result.complete is false', async function () {
      const { child, marker } = await startEngineTree('detach-on-term', { detached: true });
      try {
        const result = await warden.killTree(child.pid, { graceMs: 1000 });
        await readReady(path.join(marker, 'helper'), 5000);
        const left = await survivors(marker, 500);
        assert.strictEqual(typeof result.complete, 'boolean', JSON.stringify(result));
        if (left.length > 0) assert.strictEqual(result.complete, false, `${left} escaped, yet the result claims completeness: ${JSON.stringify(result)}`);
        assert.strictEqual(result.complete, false, 'a member exited by itself during the polite phase, so its last children could not be followed');
      } finally {
        killMarked(marker);
        removeMarker(marker);
      }
    });

    // Item 3: a child list cut at 4,095 bytes ended in "... 20683 206", and 206,
    // an unrelated process, was SIGKILLed. Here the cut falls exactly there:
    // 682 five-digit children, then one whose PID starts with the victim's.
    (canPlacePids ? it : it.skip)(`never takes the cut-off last PID of a wide child list for a member: the unrelated process with that PID survives killTree({ graceMs: 0 })${canPlacePids ? '' : ' (skipped: needs root, a writable /proc/sys/kernel/ns_last_pid and perl)'}`, async function () {
      this.timeout(300000);
      let root = null;
      let victim = 0;
      let marker = null;
      let text = '';
      for (let attempt = 0; attempt < 3 && root === null; attempt++) {
        marker = makeMarker();
        const ready = path.join(marker, 'ready');
        const child = spawn('perl', [PID_PREFIX, ready], { env: markerEnv(marker), stdio: ['ignore', 'ignore', 'inherit'] });
        const exited = new Promise((resolve) => child.once('exit', resolve));
        const up = await Promise.race([readReady(ready, 120000), exited.then(() => null)]);
        if (up) {
          victim = Number(up.trim().split(' ')[1]);
          text = fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'latin1');
          // Cut where the old 4096-byte buffer cut it: 682 tokens, then the prefix.
          if (text.slice(0, 4095).endsWith(` ${victim}`) && text.split(' ')[682].startsWith(String(victim))) {
            root = child.pid;
            break;
          }
          process.kill(victim, 'SIGKILL');
        }
        child.kill('SIGKILL');
        killMarked(marker);
        removeMarker(marker);
      }
      assert.ok(root !== null, `could not place the PIDs (list ${text.slice(4080, 4110)})`);
      try {
        assert.ok(pidAlive(victim), `the victim ${victim} runs`);
        const result = await warden.killTree(root, { graceMs: 0 });
        assert.ok(pidAlive(victim), `the unrelated process ${victim} was killed; result.killed has it: ${result.killed.includes(victim)}`);
        assert.ok(!result.killed.includes(victim) && !result.survivors.includes(victim), 'it is no member');
        assert.deepStrictEqual(await survivors(marker), [], 'every real member is gone');
      } finally {
        process.kill(victim, 'SIGKILL');
        killMarked(marker);
        removeMarker(marker);
      }
    });

    it('reports complete: true when every member was forced (nothing could exit unobserved)', async function () {
      const { child, marker } = await startEngineTree('ignore-term', { detached: true });
      try {
        const result = await warden.killTree(child.pid, { graceMs: 0 });
        assert.strictEqual(result.complete, true, JSON.stringify(result));
        assert.deepStrictEqual(await survivors(marker), []);
      } finally {
        killMarked(marker);
        removeMarker(marker);
      }
    });

    // Wider than one 4096-byte read of /proc/<pid>/task/<tid>/children (5- to
    // 7-digit PIDs and a space each): the old engine cut the list there. The
    // issue's figures are for 1,200; 900 keeps the test short on a loaded box.
    const WIDTH = 900;
    for (const how of ['killTree({ graceMs: 0 })', 'killTreeSync', 'spawnTree kill({ graceMs: 0 })']) {
      (hasPerl ? it : it.skip)(`${how} kills all of a ${WIDTH}-child tree whose children ignore TERM and HUP${hasPerl ? '' : ' (skipped: perl not installed)'}`, async function () {
        this.timeout(slow(300000));
        const { child, marker } = await startWide(WIDTH, { supervised: how.startsWith('spawnTree') });
        try {
          let result;
          if (how === 'killTreeSync') result = warden.killTreeSync(child.pid);
          else if (how.startsWith('spawnTree')) result = await child.kill({ graceMs: 0 });
          else result = await warden.killTree(child.pid, { graceMs: 0 });
          const left = await survivors(marker);
          assert.strictEqual(left.length, 0, `${left.length} of ${WIDTH + 1} survived, result.survivors ${JSON.stringify(result.survivors)}`);
          if (how === 'killTreeSync') {
            // The sync kill waits at most a second for the dying: on a loaded
            // machine some of 901 may still be exiting, and are reported so.
            assert.ok(result.killed.length + result.survivors.length >= WIDTH + 1, `reported ${result.killed.length} killed, ${result.survivors.length} survivors`);
          } else {
            assert.ok(result.killed.length >= WIDTH + 1, `reported ${result.killed.length} killed`);
            assert.deepStrictEqual(result.survivors, []);
          }
        } finally {
          killMarked(marker);
          removeMarker(marker);
        }
      });
    }

    for (const how of ['killTreeSync', 'killTree({ graceMs: 0 })']) {
      it(`${how} kills a group member whose parent exited (an orphan still in the group, no setsid)`, async function () {
        const { child, marker, ready } = await startEngineTree('orphan', { detached: true });
        const orphan = Number(ready.trim().split(' ')[1]);
        try {
          assert.ok(pidAlive(orphan), 'the orphan runs');
          const result = how === 'killTreeSync' ? warden.killTreeSync(child.pid) : await warden.killTree(child.pid, { graceMs: 0 });
          assert.deepStrictEqual(await survivors(marker), [], `orphan ${orphan} survived: ${JSON.stringify(result)}`);
          assert.ok(result.killed.includes(orphan), JSON.stringify(result));
        } finally {
          killMarked(marker);
          removeMarker(marker);
        }
      });
    }

    (hasPerl && hasPrlimit ? it : it.skip)(`never reports a member killed that it could not watch for lack of descriptors (EMFILE), and kills it anyway${hasPerl && hasPrlimit ? '' : ' (skipped: needs perl and prlimit)'}`, async function () {
      this.timeout(slow(120000));
      const marker = makeMarker();
      const readyFile = path.join(marker, 'ready');
      const code = `
        const { spawn } = require('child_process');
        const fs = require('fs');
        const w = require(${JSON.stringify(path.resolve(__dirname, '..'))});
        const c = spawn('perl', [${JSON.stringify(WIDE)}, '300', ${JSON.stringify(readyFile)}], { stdio: 'ignore' });
        const t = setInterval(() => {
          if (!fs.existsSync(${JSON.stringify(readyFile)})) return;
          clearInterval(t);
          w.killTree(c.pid, { graceMs: 200 }).then((r) => console.log(JSON.stringify(r)), (e) => console.log(JSON.stringify({ error: e.code })));
        }, 20);`;
      try {
        // 64 descriptors: node needs about 25 of its own, so most of the 301
        // members get no pidfd.
        const r = spawnSync('prlimit', ['--nofile=64:64', '--', process.execPath, '-e', code], {
          env: markerEnv(marker), encoding: 'utf8', timeout: slow(90000),
        });
        const out = JSON.parse(r.stdout.trim().split('\n').pop() || '{}');
        const left = await survivors(marker);
        if (out.error) {
          assert.match(out.error, /^E[MN]FILE$/, `a rejection must name the cause: ${r.stdout}${r.stderr}`);
        } else {
          const killedAlive = (out.killed || []).filter(pidAlive);
          assert.deepStrictEqual(killedAlive, [], 'members reported killed are alive');
          assert.strictEqual(left.length, 0, `${left.length} of 301 survived; reported killed ${(out.killed || []).length}, survivors ${JSON.stringify(out.survivors)}`);
        }
      } finally {
        killMarked(marker);
        removeMarker(marker);
      }
    });
  });

  describe('host death (G2)', function () {
    this.timeout(slow(SANITIZED ? 180000 : 60000));
    for (const mode of ['ignore-term', 'busy']) {
      it(`a tree that ${mode === 'busy' ? 'spins and ignores SIGTERM' : 'ignores SIGTERM'} is gone within about a second of the host's SIGKILL, although the stop grace is 10 s${TIMED}${QEMU_NOTE}`, async function () {
        const marker = makeMarker();
        const host = spawn(process.execPath, [HOST, '10000', 'default', mode], { env: markerEnv(marker), stdio: ['ignore', 'ignore', 'inherit'] });
        try {
          await readReady(path.join(marker, 'host-ready'));
          assert.ok(markedProcesses(marker).length >= 4, 'the tree runs');
          const t0 = Date.now();
          host.kill('SIGKILL');
          await waitFor(() => markedProcesses(marker).length === 0, SANITIZED ? 30000 : 8000, 10).catch(() => {});
          const dt = Date.now() - t0;
          assert.deepStrictEqual(markedProcesses(marker), [], 'survivors of host death');
          // G2 says one second (default hostDeathGraceMs 500 + the force).
          // The bound is generous: with 16-35 runnable processes per core the
          // kill itself and this test's /proc sweeps take a second more. It
          // is far below the 10 s stop grace the old supervisor used.
          if (!SANITIZED) assert.ok(dt < slow(4000), `tree gone ${dt} ms after host death`);
        } finally {
          host.kill('SIGKILL');
          killMarked(marker);
          removeMarker(marker);
        }
      });
    }

    (noSubreaper ? it.skip : it)(`after host death a SIGTERM-honouring root still gets its polite signal (its handler runs), and the tree is gone within hostDeathGraceMs + the force${TIMED}${QEMU_NOTE}${noSubreaper ? ` (skipped: the root's handler detaches a helper, and ${NO_SUBREAPER}, which is what brings it back)` : ''}`, async function () {
      const marker = makeMarker();
      const host = spawn(process.execPath, [HOST, '10000', '900', 'detach-on-term'], { env: markerEnv(marker), stdio: ['ignore', 'ignore', 'inherit'] });
      try {
        await readReady(path.join(marker, 'host-ready'));
        const t0 = Date.now();
        host.kill('SIGKILL');
        // The root handles SIGTERM (starts its helper, exits); the helper
        // (detached, ignoring SIGTERM once it runs) is forced after at most
        // 900 ms.
        await readReady(path.join(marker, 'helper'), 5000);
        await waitFor(() => markedProcesses(marker).length === 0, SANITIZED ? 30000 : 8000, 10).catch(() => {});
        const dt = Date.now() - t0;
        assert.deepStrictEqual(markedProcesses(marker), []);
        if (!SANITIZED) assert.ok(dt < slow(4500), `tree gone ${dt} ms after host death`);
      } finally {
        host.kill('SIGKILL');
        killMarked(marker);
        removeMarker(marker);
      }
    });

    it('validates hostDeathGraceMs like every other option (integer, 0..999)', function () {
      for (const bad of [1000, -1, 1.5, 2 ** 31]) {
        assert.throws(() => warden.spawnTree('true', [], { hostDeathGraceMs: bad }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }, String(bad));
        assert.throws(() => new warden.Backend({ command: process.execPath, hostDeathGraceMs: bad }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }, String(bad));
      }
      for (const bad of ['500', null, {}]) {
        assert.throws(() => warden.spawnTree('true', [], { hostDeathGraceMs: bad }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }, String(bad));
        assert.throws(() => new warden.Backend({ command: process.execPath, hostDeathGraceMs: bad }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }, String(bad));
      }
    });
  });

  // BACKEND_WARDEN_NO_SUBREAPER=1 is a test-only switch the Linux supervisor
  // reads: it then skips PR_SET_CHILD_SUBREAPER and runs the path macOS (and
  // arm64 under qemu-user) always takes. The root's orphans are re-parented
  // away from the supervisor, and only the sweep of the backend's process
  // group brings them down.
  describe('without a subreaper (the macOS path, forced by the test-only BACKEND_WARDEN_NO_SUBREAPER=1): the backend\'s process group is swept', function () {
    const NO_SUB = { BACKEND_WARDEN_NO_SUBREAPER: '1' };
    function parentOf(pid) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      } catch {
        return 0;
      }
    }

    it('a root that exits by itself leaves no child of its group behind (the SIGTERM-ignoring child is forced after graceMs)', async function () {
      const marker = makeMarker();
      const child = warden.spawnTree(childNode, [ENGINE, 'exit-leaving-child'], { env: markerEnv(marker, NO_SUB), stdout: 'ignore', stderr: 'inherit', graceMs: 2000 });
      try {
        const { pid: root } = await child.spawned;
        const helper = Number((await readReady(path.join(marker, 'ready'))).split(' ')[1]);
        assert.ok(helper > 0);
        // The switch took: the orphan went to another parent, not to the
        // supervisor (which, as a subreaper, would have got it back).
        const parent = await waitFor(() => { const p = parentOf(helper); return p !== root && p; }, 10000).catch(() => 0);
        assert.ok(parent === 0 || parent !== child.supervisorPid, `the orphan ${helper} was re-parented to the supervisor: it still is a subreaper`);
        const { code } = await child.exited;
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(await survivors(marker), [], `the root's child ${helper} survived it`);
        assert.ok(!pidAlive(helper), 'the child is gone');
      } finally {
        killMarked(marker);
        removeMarker(marker);
      }
    });

    (hasPerl ? it : it.skip)(`kill() brings down an orphan in the root's group (double-forked, in no child list) with the root${hasPerl ? '' : ' (skipped: needs perl)'}`, async function () {
      const marker = makeMarker();
      const child = warden.spawnTree(childNode, [ENGINE, 'group-orphan'], { env: markerEnv(marker, NO_SUB), stdout: 'ignore', stderr: 'inherit' });
      try {
        await child.spawned;
        await readReady(path.join(marker, 'ready'));
        const helper = Number(await readReady(path.join(marker, 'helper'), 5000));
        assert.ok(helper > 0);
        const result = await child.kill({ graceMs: 1000 });
        assert.deepStrictEqual(await survivors(marker), [], `the orphan ${helper} survived; result ${JSON.stringify(result)}`);
        assert.ok(result.killed.includes(helper), `the helper is reported killed: ${JSON.stringify(result)}`);
        assert.deepStrictEqual(result.survivors, []);
      } finally {
        killMarked(marker);
        removeMarker(marker);
      }
    });

    (hasPerl ? it : it.skip)(`after host death, an orphan in the root's group is gone within hostDeathGraceMs + the force${TIMED}${QEMU_NOTE}${hasPerl ? '' : ' (skipped: needs perl)'}`, async function () {
      this.timeout(slow(SANITIZED ? 180000 : 60000));
      const marker = makeMarker();
      const host = spawn(process.execPath, [HOST, '10000', '900', 'group-orphan'], { env: markerEnv(marker, NO_SUB), stdio: ['ignore', 'ignore', 'inherit'] });
      try {
        await readReady(path.join(marker, 'host-ready'));
        const helper = Number(await readReady(path.join(marker, 'helper'), 5000));
        const t0 = Date.now();
        host.kill('SIGKILL');
        await waitFor(() => markedProcesses(marker).length === 0, SANITIZED ? 30000 : 8000, 10).catch(() => {});
        const dt = Date.now() - t0;
        assert.deepStrictEqual(markedProcesses(marker), [], `the orphan ${helper} survived host death`);
        if (!SANITIZED) assert.ok(dt < slow(4500), `tree gone ${dt} ms after host death`);
      } finally {
        host.kill('SIGKILL');
        killMarked(marker);
        removeMarker(marker);
      }
    });
  });

  describe("the supervisor's report when the root exits by itself", function () {
    // Blocks the JS thread until the supervisor has exited (a zombie: Node
    // reaps it only from the event loop), so its last lines sit unread.
    function blockUntilZombie(pid, timeoutMs = 15000) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        let stat;
        try {
          stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
        } catch {
          return;
        }
        if (stat[stat.lastIndexOf(')') + 2] === 'Z') return;
      }
      throw new Error(`the supervisor ${pid} still runs after ${timeoutMs} ms`);
    }

    for (const when of ['exit', 'spawned']) {
      const title = when === 'exit' ? "kill() on the root's 'exit'" : "kill() while the supervisor exits, before its 'exit' line is read";
      it(`${title} reports forced: false and nothing killed (the "closed" report is not lost to EPIPE), 8 runs, and 8 more without a subreaper (BACKEND_WARDEN_NO_SUBREAPER=1: the group sweep reports no root it did not kill)`, async function () {
        for (let i = 0; i < 16; i++) {
          const env = i < 8 ? process.env : { ...process.env, BACKEND_WARDEN_NO_SUBREAPER: '1' };
          const child = warden.spawnTree(process.execPath, ['-e', ''], { env, stdout: 'ignore', stderr: 'ignore' });
          if (when === 'exit') await new Promise((resolve) => child.once('exit', resolve));
          else await child.spawned;
          blockUntilZombie(child.supervisorPid);
          const r = await child.kill();
          assert.deepStrictEqual({ forced: r.forced, killed: r.killed, survivors: r.survivors }, { forced: false, killed: [], survivors: [] }, `run ${i + 1}`);
        }
      });
    }
  });

  describe('smaller items', function () {
    it('spawnTree rejects spawned (never throws) when the argument list is too long (E2BIG)', async function () {
      let child;
      // 100 arguments of 30,000 bytes: more than ARG_MAX (2 MiB by default).
      const args = Array.from({ length: 100 }, () => 'x'.repeat(30000));
      assert.doesNotThrow(() => { child = warden.spawnTree(process.execPath, args); });
      await assert.rejects(child.spawned, { code: 'E2BIG', syscall: 'spawn' });
      await child.exited;
    });

    it('the raw killTreeSync binding refuses a grace longer than a second on the JS thread', function () {
      assert.throws(() => binding().killTreeSync(0x7ffffff0, 15, 2 ** 31 - 1, null), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
      assert.throws(() => binding().killTreeSync(0x7ffffff0, 15, 1001, null), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
      assert.throws(() => binding().killTreeSync(0x7ffffff0, 15, 0, null), { code: 'ESRCH' });
    });

    it('processInfo carries the boot id, and a pid file from another boot never matches', async function () {
      const bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      const me = await warden.processInfo(process.pid);
      assert.strictEqual(me.bootId, bootId);
      const { child, marker } = await startEngineTree('ignore-term', { detached: true });
      const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'bw-pidfile-'));
      const pidFile = path.join(dir, 'backend.pid');
      try {
        const info = await warden.processInfo(child.pid);
        // Same pid, same start time, another boot: a stranger.
        fs.writeFileSync(pidFile, JSON.stringify({ pid: child.pid, startTime: info.startTime, bootId: '00000000-0000-0000-0000-000000000000', port: 1 }));
        const backend = new warden.Backend({ command: process.execPath, args: ['-e', 'setTimeout(() => {}, 1e6)'], port: false, readiness: false, pidFile, logger: { info() {}, warn() {}, error() {}, debug() {} } });
        await backend.start();
        await backend.stop();
        assert.ok(pidAlive(child.pid), 'a process from "another boot" was killed');
        // The old format (no bootId) still works: same boot assumed.
        fs.writeFileSync(pidFile, JSON.stringify({ pid: child.pid, startTime: info.startTime, port: 1 }));
        await backend.start();
        await backend.stop();
        await waitFor(() => !pidAlive(child.pid), 8000);
      } finally {
        killMarked(marker);
        removeMarker(marker);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

'use strict';
// Tasks: runTree, one-off child jobs run to the end of their whole tree,
// with cancel, timeout, progress lines and output tails. Real programs:
// ffmpeg (Debian's package) through a shell pipeline, node fixture trees,
// and a 1,000-task loop that must leave no handle, descriptor, timer or
// listener behind. Survivors are found by an independent /proc scan (the
// marker every member inherits, and a token on ffmpeg's command line).

const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { getEventListeners } = require('events');

const { runTree } = require('..');
const {
  isWindows, isWine, fixture, waitFor, makeMarker, markedProcesses, markerEnv,
} = require('./helpers');
const { findProgram } = require('../lib/tree/command');

const TREE = fixture('tree.js');
const NODE = process.execPath;
const FFMPEG = isWindows ? null : findProgram('ffmpeg');
const SH = isWindows ? null : findProgram('sh');
// Under Wine a process start costs about half a second: trees are smaller.
const TREE_SIZE = isWindows ? 10 : 50;

// Live processes whose command line contains token (Linux /proc scan).
function processesWithToken(token) {
  const found = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (/^\d+ \(.*\) [ZX]/s.test(fs.readFileSync(`/proc/${name}/stat`, 'latin1'))) continue;
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'latin1').includes(token)) found.push(Number(name));
    } catch { /* gone */ }
  }
  return found.filter((pid) => pid !== process.pid);
}

async function expectNoSurvivors(marker, timeoutMs = 3000) {
  await waitFor(() => markedProcesses(marker).length === 0, timeoutMs).catch(() => {});
  assert.deepStrictEqual(markedProcesses(marker), [], 'survivors carry the marker');
}

function withMarker(fn) {
  return async function () {
    const marker = makeMarker();
    try {
      await fn.call(this, marker);
    } finally {
      fs.rmSync(marker, { recursive: true, force: true });
    }
  };
}

describe('tasks: runTree', function () {
  this.timeout(isWindows ? 180000 : 60000);

  describe('results and errors', function () {
    it('resolves with the exit code, both outputs, timings and the flags', async function () {
      const r = await runTree(NODE, ['-e', 'console.log("out"); console.error("err")']);
      assert.strictEqual(r.exitCode, 0);
      assert.strictEqual(r.signal, null);
      assert.strictEqual(r.stdout.trim(), 'out');
      assert.strictEqual(r.stderr.trim(), 'err');
      assert.strictEqual(r.cancelled, false);
      assert.strictEqual(r.timedOut, false);
      assert.strictEqual(r.forced, false);
      assert.ok(r.durationMs > 0 && r.durationMs < 60000, String(r.durationMs));
      assert.strictEqual(typeof r.pid, 'number');
    });

    it('writes input to stdin and closes it', async function () {
      const r = await runTree(NODE, ['-e', 'process.stdin.pipe(process.stdout)'], { input: 'hello\nworld' });
      assert.strictEqual(r.stdout, 'hello\nworld');
      const b = await runTree(NODE, ['-e', 'process.stdin.pipe(process.stdout)'], { input: Buffer.from([0xc3, 0xa9]) });
      assert.strictEqual(b.stdout, 'é');
    });

    it('a non-zero exit rejects ERR_TASK_FAILED with exitCode, signal and the output tails', async function () {
      const script = 'for (let i = 0; i < 30; i++) console.error("line " + i); console.log("partial"); process.exit(3)';
      const err = await runTree(NODE, ['-e', script]).then(() => null, (e) => e);
      assert.ok(err, 'rejected');
      assert.strictEqual(err.code, 'ERR_TASK_FAILED');
      assert.strictEqual(err.exitCode, 3);
      assert.strictEqual(err.signal, null);
      assert.match(err.message, /exit code 3/);
      assert.match(err.message, /line 29$/);
      assert.doesNotMatch(err.message, /line 5\n/, 'only the tail is in the message');
      assert.match(err.stderr, /line 0\n/);
      assert.strictEqual(err.stdout.trim(), 'partial');
      assert.strictEqual(err.result.exitCode, 3);
    });

    it('reject: false resolves a non-zero exit', async function () {
      const r = await runTree(NODE, ['-e', 'process.exit(7)'], { reject: false });
      assert.strictEqual(r.exitCode, 7);
    });

    (isWindows ? it.skip : it)(`a program killed by a signal rejects ERR_TASK_FAILED with signal${isWindows ? ' (skipped on Windows: no signals)' : ''}`, async function () {
      await assert.rejects(runTree(NODE, ['-e', 'process.kill(process.pid, "SIGKILL")']),
        { code: 'ERR_TASK_FAILED', exitCode: null, signal: 'SIGKILL', message: /killed by SIGKILL/ });
    });

    it('maxBuffer keeps the tail of each stream', async function () {
      const r = await runTree(NODE, ['-e', 'process.stdout.write("x".repeat(100000) + "END"); process.stderr.write("ab".repeat(1000))'], { maxBuffer: 10 });
      assert.strictEqual(r.stdout, 'xxxxxxxEND');
      assert.strictEqual(r.stderr, 'ababababab');
      const none = await runTree(NODE, ['-e', 'console.log("x")'], { maxBuffer: 0 });
      assert.strictEqual(none.stdout, '');
    });

    it("stdout/stderr 'ignore' capture nothing; onLine sees \\n, \\r\\n and \\r endings", async function () {
      const lines = [];
      const r = await runTree(NODE, ['-e', 'process.stdout.write("a\\nb\\r\\nc\\rd"); console.error("e")'], {
        stderr: 'ignore',
        onLine: (stream, line) => lines.push([stream, line]),
      });
      assert.strictEqual(r.stderr, '');
      assert.deepStrictEqual(lines, [['stdout', 'a'], ['stdout', 'b'], ['stdout', 'c'], ['stdout', 'd']]);
    });

    it('env is merged over process.env', async function () {
      const r = await runTree(NODE, ['-e', 'console.log(process.env.BW_TASK_VAR + " " + (process.env.PATH || process.env.Path ? "path" : "no path"))'], { env: { BW_TASK_VAR: 'set' } });
      assert.strictEqual(r.stdout.trim(), 'set path');
    });

    it('a missing program rejects with the spawn error (ENOENT)', async function () {
      await assert.rejects(runTree('backend-warden-no-such-program'), { code: 'ENOENT', syscall: 'spawn' });
    });

    it('onLine throwing stops the whole tree and rejects with what it threw', withMarker(async function (marker) {
      const boom = new Error('parser failed');
      // On POSIX the tree dies by SIGTERM (non-zero); on Windows the polite step is
      // Ctrl+C, after which Node may exit 0: there only the error itself is checked.
      await assert.rejects(runTree(NODE, [TREE, '--children', '2'], {
        env: markerEnv(marker), graceMs: 1000,
        onLine: (stream, line) => { if (line.startsWith('ready')) throw boom; },
      }), (err) => err === boom && (isWindows || err.result.exitCode !== 0));
      await expectNoSurvivors(marker);
    }));
  });

  describe('bad input (the codes spawnTree uses)', function () {
    it('rejects bad arguments and options with Node-style codes', async function () {
      await assert.rejects(runTree(42), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(runTree(''), { code: 'ERR_INVALID_ARG_VALUE' });
      await assert.rejects(runTree(NODE, 'x'), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(runTree(NODE, [1]), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(runTree(NODE, [], null), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(runTree(NODE, [], { timeoutMs: 0 }), { code: 'ERR_OUT_OF_RANGE', name: 'RangeError' });
      await assert.rejects(runTree(NODE, [], { timeoutMs: -5 }), { code: 'ERR_OUT_OF_RANGE' });
      await assert.rejects(runTree(NODE, [], { timeoutMs: 1.5 }), { code: 'ERR_OUT_OF_RANGE' });
      await assert.rejects(runTree(NODE, [], { timeoutMs: '100' }), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(runTree(NODE, [], { graceMs: -1 }), { code: 'ERR_OUT_OF_RANGE' });
      await assert.rejects(runTree(NODE, [], { maxBuffer: -1 }), { code: 'ERR_OUT_OF_RANGE' });
      await assert.rejects(runTree(NODE, [], { stdout: 'file' }), { code: 'ERR_INVALID_ARG_VALUE' });
      await assert.rejects(runTree(NODE, [], { signal: {} }), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(runTree(NODE, [], { onLine: 'x' }), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(runTree(NODE, [], { reject: 0 }), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(runTree(NODE, [], { input: 5 }), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(runTree(NODE, [], { env: [] }), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(runTree(NODE, [], { env: { 'A=B': '1' } }), { code: 'ERR_INVALID_ARG_VALUE' });
      await assert.rejects(runTree(NODE, [], { cwd: 5 }), { code: 'ERR_INVALID_ARG_TYPE' });
      await assert.rejects(runTree(NODE, [], { timeout: 5 }), { code: 'ERR_INVALID_ARG_VALUE', message: /did you mean "timeoutMs"/ });
    });

    it('an already-aborted signal rejects at once, without spawning', async function () {
      const flag = path.join(require('os').tmpdir(), `bw-task-${crypto.randomBytes(6).toString('hex')}`);
      const controller = new AbortController();
      const reason = new Error('user cancelled');
      controller.abort(reason);
      const started = Date.now();
      const err = await runTree(NODE, ['-e', `require("fs").writeFileSync(${JSON.stringify(flag)}, "")`], { signal: controller.signal }).then(() => null, (e) => e);
      assert.ok(err && err.name === 'AbortError' && err.code === 'ABORT_ERR', String(err));
      assert.strictEqual(err.cause, reason);
      assert.strictEqual(err.cancelled, true);
      assert.strictEqual(err.pid, undefined);
      assert.ok(Date.now() - started < 1000);
      await new Promise((r) => setTimeout(r, isWindows ? 2000 : 300));
      assert.strictEqual(fs.existsSync(flag), false, 'nothing ran');
    });
  });

  describe('cancel and timeout take the whole tree', function () {
    const ffmpegSkip = isWindows ? 'Windows: no /bin/sh pipeline' :
      !FFMPEG ? 'ffmpeg is not installed: install the Debian package ffmpeg (.ci/run does)' : null;
    (ffmpegSkip ? it.skip : it)(`ffmpeg encoding a test pattern through a shell pipeline, cancelled half-way: no ffmpeg or shell left, cancelled, progress seen first${ffmpegSkip ? ` (skipped: ${ffmpegSkip})` : ''}`, withMarker(async function (marker) {
      const token = `bw-task-${crypto.randomBytes(6).toString('hex')}`;
      // The encoded stream goes through the pipe to cat; ffmpeg's progress
      // report (-progress) goes to the task's stderr.
      const script = `${FFMPEG} -hide_banner -nostdin -loglevel error -f lavfi -i testsrc=size=320x240:rate=25 -t 3600 ` +
        `-metadata title=${token} -c:v mpeg4 -progress pipe:2 -f mpegts - | cat > /dev/null`;
      const controller = new AbortController();
      const progress = [];
      let membersAtCancel = [];
      const task = runTree(SH, ['-c', script], {
        env: markerEnv(marker),
        signal: controller.signal,
        onLine: (stream, line) => {
          const m = /^frame=(\d+)$/.exec(line);
          if (stream === 'stderr' && m) progress.push(Number(m[1]));
          if (progress.filter((f) => f > 0).length >= 3 && !controller.signal.aborted) {
            membersAtCancel = markedProcesses(marker);
            controller.abort();
          }
        },
      });
      const err = await task.then(() => null, (e) => e);
      assert.ok(err, 'the task rejected');
      assert.strictEqual(err.name, 'AbortError');
      assert.strictEqual(err.cancelled, true);
      assert.strictEqual(err.timedOut, false);
      assert.ok(progress.filter((f) => f > 0).length >= 3, `progress lines before the cancel: ${progress}`);
      assert.ok(progress[progress.length - 1] < 3600 * 25, 'cancelled before the end');
      assert.ok(membersAtCancel.length >= 3, `sh, ffmpeg and cat were running: ${membersAtCancel}`);
      assert.deepStrictEqual(processesWithToken(token), [], 'no ffmpeg or shell left (command line scan)');
      await expectNoSurvivors(marker, 1000);
    }));

    it(`a ${TREE_SIZE}-process tree is timed out: ETIMEDOUT with the partial result, no survivors`, withMarker(async function (marker) {
      let ready = false;
      const timeoutMs = isWindows ? 30000 : 15000;
      const started = Date.now();
      const err = await runTree(NODE, [TREE, '--children', String(TREE_SIZE - 1)], {
        env: markerEnv(marker), timeoutMs, graceMs: 2000,
        onLine: (stream, line) => { if (line.startsWith('ready')) ready = true; },
      }).then(() => null, (e) => e);
      assert.ok(err, 'rejected');
      assert.strictEqual(err.code, 'ETIMEDOUT');
      assert.strictEqual(err.timedOut, true);
      assert.strictEqual(err.cancelled, false);
      assert.ok(ready, 'the whole tree was up before the timeout');
      assert.match(err.stdout, /^ready \d+/);
      assert.ok(Date.now() - started >= timeoutMs - 50);
      await expectNoSurvivors(marker);
    }));

    it(`abort takes a tree that ignores the polite stop after graceMs: forced${isWindows ? ' (Windows: node ends on the polite console event whatever it does with SIGTERM, so only "no survivors" is checked)' : ''}`, withMarker(async function (marker) {
      const controller = new AbortController();
      const err = await runTree(NODE, [TREE, '--children', '3', '--ignore-term'], {
        env: markerEnv(marker), signal: controller.signal, graceMs: 300,
        onLine: (stream, line) => { if (line.startsWith('ready')) controller.abort(); },
      }).then(() => null, (e) => e);
      assert.strictEqual(err && err.name, 'AbortError');
      if (!isWindows) assert.strictEqual(err.forced, true);
      await expectNoSurvivors(marker);
    }));

    it('a root that exits 0 while a grandchild (and a daemon) linger resolves once they are torn down', withMarker(async function (marker) {
      const started = Date.now();
      const r = await runTree(NODE, [TREE, '--children', '1', '--daemon', '--exit-now'], { env: markerEnv(marker), graceMs: 2000 });
      assert.strictEqual(r.exitCode, 0);
      assert.ok(Date.now() - started < 30000);
      await expectNoSurvivors(marker, 1000);
    }));
  });

  describe('resources', function () {
    // 1,000 tasks (600 took 14.7 s on a quiet 2-core machine); BW_TASK_LOOP
    // sets another count. Under Wine a spawn costs about half a second: 24 there.
    const N = Number(process.env.BW_TASK_LOOP) || (isWindows ? 24 : 1000);
    const why = N >= 1000 ? '' : isWine ? ' (Wine: a spawn costs ~0.5 s there)' : ' (not 1,000: ~90 ms a task on a loaded 2-core machine; BW_TASK_LOOP=1000 for the full count)';
    it(`${N} tasks in a loop, some cancelled, some timed out: no growth in handles, descriptors, timers or listeners${why}`, async function () {
      this.timeout(isWindows ? 600000 : Math.max(120000, N * 500));
      const shared = new AbortController();
      const quick = isWindows ? [NODE, ['-e', '0']] : ['/bin/true', []];
      const slow = isWindows ? [NODE, ['-e', 'setTimeout(() => {}, 20000)']] : ['/bin/sleep', ['20']];
      const one = async (i) => {
        const kind = i % 4;
        if (kind === 0 || kind === 1) {
          const r = await runTree(quick[0], quick[1], { signal: shared.signal, timeoutMs: 20000 });
          assert.strictEqual(r.exitCode, 0);
        } else if (kind === 2) {
          const c = new AbortController();
          const t = setTimeout(() => c.abort(), 20);
          await assert.rejects(runTree(slow[0], slow[1], { signal: c.signal, graceMs: 1000 }), { name: 'AbortError' });
          clearTimeout(t);
        } else {
          await assert.rejects(runTree(slow[0], slow[1], { timeoutMs: 30, graceMs: 1000, signal: shared.signal }), { code: 'ETIMEDOUT' });
        }
      };
      const counts = () => ({
        handles: process._getActiveHandles().length,
        resources: process.getActiveResourcesInfo().length,
        fds: isWindows ? 0 : fs.readdirSync('/proc/self/fd').length,
        abortListeners: getEventListeners(shared.signal, 'abort').length,
        processListeners: process.eventNames().reduce((n, e) => n + process.listenerCount(e), 0),
      });
      for (let i = 0; i < 8; i++) await one(i); // warm up: first loads, pools
      const before = counts();
      const concurrency = isWindows ? 2 : 8;
      let next = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < N) await one(next++);
      }));
      let after = counts();
      await waitFor(() => {
        after = counts();
        return Object.keys(before).every((k) => after[k] <= before[k]);
      }, 5000).catch(() => {});
      this.test.title += ` — before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`;
      for (const k of Object.keys(before)) assert.ok(after[k] <= before[k], `${k}: ${before[k]} before, ${after[k]} after`);
    });
  });
});

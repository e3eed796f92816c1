'use strict';
// The native binding: loading, the loader's errors, Node-style argument and
// system errors, context safety (worker_threads) and hosts not named node.

const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Worker } = require('worker_threads');

const native = require('../lib/native');
const { processInfo, nativeInfo } = require('..');
const pkg = require('../package.json');
const { isWindows } = require('./helpers');

const label = (v) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? `'${v}'` : v && typeof v === 'object' ? JSON.stringify(v) : String(v));

describe('native binding', function () {
  it('loads and reports its version, Node-API level and platform', function () {
    const info = nativeInfo();
    assert.strictEqual(info.version, pkg.version);
    assert.strictEqual(info.builtNapiVersion, 8);
    assert.ok(info.napiVersion >= 8, `runtime Node-API ${info.napiVersion}`);
    assert.strictEqual(info.platform, process.platform);
    assert.ok(fs.existsSync(info.path), info.path);
    if (process.env.BACKEND_WARDEN_NATIVE) assert.strictEqual(info.path, path.resolve(process.env.BACKEND_WARDEN_NATIVE));
  });

  describe('processInfo (the end-to-end demo export)', function () {
    it('describes this process', async function () {
      const info = await processInfo(process.pid);
      assert.strictEqual(info.pid, process.pid);
      assert.strictEqual(info.ppid, process.ppid);
      assert.match(info.name, /node|electron/i);
      assert.strictEqual(typeof info.startTime, 'number');
      const again = await processInfo(process.pid);
      assert.strictEqual(again.startTime, info.startTime, 'identity is stable');
    });

    it('tells a child from its parent by identity', async function () {
      const { spawn } = require('child_process');
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { stdio: 'ignore' });
      try {
        const info = await processInfo(child.pid);
        assert.strictEqual(info.pid, child.pid);
        assert.strictEqual(info.ppid, process.pid);
        assert.notStrictEqual(info.startTime, (await processInfo(process.pid)).startTime);
      } finally {
        child.kill('SIGKILL');
      }
    });

    it('rejects with ESRCH, errno and syscall for a process that does not exist', async function () {
      await assert.rejects(processInfo(0x7ffffff0), (err) => {
        assert.strictEqual(err.code, 'ESRCH');
        assert.strictEqual(typeof err.errno, 'number');
        assert.strictEqual(typeof err.syscall, 'string');
        assert.match(err.message, /^ESRCH: .+, \w+ 2147483632$/);
        return true;
      });
    });

    for (const [bad, code, Ctor] of [
      ['1', 'ERR_INVALID_ARG_TYPE', TypeError],
      [undefined, 'ERR_INVALID_ARG_TYPE', TypeError],
      [null, 'ERR_INVALID_ARG_TYPE', TypeError],
      [{}, 'ERR_INVALID_ARG_TYPE', TypeError],
      [1n, 'ERR_INVALID_ARG_TYPE', TypeError],
      [1.5, 'ERR_OUT_OF_RANGE', RangeError],
      [0, 'ERR_OUT_OF_RANGE', RangeError],
      [-1, 'ERR_OUT_OF_RANGE', RangeError],
      [NaN, 'ERR_OUT_OF_RANGE', RangeError],
      [2 ** 40, 'ERR_OUT_OF_RANGE', RangeError],
    ]) {
      it(`rejects pid ${label(bad)} with ${Ctor.name} ${code} (JS layer and raw binding)`, async function () {
        await assert.rejects(processInfo(bad), (err) => err instanceof Ctor && err.code === code);
        assert.throws(() => native.binding().processInfo(bad), (err) => err instanceof Ctor && err.code === code);
      });
    }

    it('raw binding: a missing argument throws, never crashes', function () {
      assert.throws(() => native.binding().processInfo(), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
    });
  });

  describe('loader', function () {
    let dir;
    before(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-loader-'));
    });
    after(function () {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('names the platform, every path tried and the fixing command when no binary exists', function () {
      const paths = [path.join(dir, 'a.node'), path.join(dir, 'b.node')];
      assert.throws(() => native.loadFrom(paths), (err) => {
        assert.strictEqual(err.code, 'ERR_BACKEND_WARDEN_NOT_FOUND');
        assert.ok(err.message.includes(`${process.platform}-${process.arch}`));
        assert.ok(err.message.includes('npm rebuild backend-warden'));
        for (const p of paths) assert.ok(err.message.includes(p), p);
        return true;
      });
    });

    it('says a binary is for another platform or damaged when it exists but does not load', function () {
      const bad = path.join(dir, 'backend_warden.node');
      fs.writeFileSync(bad, 'this is not a shared library');
      assert.throws(() => native.loadFrom([bad]), (err) => {
        assert.strictEqual(err.code, 'ERR_BACKEND_WARDEN_LOAD_FAILED');
        assert.match(err.message, /another platform, architecture or C library/);
        assert.ok(err.cause instanceof Error);
        return true;
      });
    });

    it('looks in prebuilds/<platform>-<arch> before build/, unless a source build is newer', function () {
      const pre = path.join(dir, 'prebuilds', `${process.platform}-${process.arch}`, 'backend_warden.node');
      const rel = path.join(dir, 'build', 'Release', 'backend_warden.node');
      const dbg = path.join(dir, 'build', 'Debug', 'backend_warden.node');
      assert.deepStrictEqual(native.candidates(dir, {}), [pre, rel, dbg], 'nothing built yet');
      for (const f of [pre, rel]) {
        fs.mkdirSync(path.dirname(f), { recursive: true });
        fs.writeFileSync(f, '');
      }
      fs.utimesSync(rel, new Date(2020, 0, 1), new Date(2020, 0, 1));
      assert.deepStrictEqual(native.candidates(dir, {}), [pre, rel, dbg], 'prebuild newer');
      fs.utimesSync(pre, new Date(2019, 0, 1), new Date(2019, 0, 1));
      assert.deepStrictEqual(native.candidates(dir, {}), [rel, pre, dbg], 'source build newer');
      assert.deepStrictEqual(native.candidates(dir, { BACKEND_WARDEN_NATIVE: '/x.node' })[0], path.resolve('/x.node'));
    });

    it('maps app.asar paths to app.asar.unpacked', function () {
      assert.strictEqual(native.unpacked('/opt/App/resources/app.asar/node_modules/x'),
        '/opt/App/resources/app.asar.unpacked/node_modules/x');
      assert.strictEqual(native.unpacked('C:\\App\\resources\\app.asar\\node_modules\\x'),
        'C:\\App\\resources\\app.asar.unpacked\\node_modules\\x');
      assert.strictEqual(native.unpacked('/opt/app.asarx/y'), '/opt/app.asarx/y');
    });
  });

  it('works in many worker_threads at once (per-environment state, no globals)', async function () {
    this.timeout(60000);
    const script = `
      const { parentPort } = require('worker_threads');
      const { processInfo } = require(${JSON.stringify(path.resolve(__dirname, '..'))});
      (async () => {
        const results = await Promise.all(Array.from({ length: 20 }, () => processInfo(process.pid)));
        await processInfo(0x7ffffff0).catch(() => {});
        parentPort.postMessage(results.every((r) => r.pid === process.pid));
      })();`;
    // Under Wine every worker start costs seconds; three still prove the point.
    const workers = Array.from({ length: isWindows ? 3 : 6 }, () => new Worker(script, { eval: true }));
    const oks = await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    })));
    assert.deepStrictEqual(oks, oks.map(() => true));
    // Terminating workers with work possibly in flight must not crash the host.
    const busy = Array.from({ length: isWindows ? 2 : 4 }, () => new Worker(`
      const { processInfo } = require(${JSON.stringify(path.resolve(__dirname, '..'))});
      setInterval(() => { for (let i = 0; i < 50; i++) processInfo(process.pid); }, 1);`, { eval: true }));
    await new Promise((r) => setTimeout(r, 300));
    const errors = [];
    for (const w of busy) w.on('error', (e) => errors.push(e));
    const exits = busy.map((w) => new Promise((resolve) => w.once('exit', resolve)));
    const codes = await Promise.all(busy.map((w) => w.terminate()));
    assert.ok(codes.every((c) => Number.isInteger(c)), `terminate() resolves with an exit code: ${codes}`);
    assert.deepStrictEqual(await Promise.all(exits), codes, 'every worker emitted exit');
    assert.deepStrictEqual(errors, [], 'no worker reported an error');
    // The host and a new worker still work (per-environment cleanup freed nothing of theirs).
    assert.strictEqual((await processInfo(process.pid)).pid, process.pid);
    const after = new Worker(script, { eval: true });
    assert.strictEqual(await new Promise((resolve, reject) => after.once('message', resolve).once('error', reject)), true);
    await after.terminate();
  });

  it(`loads in a host executable named electron${isWindows ? '.exe (Node-API resolved from the host at load, binding/node/napi_win.c)' : ' (symbols come from the host, whatever its name)'}`, function () {
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-host-'));
    try {
      const host = path.join(dir, isWindows ? 'electron.exe' : 'electron');
      fs.copyFileSync(process.execPath, host);
      fs.chmodSync(host, 0o755);
      const code = `const b = require(${JSON.stringify(require.resolve('..'))});
        b.processInfo(process.pid).then((i) => console.log(JSON.stringify({ exe: process.execPath, name: i.name })));`;
      const out = path.join(dir, 'out.txt');
      const fd = fs.openSync(out, 'w');
      // Output goes to a file: Windows Node under Wine cannot write to a pipe.
      const r = spawnSync(host, ['-e', code], { stdio: ['ignore', fd, fd], timeout: 50000 });
      fs.closeSync(fd);
      const text = fs.readFileSync(out, 'utf8');
      assert.strictEqual(r.status, 0, text);
      const result = JSON.parse(text.trim().split('\n').pop());
      assert.strictEqual(path.basename(result.exe), path.basename(host));
      assert.match(result.name, /^electron/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

'use strict';
// Windows stop and teardown of a job-object tree (lib/tree/job-win.js,
// binding/job/): the polite step is Ctrl+C through backend_warden_ctrlc.exe
// for console backends, WM_CLOSE for windowed ones, the job the force; a
// root that exits on its own takes the rest of its tree with it; the job's
// completion port is drained while the backend runs; the environment block
// holds one entry per case-insensitive name. Real processes: a Windows Node
// backend (fixtures/sigint-backend.js) and a C console backend
// (fixtures/console_backend_win.c, built by npm run test:win).

const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const warden = require('..');
const { binding } = require('../lib/native');
const {
  isWindows, fixture, waitFor, makeMarker, markedProcesses, markerEnv,
} = require('./helpers');

const SIGINT_BACKEND = fixture('sigint-backend.js');
const CONSOLE_BACKEND = path.join(__dirname, '..', 'build-win', 'fixtures', 'console_backend_win.exe');
const HELPER = 'backend_warden_ctrlc.exe';
// Spawns cost ~0.5 s under Wine, the helper included: generous grace.
const GRACE = 20000;

const haveConsoleBackend = isWindows && fs.existsSync(CONSOLE_BACKEND);
const itC = haveConsoleBackend ? it : it.skip;
const NO_C = haveConsoleBackend || !isWindows ? '' : ' (skipped: build-win/fixtures/console_backend_win.exe is built by npm run test:win)';
// On Linux the whole block is pending: every title says why.
const WIN_ONLY = isWindows ? '' : ' (Windows only)';

function files(marker, prefix) {
  return fs.readdirSync(marker).filter((f) => f.startsWith(prefix)).map((f) => Number(f.slice(prefix.length))).sort();
}

async function expectNoSurvivors(marker, timeoutMs = 5000) {
  await waitFor(() => markedProcesses(marker).length === 0, timeoutMs).catch(() => {});
  assert.deepStrictEqual(markedProcesses(marker), [], 'survivors carry the marker');
}

async function start(command, args, { count = 1, graceMs = GRACE } = {}) {
  const marker = makeMarker();
  const child = warden.spawnTree(command, args, { env: markerEnv(marker), stdout: 'ignore', stderr: 'inherit', graceMs });
  await child.spawned;
  await waitFor(() => markedProcesses(marker).length >= count, 60000);
  return { child, marker };
}

function cleanup(child, marker) {
  child.killSync();
  fs.rmSync(marker, { recursive: true, force: true });
}

(isWindows ? describe : describe.skip)(`Windows stop: Ctrl+C for console backends, the job as the force${isWindows ? '' : ' (Windows only)'}`, function () {
  this.timeout(120000);

  it(`${HELPER} sits next to the native binary${WIN_ONLY}`, function () {
    const helper = path.join(path.dirname(binding().path), HELPER);
    assert.ok(fs.statSync(helper).isFile(), helper);
  });

  it(`spawnTree().kill(): a Windows Node backend that handles SIGINT stops with forced: false${WIN_ONLY}`, async function () {
    const { child, marker } = await start(process.execPath, [SIGINT_BACKEND]);
    try {
      const result = await child.kill();
      assert.strictEqual(result.forced, false);
      assert.deepStrictEqual(result.survivors, []);
      assert.deepStrictEqual(files(marker, 'sigint-'), [child.pid]);
      assert.strictEqual(child.exitCode, 0);
      await expectNoSurvivors(marker);
    } finally {
      cleanup(child, marker);
    }
  });

  itC(`spawnTree().kill(): a C console backend and two workers on its console all get Ctrl+C, forced: false${NO_C}${WIN_ONLY}`, async function () {
    const { child, marker } = await start(CONSOLE_BACKEND, ['--children', '2'], { count: 3 });
    try {
      const members = markedProcesses(marker).sort();
      const result = await child.kill();
      assert.strictEqual(result.forced, false);
      assert.deepStrictEqual(files(marker, 'ctrl-c-'), members);
      assert.strictEqual(child.exitCode, 0);
      await expectNoSurvivors(marker);
    } finally {
      cleanup(child, marker);
    }
  });

  itC(`killTree(pid) of a supervised C console backend stops it with forced: false${NO_C}${WIN_ONLY}`, async function () {
    const { child, marker } = await start(CONSOLE_BACKEND, []);
    try {
      const result = await warden.killTree(child.pid, { graceMs: GRACE });
      assert.strictEqual(result.forced, false);
      assert.deepStrictEqual(files(marker, 'ctrl-c-'), [child.pid]);
      await expectNoSurvivors(marker);
    } finally {
      cleanup(child, marker);
    }
  });

  for (const [what, command, args] of [
    ['a Windows Node backend', process.execPath, [SIGINT_BACKEND]],
    ['a C console backend', CONSOLE_BACKEND, []],
  ]) {
    const test = command === CONSOLE_BACKEND ? itC : it;
    test(`Backend.stop(): ${what} with no HTTP endpoint stops with forced: false${command === CONSOLE_BACKEND ? NO_C : ''}${WIN_ONLY}`, async function () {
      const marker = makeMarker();
      const backend = new warden.Backend({
        command, args, env: { BW_TEST_MARKER: marker }, port: false, readiness: false, stopTimeoutMs: GRACE,
      });
      try {
        const { pid } = await backend.start();
        await waitFor(() => markedProcesses(marker).length >= 1, 60000);
        const result = await backend.stop();
        assert.deepStrictEqual(result, { success: true, forced: false });
        assert.deepStrictEqual(files(marker, command === CONSOLE_BACKEND ? 'ctrl-c-' : 'sigint-'), [pid]);
        await expectNoSurvivors(marker);
      } finally {
        await backend.stop();
        fs.rmSync(marker, { recursive: true, force: true });
      }
    });
  }

  for (const [what, command, args] of [
    ['a C console backend', CONSOLE_BACKEND, ['--ignore-ctrl-c']],
    ['a Windows Node backend', process.execPath, [SIGINT_BACKEND, '--ignore']],
  ]) {
    const test = command === CONSOLE_BACKEND ? itC : it;
    test(`${what} that ignores Ctrl+C is forced after graceMs, and nothing survives${command === CONSOLE_BACKEND ? NO_C : ''}${WIN_ONLY}`, async function () {
      const { child, marker } = await start(command, args, { graceMs: 3000 });
      try {
        const t0 = Date.now();
        const result = await child.kill();
        const took = Date.now() - t0;
        assert.strictEqual(result.forced, true);
        assert.ok(took >= 2900, `forced after ${took} ms, before the 3000 ms grace`);
        assert.strictEqual(child.signalCode, 'SIGKILL');
        await expectNoSurvivors(marker);
      } finally {
        cleanup(child, marker);
      }
    });
  }

  it(`spawnTree fails with a clear coded error when ${HELPER} is missing, and starts nothing${WIN_ONLY}`, function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-nohelper-'));
    const out = path.join(dir, 'out.json');
    try {
      fs.copyFileSync(binding().path, path.join(dir, 'backend_warden.node'));
      // Windows Node under Wine cannot write to a pipe: the result goes to a file.
      const script = `
        const w = require(${JSON.stringify(path.join(__dirname, '..'))});
        const c = w.spawnTree(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
        c.spawned.then(() => ({ ok: true, pid: c.pid }), (e) => ({ code: e.code, message: e.message, pid: c.pid }))
          .then((r) => { require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(r)); c.killSync(); });`;
      const r = spawnSync(process.execPath, ['-e', script], {
        env: { ...process.env, BACKEND_WARDEN_NATIVE: path.join(dir, 'backend_warden.node') }, stdio: 'ignore', timeout: 60000,
      });
      assert.strictEqual(r.status, 0);
      const result = JSON.parse(fs.readFileSync(out, 'utf8'));
      assert.strictEqual(result.code, 'ENOENT');
      assert.strictEqual(result.pid, undefined);
      assert.match(result.message, /backend_warden_ctrlc\.exe .*is missing/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('a root that exits on its own', function () {
    itC(`takes the rest of its tree down (Ctrl+C first) and fires 'close'${NO_C}${WIN_ONLY}`, async function () {
      const marker = makeMarker();
      const child = warden.spawnTree(CONSOLE_BACKEND, ['--children', '2', '--exit-now'], {
        env: markerEnv(marker), stdout: 'ignore', stderr: 'inherit', graceMs: GRACE,
      });
      try {
        await child.spawned;
        const closed = new Promise((resolve) => child.once('close', (code) => resolve(code)));
        assert.strictEqual(await closed, 0);
        const workers = files(marker, 'ready-').filter((p) => p !== child.pid);
        assert.strictEqual(workers.length, 2);
        assert.deepStrictEqual(files(marker, 'ctrl-c-'), workers);
        await expectNoSurvivors(marker);
      } finally {
        cleanup(child, marker);
      }
    });

    itC(`forces what ignores Ctrl+C after graceMs, then fires 'close'${NO_C}${WIN_ONLY}`, async function () {
      const marker = makeMarker();
      const child = warden.spawnTree(CONSOLE_BACKEND, ['--children', '1', '--ignore-ctrl-c', '--exit-now'], {
        env: markerEnv(marker), stdout: 'ignore', stderr: 'inherit', graceMs: 2000,
      });
      try {
        await child.spawned;
        let exitedAt = 0;
        child.once('exit', () => { exitedAt = Date.now(); });
        const code = await new Promise((resolve) => child.once('close', resolve));
        const took = Date.now() - exitedAt;
        assert.strictEqual(code, 0, 'the root exited 0 by itself');
        assert.ok(took >= 1900, `the worker was forced ${took} ms after the root's exit, before the 2000 ms grace`);
        await expectNoSurvivors(marker, 1000);
      } finally {
        cleanup(child, marker);
      }
    });
  });

  it(`drains the job's completion port while the root runs (every child start and exit is taken off it)${WIN_ONLY}`, async function () {
    const marker = makeMarker();
    const script = `
      const { spawnSync } = require('child_process');
      for (let i = 0; i < 3; i++) spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore', timeout: 60000 });
      require('fs').writeFileSync(require('path').join(process.env.BW_TEST_MARKER, 'done'), '');
      setInterval(() => {}, 1000);`;
    const child = warden.spawnTree(process.execPath, ['-e', script], { env: markerEnv(marker), stdout: 'ignore', stderr: 'inherit' });
    try {
      await child.spawned;
      await waitFor(() => fs.existsSync(path.join(marker, 'done')), 60000);
      // The root's start, and each child's start and exit: 7 messages.
      // Before, nothing left the port until the root had exited.
      await waitFor(() => binding().jobMessages(child._handle) >= 7, 5000);
      assert.strictEqual(child.exitCode, null, 'the root is still running');
    } finally {
      await child.kill({ graceMs: 0 });
      fs.rmSync(marker, { recursive: true, force: true });
    }
  });

  it(`the environment block has one entry per case-insensitive name: the later one wins (Path, then PATH)${WIN_ONLY}`, async function () {
    const env = { SystemRoot: process.env.SystemRoot, Bw_Dup: 'old', BW_DUP: 'new' };
    const child = warden.spawnTree(process.execPath, [SIGINT_BACKEND, '--print-env=BW_DUP'], { env, stdout: 'pipe', stderr: 'inherit' });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (c) => { out += c; });
      await waitFor(() => out.includes('\n'), 60000);
      assert.deepStrictEqual(JSON.parse(out), { names: ['BW_DUP'], value: 'new' });
    } finally {
      await child.kill({ graceMs: 0 });
    }
  });
});

describe('Windows environment block (lib/tree/job-win.js envBlock; logic test on every platform)', function () {
  const { envBlock } = require('../lib/tree/job-win');

  it('keeps one entry per case-insensitive name, the later value and spelling, sorted case-insensitively', function () {
    assert.deepStrictEqual(envBlock({ Path: 'C:\\old', b: '1', PATH: 'C:\\new', A: '2' }), ['A=2', 'b=1', 'PATH=C:\\new']);
  });
});

'use strict';
// attachToApp (lib/electron/attach.js): Electron's quit sequence with real
// Backends, through an app stand-in whose quit() behaves like Electron's
// (test/fake-electron-app.js).

const assert = require('assert');

const { Backend } = require('../lib/backend');
const { attachToApp } = require('../lib/electron/attach');
const { ElectronApp, ElectronWindow } = require('./fake-electron-app');
const { fixture, isWindows, waitFor, pidAlive } = require('./helpers');

const SERVER = fixture('backend-server.js');

describe('attachToApp', function () {
  this.timeout(isWindows ? 120000 : 30000);
  const made = [];
  const detachers = [];

  function backend(flags = [], options = {}) {
    const b = new Backend({
      command: process.execPath,
      args: [SERVER, ...flags],
      readiness: { path: '/health' },
      // A graceful stop on Windows too, where a windowless backend gets no polite signal.
      shutdown: { path: '/shutdown' },
      stopTimeoutMs: 5000,
      restart: false,
      ...options,
    });
    made.push(b);
    return b;
  }

  function attach(...args) {
    const detach = attachToApp(...args);
    detachers.push(detach);
    return detach;
  }

  afterEach(async function () {
    for (const d of detachers.splice(0)) d();
    for (const b of made.splice(0)) await b.stop().catch(() => {});
  });

  it('holds the first before-quit, stops every backend gracefully in parallel, then quits', async function () {
    const app = new ElectronApp();
    const a = backend();
    const b = backend();
    await Promise.all([a.start(), b.start()]);
    const stopped = [];
    for (const x of [a, b]) x.once('stopped', (e) => stopped.push(e));
    attach(app, [a, b]);

    app.quit();
    assert.deepStrictEqual(app.log, ['before-quit']);
    assert.strictEqual(app.ended, false, 'the first quit is held');
    // Both stops began before either finished.
    assert.deepStrictEqual([a.state, b.state], ['stopping', 'stopping']);

    await waitFor(() => app.ended, 20000);
    assert.deepStrictEqual(app.log, ['before-quit', 'before-quit', 'will-quit', 'quit']);
    assert.strictEqual(app.exitCode, 0);
    assert.deepStrictEqual(stopped.map((e) => [e.reason, e.forced]), [['stop', false], ['stop', false]]);
  });

  it('holds a second before-quit while the stops run', async function () {
    const app = new ElectronApp();
    const b = backend(['--ignore-term'], { stopTimeoutMs: 800 });
    await b.start();
    attach(app, b);
    app.quit();
    app.quit();
    assert.deepStrictEqual(app.log, ['before-quit', 'before-quit']);
    assert.strictEqual(app.ended, false);
    await waitFor(() => app.ended, 20000);
    assert.deepStrictEqual(app.log.slice(-3), ['before-quit', 'will-quit', 'quit']);
  });

  it('lets before-quit through when no backend is active', async function () {
    const app = new ElectronApp();
    const b = backend();
    attach(app, b);
    app.quit();
    assert.deepStrictEqual(app.log, ['before-quit', 'will-quit', 'quit']);
  });

  it('after quitTimeoutMs force-stops every backend and calls app.exit(0)', async function () {
    const app = new ElectronApp();
    // Ignores SIGTERM and /shutdown, with a 20 s grace period: the graceful stop cannot finish in time.
    const b = backend(['--ignore-term', '--no-shutdown'], { stopTimeoutMs: 20000 });
    const { pid } = await b.start();
    attach(app, b, { quitTimeoutMs: 300 });
    const t0 = Date.now();
    app.quit();
    await waitFor(() => app.ended, 15000);
    assert.ok(Date.now() - t0 < 10000, 'exits long before the backend\'s own grace period');
    assert.deepStrictEqual(app.log, ['before-quit', 'exit(0)']);
    assert.strictEqual(b.state, 'stopped');
    await waitFor(() => !pidAlive(pid), 5000);
  });

  it("runs stopSync() on will-quit (a quit that got past before-quit)", async function () {
    const app = new ElectronApp();
    const b = backend();
    const { pid } = await b.start();
    attach(app, b);
    app.emit('will-quit', { preventDefault() {} });
    assert.strictEqual(b.state, 'stopped', 'stopped synchronously');
    await waitFor(() => !pidAlive(pid), 5000);
  });

  it("runs stopSync() on the process's exit", async function () {
    const app = new ElectronApp();
    const b = backend();
    const { pid } = await b.start();
    const before = process.listeners('exit');
    const detach = attach(app, b);
    const added = process.listeners('exit').filter((l) => !before.includes(l));
    assert.strictEqual(added.length, 1);
    added[0](0);
    assert.strictEqual(b.state, 'stopped');
    await waitFor(() => !pidAlive(pid), 5000);
    detach();
    assert.ok(!process.listeners('exit').includes(added[0]), 'detach() removes it');
  });

  for (const event of ['query-session-end', 'session-end']) {
    it(`stops synchronously on a window's ${event} (Windows logoff/shutdown skips before-quit)`, async function () {
      const app = new ElectronApp();
      const b = backend();
      const { pid } = await b.start();
      attach(app, b);
      const win = new ElectronWindow(app); // created after attachToApp: browser-window-created
      win.emit(event, { preventDefault() {}, reasons: ['shutdown'] });
      assert.strictEqual(b.state, 'stopped');
      await waitFor(() => !pidAlive(pid), 5000);
    });
  }

  it('watches windows created before it through options.windows, and forgets closed ones', async function () {
    const app = new ElectronApp();
    const b = backend();
    await b.start();
    const early = new ElectronWindow();
    attach(app, b, { windows: [early] });
    assert.strictEqual(early.listenerCount('session-end'), 1);
    early.close();
    assert.strictEqual(early.listenerCount('session-end'), 0);
    early.emit('session-end', {});
    assert.strictEqual(b.state, 'running');
  });

  it('detach() removes every listener: before-quit passes again', async function () {
    const app = new ElectronApp();
    const b = backend();
    await b.start();
    const win = new ElectronWindow();
    const detach = attach(app, b, { windows: [win] });
    detach();
    detach();
    for (const e of ['before-quit', 'will-quit', 'browser-window-created']) assert.strictEqual(app.listenerCount(e), 0, e);
    assert.strictEqual(win.listenerCount('session-end'), 0);
    app.quit();
    assert.strictEqual(app.ended, true);
    assert.strictEqual(b.state, 'running');
  });

  it('holds again after a cancelled quit when a backend was started since', async function () {
    const app = new ElectronApp();
    const b = backend();
    await b.start();
    attach(app, b);
    // Another listener cancels the quit once it passed (a window refusing to close).
    let cancel = true;
    app.on('will-quit', (e) => { if (cancel) e.preventDefault(); });
    app.quit();
    await waitFor(() => app.log.includes('will-quit'), 20000);
    assert.strictEqual(app.ended, false);
    cancel = false;
    await b.start();
    app.quit();
    assert.strictEqual(app.log[app.log.length - 1], 'before-quit', 'held again');
    await waitFor(() => app.ended, 20000);
  });

  describe('arguments', function () {
    const app = new ElectronApp();
    const b = { stop() {}, stopSync() {}, state: 'idle' };
    for (const [title, call, code] of [
      ['no app', () => attachToApp(undefined, b), 'ERR_INVALID_ARG_TYPE'],
      ['an app without exit()', () => attachToApp({ on() {}, removeListener() {}, quit() {} }, b), 'ERR_INVALID_ARG_TYPE'],
      ['no backend', () => attachToApp(app), 'ERR_INVALID_ARG_TYPE'],
      ['an empty list', () => attachToApp(app, []), 'ERR_INVALID_ARG_VALUE'],
      ['a list with a non-backend', () => attachToApp(app, [b, {}]), 'ERR_INVALID_ARG_TYPE'],
      ['a backend listed twice', () => attachToApp(app, [b, b]), 'ERR_INVALID_ARG_VALUE'],
      ['a string timeout', () => attachToApp(app, b, { quitTimeoutMs: '30' }), 'ERR_INVALID_ARG_TYPE'],
      ['a negative timeout', () => attachToApp(app, b, { quitTimeoutMs: -1 }), 'ERR_OUT_OF_RANGE'],
      ['an unknown option', () => attachToApp(app, b, { timeout: 1 }), 'ERR_INVALID_ARG_VALUE'],
      ['windows that are not an array', () => attachToApp(app, b, { windows: {} }), 'ERR_INVALID_ARG_TYPE'],
    ]) {
      it(`throws ${code} for ${title}`, function () {
        assert.throws(call, (err) => err.code === code);
        assert.strictEqual(app.listenerCount('before-quit'), 0, 'nothing registered');
      });
    }
  });
});

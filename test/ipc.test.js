'use strict';
// registerIpcHandlers (lib/electron/ipc.js), driven through minimal stand-ins for
// Electron's ipcMain and webContents (test/fake-electron.js) wired to a real
// Backend running a real backend process.

const assert = require('assert');
const path = require('path');
const os = require('os');

const { Backend, registerIpcHandlers } = require('..');
const { FakeIpcMain, FakeWebContents, FakeBrowserWindow } = require('./fake-electron');
const { fixture, isWindows, isWine, waitFor } = require('./helpers');

// A page of the app's own files: the default trusts files below the working
// directory outside Electron (app.getAppPath() in Electron).
const APP_URL = require('url').pathToFileURL(require('path').join(process.cwd(), 'app', 'index.html')).href;
const METHODS = ['start', 'restart', 'stop', 'status', 'checkFirewall', 'getFirewallRule', 'getFirewallCommand'];

function captureLogger() {
  const lines = [];
  const logger = { lines };
  for (const level of ['debug', 'info', 'warn', 'error']) logger[level] = (...a) => lines.push(`${level}: ${a.join(' ')}`);
  return logger;
}

// What a renderer would get back from ipcRenderer.invoke(channel, ...args).
async function invoke(ipcMain, channel, { url = APP_URL, sender = new FakeWebContents(url), frame = { url } } = {}, ...args) {
  const handler = ipcMain.handlers.get(channel);
  assert.ok(handler, `no handler on ${channel}`);
  return structuredClone(await handler({ sender, senderFrame: frame }, ...structuredClone(args)));
}

describe('registerIpcHandlers', function () {
  this.timeout(isWindows ? 120000 : 30000);
  let backend;
  let ipcMain;
  let dispose;

  function newBackend(options = {}) {
    backend = new Backend({
      command: process.execPath, args: [fixture('backend-server.js')], readiness: { path: '/health' },
      stopTimeoutMs: 3000, name: 'api',
      shutdown: { path: '/shutdown' }, // a graceful stop on Windows too
      ...options,
    });
    return backend;
  }

  beforeEach(function () {
    ipcMain = new FakeIpcMain();
    newBackend();
  });

  afterEach(async function () {
    if (dispose) dispose();
    dispose = null;
    await backend.stop();
  });

  it('registers one handler per method under the prefix', function () {
    dispose = registerIpcHandlers(ipcMain, backend);
    assert.deepStrictEqual([...ipcMain.handlers.keys()].sort(), METHODS.map((m) => `backend:${m}`).sort());
    dispose();
    dispose = registerIpcHandlers(ipcMain, backend, { prefix: 'api' });
    assert.deepStrictEqual([...ipcMain.handlers.keys()].sort(), METHODS.map((m) => `api:${m}`).sort());
  });

  it('drives the backend through every channel with the seed-compatible result shapes', async function () {
    dispose = registerIpcHandlers(ipcMain, backend);
    let r = await invoke(ipcMain, 'backend:status');
    assert.strictEqual(r.ok, true);
    assert.strictEqual(r.value.running, false);
    assert.strictEqual(r.value.port, null);
    assert.strictEqual(r.value.url, null);

    r = await invoke(ipcMain, 'backend:start');
    assert.strictEqual(r.ok, true, JSON.stringify(r));
    assert.strictEqual(r.value.success, true);
    assert.match(r.value.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const firstPid = r.value.pid;

    r = await invoke(ipcMain, 'backend:status');
    assert.strictEqual(r.value.running, true);
    assert.strictEqual(typeof r.value.port, 'number');
    assert.strictEqual(r.value.url, `http://127.0.0.1:${r.value.port}`);
    assert.strictEqual(r.value.state, 'running');

    r = await invoke(ipcMain, 'backend:restart');
    assert.deepStrictEqual(Object.keys(r.value).sort(), ['success', 'url']);
    assert.strictEqual(r.value.success, true);
    assert.notStrictEqual(backend.status().pid, firstPid);

    r = await invoke(ipcMain, 'backend:checkFirewall');
    assert.strictEqual(r.ok, true, JSON.stringify(r));
    assert.strictEqual(typeof r.value.compatible, 'boolean');
    assert.strictEqual(typeof r.value.message, 'string');
    assert.ok('recommendation' in r.value || r.value.compatible, 'recommendation when not compatible');

    r = await invoke(ipcMain, 'backend:getFirewallRule');
    if (r.ok) {
      assert.strictEqual(typeof r.value.exists, 'boolean');
    } else {
      assert.ok(isWine, JSON.stringify(r)); // Wine's INetFwPolicy2 answers E_NOTIMPL
      assert.deepStrictEqual(Object.keys(r.error).sort(), ['code', 'message']);
    }

    r = await invoke(ipcMain, 'backend:getFirewallCommand');
    assert.strictEqual(typeof r.value, 'string');
    assert.ok(r.value.includes('api'), r.value);
    r = await invoke(ipcMain, 'backend:getFirewallCommand', {}, { name: 'My App backend' });
    assert.ok(r.value.includes('My App backend'), r.value);

    r = await invoke(ipcMain, 'backend:stop');
    assert.deepStrictEqual(r.value, { success: true, forced: false });
    r = await invoke(ipcMain, 'backend:status');
    assert.strictEqual(r.value.running, false);
  });

  it('returns backend failures as plain { code, message } and leaves the handlers working', async function () {
    newBackend({ command: path.join(os.tmpdir(), 'bw-no-such-dir', 'server') });
    dispose = registerIpcHandlers(ipcMain, backend);
    const r = await invoke(ipcMain, 'backend:start');
    assert.strictEqual(r.ok, false);
    assert.deepStrictEqual(Object.keys(r.error).sort(), ['code', 'message']);
    assert.strictEqual(r.error.code, 'ENOENT');
    assert.strictEqual((await invoke(ipcMain, 'backend:status')).value.state, 'stopped');
  });

  describe('senders', function () {
    const cases = [
      ['a remote page', { url: 'https://evil.example/' }],
      ['a dev server the app did not allow', { url: 'http://localhost:5173/' }],
      ['a frame that is gone', { url: APP_URL, frame: null }],
      ['a data: URL', { url: 'data:text/html,<script>1</script>' }],
      // An HTML file dropped onto the window: file://, but not the app's.
      ['a foreign file:// page', { url: require('url').pathToFileURL(require('path').join(require('path').parse(process.cwd()).root, 'foreign', 'dropped.html')).href }],
      ['a file:// page beside the app directory', { url: require('url').pathToFileURL(`${process.cwd()}-evil${require('path').sep}index.html`).href }],
    ];
    for (const [title, sender] of cases) {
      it(`rejects ${title} (by default only the app's own files), logs once, leaves the backend untouched`, async function () {
        const logger = captureLogger();
        dispose = registerIpcHandlers(ipcMain, backend, { logger });
        const statuses = [];
        backend.on('status', (s) => statuses.push(s));
        for (const method of METHODS) {
          const r = await invoke(ipcMain, `backend:${method}`, sender);
          assert.strictEqual(r.ok, false);
          assert.deepStrictEqual(Object.keys(r.error).sort(), ['code', 'message']);
          assert.strictEqual(r.error.code, 'ERR_BACKEND_WARDEN_UNTRUSTED_SENDER');
        }
        assert.strictEqual(logger.lines.length, METHODS.length, logger.lines.join('\n'));
        assert.deepStrictEqual(statuses, []);
        assert.strictEqual(backend.status().state, 'idle');
      });
    }

    it('allows exactly the origins in allowedOrigins (a dev server, a custom scheme)', async function () {
      dispose = registerIpcHandlers(ipcMain, backend, { allowedOrigins: ['http://localhost:5173/some/page', 'app://bundle'] });
      assert.strictEqual((await invoke(ipcMain, 'backend:status', { url: 'http://localhost:5173/#/settings' })).ok, true);
      assert.strictEqual((await invoke(ipcMain, 'backend:status', { url: 'app://bundle/index.html' })).ok, true);
      for (const url of ['http://localhost:5174/', 'https://localhost:5173/', APP_URL, 'app://other/index.html']) {
        const r = await invoke(ipcMain, 'backend:status', { url });
        assert.strictEqual(r.error && r.error.code, 'ERR_BACKEND_WARDEN_UNTRUSTED_SENDER', url);
      }
    });
    it("trusts the app's own files by default, appPath or a file: URL entry names another directory, 'file://' any file", async function () {
      const { pathToFileURL } = require('url');
      const path = require('path');
      const dir = path.join(path.parse(process.cwd()).root, 'opt', 'my app');
      const inside = pathToFileURL(path.join(dir, 'resources', 'app.asar', 'index.html')).href;
      const outside = pathToFileURL(path.join(dir, '..', 'other', 'index.html')).href;
      const sneaky = `${pathToFileURL(dir).href}/../other/index.html`; // URL parsing resolves the ..
      const check = async (options, url) => {
        const ipc = new FakeIpcMain();
        const off = registerIpcHandlers(ipc, backend, options);
        try {
          return (await invoke(ipc, 'backend:status', { url })).ok;
        } finally {
          off();
        }
      };
      assert.strictEqual(await check({}, APP_URL), true);
      assert.strictEqual(await check({}, inside), false);
      assert.strictEqual(await check({ appPath: dir }, inside), true);
      assert.strictEqual(await check({ appPath: dir }, outside), false);
      assert.strictEqual(await check({ appPath: dir }, sneaky), false);
      assert.strictEqual(await check({ appPath: dir }, APP_URL), false);
      assert.strictEqual(await check({ allowedOrigins: [pathToFileURL(dir).href] }, inside), true);
      assert.strictEqual(await check({ allowedOrigins: [pathToFileURL(dir).href] }, outside), false);
      assert.strictEqual(await check({ allowedOrigins: ['file://'] }, outside), true);
      assert.throws(() => registerIpcHandlers(new FakeIpcMain(), backend, { appPath: 'relative/dir' }), { code: 'ERR_INVALID_ARG_TYPE' });
    });
  });

  describe('arguments', function () {
    const bad = [
      ['backend:status', ['x'], 'ERR_INVALID_ARG_VALUE', 'an argument to a method that takes none'],
      ['backend:start', [{ command: '/bin/sh' }], 'ERR_INVALID_ARG_VALUE', 'a command for start'],
      ['backend:stop', [{}, {}], 'ERR_INVALID_ARG_VALUE', 'two arguments'],
      ['backend:getFirewallCommand', [{ name: 'a' }, 1], 'ERR_INVALID_ARG_VALUE', 'an extra argument'],
      ['backend:getFirewallCommand', ['name'], 'ERR_INVALID_ARG_TYPE', 'a string instead of options'],
      ['backend:getFirewallCommand', [['name']], 'ERR_INVALID_ARG_TYPE', 'an array instead of options'],
      ['backend:getFirewallCommand', [null], 'ERR_INVALID_ARG_TYPE', 'null options'],
      ['backend:getFirewallCommand', [{ name: 5 }], 'ERR_INVALID_ARG_TYPE', 'a name that is a number'],
      ['backend:getFirewallCommand', [{ name: 'x', program: '/bin/sh' }], 'ERR_INVALID_ARG_VALUE', 'an unknown option'],
      ['backend:getFirewallCommand', [JSON.parse('{"__proto__": {"name": "x"}}')], 'ERR_INVALID_ARG_VALUE', 'a __proto__ key'],
      ['backend:getFirewallRule', [{ constructor: 'x' }], 'ERR_INVALID_ARG_VALUE', 'a constructor key'],
      ['backend:getFirewallRule', [{ name: 'x'.repeat(100000) }], 'ERR_OUT_OF_RANGE', 'an oversized string'],
      ['backend:getFirewallRule', [{ name: '' }], 'ERR_OUT_OF_RANGE', 'an empty string'],
      ['backend:getFirewallRule', [{ name: 'a\nb' }], 'ERR_INVALID_ARG_VALUE', 'a control character'],
      ['backend:getFirewallRule', [new Date()], 'ERR_INVALID_ARG_TYPE', 'a Date'],
    ];
    for (const [channel, args, code, title] of bad) {
      it(`rejects ${title} on ${channel} with ${code}, logged once, backend untouched`, async function () {
        const logger = captureLogger();
        dispose = registerIpcHandlers(ipcMain, backend, { logger });
        const statuses = [];
        backend.on('status', (s) => statuses.push(s));
        const r = await invoke(ipcMain, channel, {}, ...args);
        assert.strictEqual(r.ok, false);
        assert.deepStrictEqual(Object.keys(r.error).sort(), ['code', 'message']);
        assert.strictEqual(r.error.code, code, r.error.message);
        assert.ok(r.error.message.length < 1000, 'the message does not echo an oversized argument');
        assert.strictEqual(logger.lines.length, 1, logger.lines.join('\n'));
        assert.match(logger.lines[0], new RegExp(`^warn: .*rejected ${channel}`));
        assert.deepStrictEqual(statuses, []);
        assert.strictEqual(backend.status().state, 'idle');
      });
    }

    it('accepts an explicit undefined as "no argument"', async function () {
      dispose = registerIpcHandlers(ipcMain, backend);
      assert.strictEqual((await invoke(ipcMain, 'backend:status', {}, undefined)).ok, true);
    });
  });

  describe('registration', function () {
    it('refuses a second registration on the same channels with a clear error', function () {
      dispose = registerIpcHandlers(ipcMain, backend);
      assert.throws(() => registerIpcHandlers(ipcMain, backend), (err) => {
        assert.strictEqual(err.code, 'ERR_BACKEND_WARDEN_HANDLER_EXISTS');
        assert.match(err.message, /'backend:start' is already registered/);
        return true;
      });
      assert.strictEqual(ipcMain.handlers.size, METHODS.length);
    });

    it('refuses a channel the app already handles itself, and registers nothing', function () {
      const own = () => 'mine';
      ipcMain.handle('backend:stop', own);
      assert.throws(() => registerIpcHandlers(ipcMain, backend), (err) => {
        assert.strictEqual(err.code, 'ERR_BACKEND_WARDEN_HANDLER_EXISTS');
        assert.match(err.message, /'backend:stop'/);
        return true;
      });
      assert.deepStrictEqual([...ipcMain.handlers.entries()], [['backend:stop', own]]);
      assert.strictEqual(backend.listenerCount('status'), 0);
    });

    it('dispose() removes exactly its handlers and listeners, once', function () {
      const other = () => 'other';
      ipcMain.handle('settings:get', other);
      const before = backend.listenerCount('status');
      const d = registerIpcHandlers(ipcMain, backend);
      assert.strictEqual(backend.listenerCount('status'), before + 1);
      d();
      d();
      assert.deepStrictEqual([...ipcMain.handlers.entries()], [['settings:get', other]]);
      assert.strictEqual(backend.listenerCount('status'), before);
      dispose = registerIpcHandlers(ipcMain, backend); // the channels are free again
    });

    for (const [title, call, code] of [
      ['an ipcMain without handle()', () => registerIpcHandlers({}, backend), 'ERR_INVALID_ARG_TYPE'],
      ['a backend that is not one', () => registerIpcHandlers(new FakeIpcMain(), {}), 'ERR_INVALID_ARG_TYPE'],
      ['a prefix with a colon', () => registerIpcHandlers(new FakeIpcMain(), backend, { prefix: 'a:b' }), 'ERR_INVALID_ARG_VALUE'],
      ['a numeric prefix', () => registerIpcHandlers(new FakeIpcMain(), backend, { prefix: 1 }), 'ERR_INVALID_ARG_TYPE'],
      ['allowedOrigins that is a string', () => registerIpcHandlers(new FakeIpcMain(), backend, { allowedOrigins: 'file://' }), 'ERR_INVALID_ARG_TYPE'],
      ['an allowed origin that is no URL', () => registerIpcHandlers(new FakeIpcMain(), backend, { allowedOrigins: ['localhost'] }), 'ERR_INVALID_ARG_VALUE'],
      ['an unknown option', () => registerIpcHandlers(new FakeIpcMain(), backend, { channels: [] }), 'ERR_INVALID_ARG_VALUE'],
      ['windows that is an object', () => registerIpcHandlers(new FakeIpcMain(), backend, { windows: {} }), 'ERR_INVALID_ARG_TYPE'],
    ]) {
      it(`throws ${code} for ${title}`, function () {
        assert.throws(call, { code });
      });
    }
  });

  describe('status pushes', function () {
    it('pushes every state change on backend:status-changed to the senders it served, skipping destroyed ones', async function () {
      dispose = registerIpcHandlers(ipcMain, backend);
      const a = new FakeWebContents(APP_URL);
      const b = new FakeWebContents(APP_URL);
      const stranger = new FakeWebContents(APP_URL);
      await invoke(ipcMain, 'backend:status', { sender: a });
      await invoke(ipcMain, 'backend:status', { sender: b });
      b.destroy();
      await invoke(ipcMain, 'backend:start', { sender: a });
      const states = a.sent.map((m) => { assert.strictEqual(m.channel, 'backend:status-changed'); return m.args[0].state; });
      assert.deepStrictEqual(states, ['starting', 'running']);
      assert.strictEqual(a.sent[1].args[0].url, backend.status().url);
      assert.deepStrictEqual(b.sent, []);
      assert.deepStrictEqual(stranger.sent, [], 'a webContents that never called gets nothing');
      assert.strictEqual(b.listenerCount('destroyed'), 0);
      dispose();
      dispose = null;
      assert.strictEqual(a.listenerCount('destroyed'), 0, 'dispose() removes its destroyed listeners');
      await backend.stop();
      assert.strictEqual(a.sent.length, 2, 'no pushes after dispose()');
    });

    it('pushes to the windows the app lists, skipping destroyed windows and pages that navigated away', async function () {
      const w1 = new FakeBrowserWindow(APP_URL);
      const w2 = new FakeBrowserWindow(APP_URL);
      const w3 = new FakeBrowserWindow(APP_URL);
      dispose = registerIpcHandlers(ipcMain, backend, { windows: () => [w1, w2, w3] });
      w2.webContents.destroy();
      w3.webContents.url = 'https://elsewhere.example/';
      await backend.start();
      await waitFor(() => w1.webContents.sent.length === 2);
      assert.deepStrictEqual(w1.webContents.sent.map((m) => m.args[0].state), ['starting', 'running']);
      assert.deepStrictEqual(w2.webContents.sent, []);
      assert.deepStrictEqual(w3.webContents.sent, []);
    });

    it('a windows() function that throws is logged and does not disturb the backend', async function () {
      const logger = captureLogger();
      dispose = registerIpcHandlers(ipcMain, backend, { logger, windows: () => { throw new Error('no windows yet'); } });
      await backend.start();
      assert.strictEqual(backend.status().state, 'running');
      assert.ok(logger.lines.some((l) => l.includes('no windows yet')), logger.lines.join('\n'));
    });
  });
});

'use strict';
// exposeBackend / createBackendApi (lib/electron/preload.js, the bridge of
// lib/electron/sandboxed-preload.js): sandbox-safe (no Node built-in), and
// end to end through stand-ins for contextBridge and ipcRenderer, the real
// registerIpcHandlers and a real Backend process.

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const { Backend, registerIpcHandlers } = require('..');
const { exposeBackend, createBackendApi } = require('../lib/electron/preload');
const { FakeIpcMain, FakeWebContents, FakeIpcRenderer, FakeContextBridge } = require('./fake-electron');
const { fixture, isWindows, isWine, waitFor, httpGet } = require('./helpers');

// A page of the app's own files: the default trusts files below the working
// directory outside Electron (app.getAppPath() in Electron).
const APP_URL = require('url').pathToFileURL(require('path').join(process.cwd(), 'app', 'index.html')).href;
const API = ['start', 'restart', 'stop', 'status', 'checkFirewall', 'getFirewallRule', 'getFirewallCommand', 'onStatus'];
const SOURCE = path.join(__dirname, '..', 'lib', 'electron', 'preload.js');
const BRIDGE = path.join(__dirname, '..', 'lib', 'electron', 'sandboxed-preload.js');

describe('preload', function () {
  this.timeout(isWindows ? 120000 : 30000);

  describe('sandbox safety', function () {
    it('requires only ./sandboxed-preload.js, the one copy of the bridge, and no Node built-in', function () {
      const code = fs.readFileSync(SOURCE, 'utf8').replace(/\/\/.*$/gm, '');
      assert.deepStrictEqual(code.match(/\brequire\s*\([^)]*\)/g), ["require('./sandboxed-preload.js')"]);
      assert.doesNotMatch(code, /\bprocess\./);
    });

    it('runs in a bare context with no process or Buffer whose require knows only the bridge file; loading exposes nothing', function () {
      const context = vm.createContext({});
      const required = [];
      const load = (file, req) => {
        const module = { exports: {} };
        vm.runInContext(`(function (require, module, exports) {${fs.readFileSync(file, 'utf8')}\n})`, context, { filename: file })(req, module, module.exports);
        return module.exports;
      };
      const noModule = (name) => {
        required.push(name);
        throw new Error(`module not found: ${name}`);
      };
      const exported = load(SOURCE, (name) => {
        required.push(name);
        assert.strictEqual(name, './sandboxed-preload.js');
        return load(BRIDGE, noModule);
      });
      // Not even 'electron': as a library the bridge file exposes nothing.
      assert.deepStrictEqual(required, ['./sandboxed-preload.js']);
      assert.deepStrictEqual(Object.keys(exported), ['exposeBackend', 'createBackendApi']);
      assert.strictEqual(vm.runInContext('Object.getOwnPropertySymbols(globalThis).length', context), 0, 'the flag is gone after the load');
      const bridge = new FakeContextBridge();
      const ipcRenderer = { invoke: () => Promise.resolve({ ok: true, value: 'x' }), on() {}, removeListener() {} };
      const api = exported.exposeBackend(bridge, ipcRenderer);
      assert.strictEqual(bridge.world.backend, api);
      assert.deepStrictEqual(Object.keys(bridge.world), ['backend']);
      return api.status().then((v) => assert.strictEqual(v, 'x'));
    });

    it("is the package's 'backend-warden/preload' export", function () {
      const pkg = require('../package.json');
      assert.deepStrictEqual(pkg.exports['./preload'], { types: './preload.d.ts', default: './lib/electron/preload.js' });
      assert.ok(pkg.files.includes('lib/'));
    });
  });

  describe('arguments', function () {
    const ipc = { invoke() {}, on() {}, removeListener() {} };
    for (const [title, call, code] of [
      ['no contextBridge', () => exposeBackend(undefined, ipc), 'ERR_INVALID_ARG_TYPE'],
      ['an ipcRenderer without invoke', () => exposeBackend(new FakeContextBridge(), { on() {} }), 'ERR_INVALID_ARG_TYPE'],
      ['a key that is not an identifier', () => exposeBackend(new FakeContextBridge(), ipc, { key: 'my-backend' }), 'ERR_INVALID_ARG_VALUE'],
      ['a numeric key', () => exposeBackend(new FakeContextBridge(), ipc, { key: 1 }), 'ERR_INVALID_ARG_TYPE'],
      ['a bad prefix', () => exposeBackend(new FakeContextBridge(), ipc, { prefix: 'a b' }), 'ERR_INVALID_ARG_VALUE'],
      ['an unknown option', () => exposeBackend(new FakeContextBridge(), ipc, { channel: 'x' }), 'ERR_INVALID_ARG_VALUE'],
      ['options that are a string', () => createBackendApi(ipc, 'backend'), 'ERR_INVALID_ARG_TYPE'],
    ]) {
      it(`throws ${code} for ${title}`, function () {
        assert.throws(call, { code });
      });
    }

    it('onStatus() wants a function', function () {
      const api = createBackendApi(ipc);
      assert.throws(() => api.onStatus('x'), { code: 'ERR_INVALID_ARG_TYPE' });
    });
  });

  describe('end to end', function () {
    let backend;
    let ipcMain;
    let dispose;
    let bridge;
    let renderer;

    beforeEach(function () {
      backend = new Backend({
        command: process.execPath, args: [fixture('backend-server.js')], readiness: { path: '/health' },
        stopTimeoutMs: 3000, name: 'api',
        shutdown: { path: '/shutdown' }, // a graceful stop on Windows too
      });
      ipcMain = new FakeIpcMain();
      dispose = registerIpcHandlers(ipcMain, backend);
      bridge = new FakeContextBridge();
      renderer = new FakeIpcRenderer(ipcMain, new FakeWebContents(APP_URL));
    });

    afterEach(async function () {
      dispose();
      await backend.stop();
    });

    it('exposes window.backend with exactly the documented methods', function () {
      const api = exposeBackend(bridge, renderer);
      assert.deepStrictEqual(Object.keys(bridge.world), ['backend']);
      assert.strictEqual(bridge.world.backend, api);
      assert.deepStrictEqual(Object.keys(api).sort(), [...API].sort());
      for (const name of API) assert.strictEqual(typeof api[name], 'function');
      assert.ok(Object.isFrozen(api));
    });

    it('window.backend drives the real backend: start, status, restart, stop, firewall', async function () {
      const api = exposeBackend(bridge, renderer);
      const started = await api.start();
      assert.strictEqual(started.success, true);
      assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const s = await api.status();
      assert.deepStrictEqual({ running: s.running, port: s.port, url: s.url }, { running: true, port: started.port, url: started.url });
      const r = await api.restart();
      assert.deepStrictEqual(r, { success: true, url: started.url });
      const fw = await api.checkFirewall();
      assert.strictEqual(typeof fw.compatible, 'boolean');
      assert.strictEqual(typeof fw.message, 'string');
      try {
        const rule = await api.getFirewallRule();
        assert.strictEqual(typeof rule.exists, 'boolean');
      } catch (err) {
        assert.ok(isWine, JSON.stringify(err));
        assert.deepStrictEqual(Object.keys(err).sort(), ['code', 'message']);
      }
      assert.strictEqual(typeof await api.getFirewallCommand(), 'string');
      assert.ok((await api.getFirewallCommand({ name: 'Renamed' })).includes('Renamed'));
      assert.deepStrictEqual(await api.stop(), { success: true, forced: false });
      assert.strictEqual((await api.status()).running, false);
    });

    it('keeps working for apps that used window.electron.backend (createBackendApi nested)', async function () {
      bridge.exposeInMainWorld('electron', { backend: createBackendApi(renderer), platform: 'linux' });
      const seed = bridge.world.electron.backend;
      const s = await seed.status();
      assert.strictEqual(s.running, false);
      const r = await seed.restart();
      assert.strictEqual(r.success, true);
      assert.strictEqual(typeof r.url, 'string');
      assert.strictEqual((await seed.stop()).success, true);
    });

    it('a failed restart or stop resolves { success: false, error } — the shape apps check without a catch', async function () {
      const broken = new Backend({ command: path.join(__dirname, 'fixtures', 'no-such-backend'), port: false, restart: false });
      const brokenIpc = new FakeIpcMain();
      const disposeBroken = registerIpcHandlers(brokenIpc, broken);
      try {
        const api = createBackendApi(new FakeIpcRenderer(brokenIpc, new FakeWebContents(APP_URL)));
        const r = await api.restart();
        assert.strictEqual(r.success, false);
        assert.strictEqual(r.error.code, 'ENOENT');
        assert.deepStrictEqual(Object.keys(r.error).sort(), ['code', 'message']);
        const stranger = createBackendApi(new FakeIpcRenderer(ipcMain, new FakeWebContents('https://evil.example/')));
        const st = await stranger.stop();
        assert.deepStrictEqual([st.success, st.error.code], [false, 'ERR_BACKEND_WARDEN_UNTRUSTED_SENDER']);
      } finally {
        disposeBroken();
        await broken.stop();
      }
    });

    it('uses key and prefix', async function () {
      dispose();
      dispose = registerIpcHandlers(ipcMain, backend, { prefix: 'api' });
      exposeBackend(bridge, renderer, { key: 'api', prefix: 'api' });
      assert.strictEqual((await bridge.world.api.status()).state, 'idle');
    });

    it('rejects with a plain { code, message } object (contextBridge keeps nothing else of an Error)', async function () {
      const api = exposeBackend(bridge, renderer);
      await assert.rejects(api.getFirewallCommand({ name: 7 }), (err) => {
        assert.deepStrictEqual(Object.keys(err).sort(), ['code', 'message']);
        assert.strictEqual(Object.getPrototypeOf(err), Object.prototype);
        assert.strictEqual(err.code, 'ERR_INVALID_ARG_TYPE');
        return true;
      });
      const stranger = new FakeIpcRenderer(ipcMain, new FakeWebContents('https://evil.example/'));
      await assert.rejects(createBackendApi(stranger).start(), { code: 'ERR_BACKEND_WARDEN_UNTRUSTED_SENDER' });
      assert.strictEqual(backend.status().state, 'idle');
      const unwired = new FakeIpcRenderer(new FakeIpcMain(), new FakeWebContents(APP_URL));
      await assert.rejects(createBackendApi(unwired).status(), (err) => {
        assert.strictEqual(err.code, 'ERR_BACKEND_WARDEN_IPC');
        assert.match(err.message, /No handler registered/);
        return true;
      });
    });

    it('sends nothing from the page that is not documented: start(anything) sends no argument', async function () {
      const api = exposeBackend(bridge, renderer);
      const sent = [];
      const invoke = renderer.invoke.bind(renderer);
      renderer.invoke = (channel, ...args) => { sent.push([channel, args]); return invoke(channel, ...args); };
      const info = await api.start({ command: '/bin/sh', args: ['-c', 'exit 9'] });
      await api.status({ command: '/bin/sh' });
      assert.deepStrictEqual(sent, [['backend:start', []], ['backend:status', []]]);
      assert.strictEqual((await httpGet(`${info.url}/health`)).body, 'ok', "the app's own backend runs, not the page's");
    });

    it('onStatus(cb): the current status, then every change, never the IpcRendererEvent; unsubscribe stops it', async function () {
      const api = exposeBackend(bridge, renderer);
      const calls = [];
      const unsubscribe = api.onStatus((...args) => calls.push(args));
      await waitFor(() => calls.length === 1);
      assert.strictEqual(calls[0].length, 1);
      assert.strictEqual(calls[0][0].state, 'idle');
      await api.start();
      assert.deepStrictEqual(calls.map((c) => c[0].state), ['idle', 'starting', 'running']);
      for (const c of calls) {
        assert.strictEqual(c.length, 1, 'only the status');
        assert.ok(!('sender' in c[0]) && !('senderId' in c[0]));
      }
      assert.strictEqual(renderer.listenerCount('backend:status-changed'), 1);
      unsubscribe();
      unsubscribe();
      assert.strictEqual(renderer.listenerCount('backend:status-changed'), 0);
      await api.stop();
      assert.strictEqual(calls.length, 3);
    });
  });
});

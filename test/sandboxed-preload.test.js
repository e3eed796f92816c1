'use strict';
// The shipped self-contained preload (lib/electron/sandboxed-preload.js,
// 'backend-warden/sandboxed-preload') and registerPreload: the file is run
// the way a sandbox: true renderer runs a preload — a fresh context whose
// require() knows only 'electron' — and drives the real Backend through the
// real registerIpcHandlers, with stand-ins for ipcMain, ipcRenderer,
// contextBridge and session (test/fake-electron*.js).

const assert = require('assert');
const fs = require('fs');

const { Backend } = require('../lib/backend');
const { registerIpcHandlers } = require('../lib/electron/ipc');
const { registerPreload, SANDBOXED_PRELOAD } = require('../lib/electron/register-preload');
const { FakeWebContents, FakeContextBridge } = require('./fake-electron');
const { SyncIpcMain, SyncIpcRenderer, ElectronSession, runSandboxedPreload } = require('./fake-electron-app');
const { fixture, isWindows, httpGet } = require('./helpers');

// A page of the app's own files: the default trusts files below the working
// directory outside Electron (app.getAppPath() in Electron).
const APP_URL = require('url').pathToFileURL(require('path').join(process.cwd(), 'app', 'index.html')).href;
const API = ['start', 'restart', 'stop', 'status', 'checkFirewall', 'getFirewallRule', 'getFirewallCommand', 'onStatus'];

// One renderer of `session` (default: none) loading the shipped preload.
function renderer(ipcMain, { session, url = APP_URL, argv } = {}) {
  const wc = new FakeWebContents(url);
  wc.session = session;
  const ipcRenderer = new SyncIpcRenderer(ipcMain, wc);
  const contextBridge = new FakeContextBridge();
  const run = runSandboxedPreload(SANDBOXED_PRELOAD, { contextBridge, ipcRenderer }, { argv });
  return { window: contextBridge.world, required: run.required, ipcRenderer };
}

describe('sandboxed preload', function () {
  this.timeout(isWindows ? 120000 : 30000);

  describe('the shipped file', function () {
    it("is require.resolve('backend-warden/sandboxed-preload'), and shipped", function () {
      assert.strictEqual(require.resolve('backend-warden/sandboxed-preload'), SANDBOXED_PRELOAD);
      const pkg = require('../package.json');
      assert.strictEqual(pkg.exports['./sandboxed-preload'], './lib/electron/sandboxed-preload.js');
      assert.ok(pkg.files.includes('lib/'));
    });

    it("requires only 'electron' (in the source and when run)", function () {
      const code = fs.readFileSync(SANDBOXED_PRELOAD, 'utf8').replace(/\/\/.*$/gm, '');
      const calls = code.match(/\brequire\s*\([^)]*\)/g);
      assert.deepStrictEqual(calls, ["require('electron')"]);
      const { required } = renderer(new SyncIpcMain());
      assert.deepStrictEqual(required, ['electron']);
    });

    it("is the one copy of the bridge: backend-warden/preload exports its exposeBackend and createBackendApi", function () {
      const preload = require('../lib/electron/preload');
      const loaded = require.cache[SANDBOXED_PRELOAD];
      assert.ok(loaded, 'lib/electron/preload.js loaded this file');
      assert.strictEqual(loaded.exports, preload);
      assert.deepStrictEqual(Object.keys(preload), ['exposeBackend', 'createBackendApi']);
    });
  });

  describe('end to end with the real backend', function () {
    let backend;
    let ipcMain;
    let dispose;

    beforeEach(function () {
      backend = new Backend({
        command: process.execPath, args: [fixture('backend-server.js')], readiness: { path: '/health' },
        stopTimeoutMs: 3000, name: 'api', shutdown: { path: '/shutdown' },
      });
      ipcMain = new SyncIpcMain();
      dispose = registerIpcHandlers(ipcMain, backend);
    });

    afterEach(async function () {
      dispose();
      await backend.stop();
    });

    it('exposes window.backend, which starts, restarts, reports and stops the backend', async function () {
      const { window } = renderer(ipcMain);
      assert.deepStrictEqual(Object.keys(window), ['backend']);
      assert.deepStrictEqual(Object.keys(window.backend).sort(), [...API].sort());
      const started = await window.backend.start();
      assert.strictEqual(started.success, true);
      assert.strictEqual((await httpGet(`${started.url}/health`)).status, 200);
      const s = await window.backend.status();
      assert.deepStrictEqual({ running: s.running, port: s.port, url: s.url }, { running: true, port: started.port, url: started.url });
      assert.deepStrictEqual(await window.backend.restart(), { success: true, url: started.url });
      const fw = await window.backend.checkFirewall();
      assert.strictEqual(typeof fw.compatible, 'boolean');
      assert.strictEqual(typeof await window.backend.getFirewallCommand(), 'string');
      assert.deepStrictEqual(await window.backend.stop(), { success: true, forced: false });
      assert.strictEqual(backend.state, 'stopped');
      assert.deepStrictEqual(ipcMain.warnings, [], 'the options query had a listener');
    });

    it('a foreign page gets window.backend, but its calls are refused', async function () {
      const { window } = renderer(ipcMain, { url: 'https://evil.example/' });
      await assert.rejects(window.backend.start(), (err) => err.code === 'ERR_BACKEND_WARDEN_UNTRUSTED_SENDER');
      assert.strictEqual(backend.state, 'idle');
    });

    it('--backend-warden-expose=<key>:<prefix> in argv (additionalArguments) picks key and prefix', async function () {
      const api = new Backend({ command: process.execPath, args: [fixture('backend-server.js')], name: 'other' });
      const disposeApi = registerIpcHandlers(ipcMain, api, { prefix: 'api' });
      try {
        const { window } = renderer(ipcMain, { argv: ['electron', '--backend-warden-expose=api:api', '--backend-warden-expose=backend'] });
        assert.deepStrictEqual(Object.keys(window).sort(), ['api', 'backend']);
        assert.strictEqual((await window.api.status()).name, 'other');
        assert.strictEqual((await window.backend.status()).name, 'api');
      } finally {
        disposeApi();
      }
    });

    it('an app preload that already exposed window.backend keeps it; the clash is logged, not thrown', function () {
      const wc = new FakeWebContents(APP_URL);
      const contextBridge = new FakeContextBridge();
      contextBridge.exposeInMainWorld('backend', { mine: true });
      const errors = [];
      const saved = console.error;
      console.error = (msg) => errors.push(msg);
      try {
        runSandboxedPreload(SANDBOXED_PRELOAD, { contextBridge, ipcRenderer: new SyncIpcRenderer(ipcMain, wc) });
      } finally {
        console.error = saved;
      }
      assert.deepStrictEqual(contextBridge.world.backend, { mine: true });
      assert.match(errors.join('\n'), /window\.backend/);
    });
  });

  describe('registerPreload(session, { key, prefix })', function () {
    for (const legacy of [false, true]) {
      const how = legacy ? 'setPreloads (Electron < 35)' : 'registerPreloadScript (Electron 35+)';
      it(`registers the shipped file once per session through ${how}; unregister() removes it`, function () {
        const session = new ElectronSession({ legacy });
        const off = registerPreload(session);
        assert.deepStrictEqual(session.framePreloads(), [SANDBOXED_PRELOAD]);
        const off2 = registerPreload(session, { key: 'api', prefix: 'api' });
        assert.deepStrictEqual(session.framePreloads(), [SANDBOXED_PRELOAD], 'still one script');
        off();
        assert.deepStrictEqual(session.framePreloads(), [SANDBOXED_PRELOAD]);
        off2();
        off2();
        assert.deepStrictEqual(session.framePreloads(), []);
      });
    }

    it("keeps the app's own preloads", function () {
      const session = new ElectronSession({ legacy: true });
      session.setPreloads(['/opt/app/preload.js']);
      const off = registerPreload(session);
      assert.deepStrictEqual(session.getPreloads(), ['/opt/app/preload.js', SANDBOXED_PRELOAD]);
      off();
      assert.deepStrictEqual(session.getPreloads(), ['/opt/app/preload.js']);
    });

    it("a session's windows get the keys and prefixes registered for it, through the real registerIpcHandlers", async function () {
      const ipcMain = new SyncIpcMain();
      const backend = new Backend({ command: process.execPath, args: [fixture('backend-server.js')], name: 'db' });
      const dispose = registerIpcHandlers(ipcMain, backend, { prefix: 'db' });
      const session = new ElectronSession();
      const other = new ElectronSession();
      const off = registerPreload(session, { key: 'database', prefix: 'db' });
      try {
        const { window } = renderer(ipcMain, { session });
        assert.deepStrictEqual(Object.keys(window), ['database']);
        assert.strictEqual((await window.database.status()).name, 'db');
        // Another session: the default window.backend.
        assert.deepStrictEqual(Object.keys(renderer(ipcMain, { session: other }).window), ['backend']);
      } finally {
        off();
        dispose();
      }
      assert.strictEqual(ipcMain.listenerCount('backend-warden:preload-options'), 0, 'dispose() removed the listener');
    });

    for (const [title, call, code] of [
      ['no session', () => registerPreload(undefined), 'ERR_INVALID_ARG_TYPE'],
      ['a session without preload APIs', () => registerPreload({}), 'ERR_INVALID_ARG_TYPE'],
      ['a key that is not an identifier', () => registerPreload(new ElectronSession(), { key: 'my-backend' }), 'ERR_INVALID_ARG_VALUE'],
      ['a bad prefix', () => registerPreload(new ElectronSession(), { prefix: 'a b' }), 'ERR_INVALID_ARG_VALUE'],
      ['an unknown option', () => registerPreload(new ElectronSession(), { file: '/x' }), 'ERR_INVALID_ARG_VALUE'],
    ]) {
      it(`throws ${code} for ${title}`, function () {
        assert.throws(call, (err) => err.code === code);
      });
    }

    it('throws ERR_INVALID_ARG_VALUE for a key registered twice on one session', function () {
      const session = new ElectronSession();
      const off = registerPreload(session);
      try {
        assert.throws(() => registerPreload(session), (err) => err.code === 'ERR_INVALID_ARG_VALUE');
      } finally {
        off();
      }
    });
  });
});

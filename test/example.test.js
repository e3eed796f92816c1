'use strict';
// examples/electron against the library: its main.js and preload.js run
// with stand-ins for the 'electron' module (test/fake-electron.js), its
// renderer.js with a stand-in document; the backend (server.js) is real.

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const vm = require('vm');

const { fakeElectronMain, FakeIpcRenderer, FakeContextBridge, hookModules } = require('./fake-electron');
const { runSandboxedPreload } = require('./fake-electron-app');
const { isWindows, waitFor, httpGet, pidAlive } = require('./helpers');

const EXAMPLE = path.join(__dirname, '..', 'examples', 'electron');

function requireFresh(file) {
  delete require.cache[require.resolve(file)];
  return require(file);
}

// Just enough DOM for renderer.js.
function fakeDocument() {
  const elements = new Map();
  return {
    elements,
    getElementById(id) {
      if (!elements.has(id)) elements.set(id, { textContent: '', className: '', listeners: {}, addEventListener(type, fn) { this.listeners[type] = fn; } });
      return elements.get(id);
    },
  };
}

// Judged without the library: process.kill(pid, 0) and, on Linux, the
// zombie state in /proc (see helpers.pidAlive).
function gone(pid) {
  return !pidAlive(pid);
}

// The PID the running backend reports itself (server.js's /api/hello), not
// the one the library says it started.
async function servedPid(url) {
  return JSON.parse((await httpGet(`${url}/api/hello`)).body).pid;
}

describe('examples/electron', function () {
  this.timeout(isWindows ? 120000 : 30000);
  let userData;
  let electron;
  let main;
  let consoleMethods;
  let restoreModules;
  const printed = [];

  // The example logs to the console; keep it out of the test report.
  beforeEach(function () {
    consoleMethods = {};
    for (const m of ['log', 'info', 'warn', 'error', 'debug']) {
      consoleMethods[m] = console[m];
      console[m] = (...args) => printed.push(args.join(' '));
    }
    userData = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-example-'));
    electron = fakeElectronMain(userData);
    // Electron's app.exit(), which attachToApp calls after its timeout.
    electron.app.exit = (code) => { electron.app.exitCode = code; };
    // For the whole test: main.js resolves the preload once the app is ready.
    restoreModules = hookModules(electron);
    main = requireFresh(path.join(EXAMPLE, 'main.js'));
  });

  afterEach(async function () {
    restoreModules();
    await main.backend.dispose();
    Object.assign(console, consoleMethods);
    fs.rmSync(userData, { recursive: true, force: true });
  });

  it('main.js starts the backend on ready, the sandboxed preload exposes it, renderer.js shows it and drives it, quit stops it', async function () {
    const { app, BrowserWindow, ipcMain } = electron;
    assert.strictEqual(main.backend.status().state, 'idle', 'nothing starts before app ready');
    app.ready();
    await waitFor(() => main.backend.status().state === 'running', isWindows ? 60000 : 10000);

    const [win] = BrowserWindow.getAllWindows();
    assert.ok(win, 'a window');
    const prefs = win.options.webPreferences;
    assert.strictEqual(prefs.contextIsolation, true);
    assert.strictEqual(prefs.nodeIntegration, false);
    assert.strictEqual(prefs.sandbox, true);
    assert.strictEqual(prefs.preload, require.resolve('backend-warden/sandboxed-preload'));
    assert.strictEqual(win.webContents.url, require('url').pathToFileURL(path.join(EXAMPLE, 'index.html')).href);
    assert.ok(fs.existsSync(path.join(userData, 'backend.pid')), 'the pid file is written');

    const status = main.backend.status();
    const res = await httpGet(`${status.url}/api/hello`);
    assert.strictEqual(JSON.parse(res.body).hello, 'from the backend');
    const first = JSON.parse(res.body).pid;
    assert.strictEqual(status.pid, first, 'status() names the process that serves');

    // The preload, as a sandbox: true renderer runs it (require('electron') only).
    const bridge = new FakeContextBridge();
    const renderer = new FakeIpcRenderer(ipcMain, win.webContents);
    runSandboxedPreload(prefs.preload, { contextBridge: bridge, ipcRenderer: renderer });
    const api = bridge.world.backend;
    assert.ok(api, 'window.backend');

    // The page script.
    const document = fakeDocument();
    const rendererJs = path.join(EXAMPLE, 'renderer.js');
    vm.runInNewContext(fs.readFileSync(rendererJs, 'utf8'), { window: { backend: api }, document }, { filename: rendererJs });
    const el = (id) => document.getElementById(id);
    await waitFor(() => el('state').textContent === 'running');
    assert.strictEqual(el('url').textContent, status.url);
    assert.strictEqual(el('pid').textContent, String(status.pid));

    el('restart').listeners.click();
    await waitFor(() => el('output').textContent.includes('"success": true'), isWindows ? 60000 : 10000);
    assert.notStrictEqual(main.backend.status().pid, status.pid);
    await waitFor(() => el('pid').textContent === String(main.backend.status().pid));
    assert.ok(pidAlive(await servedPid(main.backend.status().url)), 'the new backend serves');
    assert.ok(gone(first), 'the first backend is gone');

    el('firewall').listeners.click();
    await waitFor(() => el('output').textContent.length > 0 && !el('output').textContent.includes('success'));
    assert.ok(el('output').textContent.length > 0);

    el('stop').listeners.click();
    await waitFor(() => el('state').textContent === 'stopped', isWindows ? 60000 : 10000);
    el('start').listeners.click();
    await waitFor(() => el('state').textContent === 'running', isWindows ? 60000 : 10000);
    const pid = await servedPid(main.backend.status().url);
    assert.strictEqual(main.backend.status().pid, pid);

    // Quitting: attachToApp holds the quit, stops the backend gracefully, then quits.
    app.quit();
    assert.strictEqual(app.quitted, false, 'the first quit is held');
    await waitFor(() => app.quitted, isWindows ? 60000 : 10000);
    assert.strictEqual(main.backend.status().state, 'stopped');
    assert.ok(gone(pid), 'the backend is gone');
    assert.strictEqual(ipcMain.handlers.size, 0, 'the IPC handlers are disposed');
    assert.strictEqual(fs.existsSync(path.join(userData, 'backend.pid')), false, 'the pid file is removed');
    assert.ok(printed.some((l) => l.startsWith('backend ready at http://127.0.0.1:')), printed.join('\n'));
  });

  it('rejects a page that navigated to another origin', async function () {
    const { app, BrowserWindow, ipcMain } = electron;
    app.ready();
    await waitFor(() => BrowserWindow.getAllWindows().length === 1);
    const [win] = BrowserWindow.getAllWindows();
    win.webContents.url = 'https://example.com/';
    const bridge = new FakeContextBridge();
    runSandboxedPreload(win.options.webPreferences.preload, { contextBridge: bridge, ipcRenderer: new FakeIpcRenderer(ipcMain, win.webContents) });
    const stopped = await bridge.world.backend.stop();
    assert.strictEqual(stopped.success, false);
    assert.strictEqual(stopped.error.code, 'ERR_BACKEND_WARDEN_UNTRUSTED_SENDER');
  });
});

'use strict';
// More of Electron's contract, beside test/fake-electron.js: an app whose
// quit sequence behaves like Electron's, windows that emit Windows'
// session-end events, sessions with either preload API, and a bare context
// that runs a sandboxed preload the way a sandbox: true renderer does.
// They stand in for Electron only: backends behind them are real.
//
// Electron's app, as lib/browser/api/app.ts and shell/browser/browser.cc
// behave (Electron 41):
// - quit(): emits 'before-quit' (preventable); if not prevented, closes the
//   windows, emits 'will-quit' (preventable), then 'quit', then exits. A
//   quit() while one is already under way (before-quit passed) does nothing.
//   A prevented before-quit leaves the app running; the next quit() emits it
//   again.
// - exit(code): closes the windows without asking and exits; neither
//   before-quit nor will-quit is emitted.
// - 'browser-window-created' (event, window) for every new BrowserWindow.

const EventEmitter = require('events');
const fs = require('fs');
const vm = require('vm');
const { FakeIpcMain, FakeIpcRenderer } = require('./fake-electron');

class ElectronApp extends EventEmitter {
  constructor({ isPackaged = false, appPath = process.cwd() } = {}) {
    super();
    this.isPackaged = isPackaged;
    this.appPath = appPath;
    this.quitting = false;
    this.exitCode = null; // set when the app ended (quit or exit)
    this.log = []; // the events, in order
  }

  getAppPath() {
    return this.appPath;
  }

  _emitPreventable(name) {
    let prevented = false;
    const event = { preventDefault() { prevented = true; }, get defaultPrevented() { return prevented; } };
    this.log.push(name);
    this.emit(name, event);
    return !prevented;
  }

  quit() {
    if (this.quitting || this.exitCode !== null) return;
    if (!this._emitPreventable('before-quit')) return;
    this.quitting = true;
    if (!this._emitPreventable('will-quit')) {
      this.quitting = false;
      return;
    }
    this.log.push('quit');
    this.emit('quit', {}, 0);
    this.exitCode = 0;
  }

  exit(code = 0) {
    if (this.exitCode !== null) return;
    this.log.push(`exit(${code})`);
    this.exitCode = code;
  }

  // The app ended (quit() went through, or exit()).
  get ended() {
    return this.exitCode !== null;
  }
}

// A BrowserWindow as far as attachToApp sees it: Windows emits
// 'query-session-end' and 'session-end' on windows at logoff and shutdown.
class ElectronWindow extends EventEmitter {
  constructor(app) {
    super();
    if (app) app.emit('browser-window-created', {}, this);
  }

  close() {
    this.emit('closed');
  }
}

// A session with Electron 35+'s registerPreloadScript / getPreloadScripts /
// unregisterPreloadScript, or (legacy: true) only setPreloads/getPreloads.
class ElectronSession {
  constructor({ legacy = false } = {}) {
    this._scripts = [];
    this._legacy = [];
    if (legacy) {
      this.registerPreloadScript = undefined;
      this.getPreloadScripts = undefined;
      this.unregisterPreloadScript = undefined;
    }
  }

  registerPreloadScript(script) {
    const id = script.id || `id-${this._scripts.length}`;
    if (this._scripts.some((s) => s.id === id)) throw new Error(`Cannot register preload script with existing ID '${id}'`);
    if (!require('path').isAbsolute(script.filePath)) throw new Error('Preload script must have absolute path.');
    this._scripts.push({ ...script, id });
    return id;
  }

  getPreloadScripts() {
    return this._scripts.map((s) => ({ ...s }));
  }

  unregisterPreloadScript(id) {
    this._scripts = this._scripts.filter((s) => s.id !== id);
  }

  setPreloads(list) {
    this._legacy = list.slice();
  }

  getPreloads() {
    return this._legacy.slice();
  }

  // Paths of the frame preloads a new renderer of this session runs.
  framePreloads() {
    return [...this._legacy, ...this._scripts.filter((s) => s.type === 'frame').map((s) => s.filePath)];
  }
}

// Runs `file` as Electron runs a preload in a sandbox: true renderer: in a
// fresh context, wrapped in a function of (require, process, Buffer, global,
// setImmediate, clearImmediate, exports, module), where require('electron')
// gives the renderer's modules and every other name throws. Here `process`
// is the sandbox's small object (no env, no binding) and there is no Buffer.
function runSandboxedPreload(file, electron, { argv = [] } = {}) {
  const required = [];
  const sandboxRequire = (name) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`module not found: ${name}`);
  };
  const sandboxProcess = Object.freeze({ type: 'renderer', sandboxed: true, contextIsolated: true, platform: process.platform, argv: Object.freeze(argv.slice()) });
  const context = vm.createContext({ console });
  const wrapper = vm.runInContext(
    `(function (require, process, Buffer, global, setImmediate, clearImmediate, exports, module) {${fs.readFileSync(file, 'utf8')}\n})`,
    context, { filename: file });
  const module = { exports: {} };
  wrapper(sandboxRequire, sandboxProcess, undefined, vm.runInContext('globalThis', context), undefined, undefined, module.exports, module);
  return { required, module };
}

// ipcMain with on()/removeListener() for ipcRenderer.sendSync, as Electron's:
// a listener sets event.returnValue; with no listener Electron warns and
// the renderer gets undefined.
class SyncIpcMain extends FakeIpcMain {
  constructor() {
    super();
    this.emitter = new EventEmitter();
    this.warnings = [];
  }

  on(channel, listener) {
    this.emitter.on(channel, listener);
    return this;
  }

  removeListener(channel, listener) {
    this.emitter.removeListener(channel, listener);
    return this;
  }

  listenerCount(channel) {
    return this.emitter.listenerCount(channel);
  }
}

class SyncIpcRenderer extends FakeIpcRenderer {
  sendSync(channel, ...args) {
    const event = { sender: this.webContents, senderFrame: { url: this.frameUrl }, returnValue: undefined };
    if (this.ipcMain.listenerCount(channel) === 0) {
      this.ipcMain.warnings.push(`called ipcRenderer.sendSync() with '${channel}' channel without listeners.`);
      return undefined;
    }
    this.ipcMain.emitter.emit(channel, event, ...structuredClone(args));
    return structuredClone(event.returnValue);
  }
}

module.exports = { SyncIpcMain, SyncIpcRenderer, ElectronApp, ElectronWindow, ElectronSession, runSandboxedPreload };
